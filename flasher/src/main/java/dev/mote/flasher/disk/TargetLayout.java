package dev.mote.flasher.disk;

import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a target holds now, read through its profile's layout: the boot_state partition (both
 * copies) and the header at the start of each slot. Only headers are read: the bootloader
 * verifies the images themselves when it boots them, and the flasher replaces one anyway.
 *
 * @param bootState    the newest valid record, or null
 * @param bootStateRaw the first {@link BootState#PARTITION_MIN} bytes of boot_state
 * @param headers      slot -> the header there (absent: zero or not an image)
 * @param problems     slot -> why what is there is no image for this profile (absent: fine or empty)
 * @param blank        true if boot_state and both slot headers are all zero
 */
record TargetLayout(BootState bootState, byte[] bootStateRaw, Map<Slot, ImageHeader> headers,
        Map<Slot, String> problems, boolean blank) {

    static TargetLayout read(TargetIo io, Profile profile) throws IOException {
        Partition bs = profile.partition("boot_state");
        byte[] raw = new byte[BootState.PARTITION_MIN];
        io.read(bs.offset(), ByteBuffer.wrap(raw));
        boolean blank = isZero(raw);
        Map<Slot, ImageHeader> headers = new EnumMap<>(Slot.class);
        Map<Slot, String> problems = new EnumMap<>(Slot.class);
        for (Slot s : new Slot[] {Slot.A, Slot.B}) {
            byte[] head = new byte[ImageHeader.SIZE];
            io.read(profile.partition(s.partition()).offset(), ByteBuffer.wrap(head));
            if (isZero(head)) {
                continue;
            }
            blank = false;
            try {
                ImageHeader h = ImageHeader.parse(head);
                headers.put(s, h);
                if (!h.profile().equals(profile.name())) {
                    problems.put(s, "holds an image for " + h.profile());
                }
            } catch (ImageException e) {
                problems.put(s, "holds no image (" + e.getMessage() + ")");
            }
        }
        return new TargetLayout(BootState.readNewest(raw).orElse(null), raw, headers, problems, blank);
    }

    /** True if the target looks like a Mote flash: a valid record, or an image in a slot. */
    boolean looksLikeMoteFlash() {
        return bootState != null || !headers.isEmpty();
    }

    /**
     * The slot the bootloader treats as confirmed: the record's active slot, or with no record
     * (or none active), the first slot with an image for this profile, as a blank device boots
     * the first good image it finds; NONE if there is none.
     */
    Slot active() {
        if (bootState != null && bootState.active() != Slot.NONE) {
            return bootState.active();
        }
        for (Slot s : new Slot[] {Slot.A, Slot.B}) {
            if (headers.containsKey(s) && !problems.containsKey(s)) {
                return s;
            }
        }
        return Slot.NONE;
    }

    /** The recorded anti-rollback floor (0 without a record). */
    long securityCounter() {
        return bootState == null ? 0 : bootState.securityCounter();
    }

    /** "blank", or what is there: "seq 4: active A, ...; slot A: hello 1.0.0 for qemu-virt-arm64". */
    String describe() {
        if (blank) {
            return "blank";
        }
        StringBuilder sb = new StringBuilder(bootState == null ? "no valid boot-state record" : bootState.describe());
        for (Slot s : new Slot[] {Slot.A, Slot.B}) {
            ImageHeader h = headers.get(s);
            sb.append("; slot ").append(s).append(": ");
            sb.append(h == null ? problems.getOrDefault(s, "empty") : h.appName() + " " + h.version() + " for " + h.profile());
        }
        return sb.toString();
    }

    private static boolean isZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
