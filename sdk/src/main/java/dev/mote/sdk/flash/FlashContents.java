package dev.mote.sdk.flash;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A flash file read back through its profile: the boot state the bootloader will see (the
 * newest valid copy), what each copy holds, and each slot's image. Reads only the boot_state
 * partition and the images, not the whole flash.
 *
 * @param bootState the newest valid record, or null (a blank device: first good image wins)
 * @param copies    per copy (0, 1): "seq N", or why the bootloader ignores it ("empty (all zero)",
 *                  "bad CRC ...")
 * @param slots     slot A, then slot B
 */
public record FlashContents(Path file, Profile profile, BootState bootState, List<String> copies,
        List<SlotContents> slots) {

    public FlashContents {
        copies = List.copyOf(copies);
        slots = List.copyOf(slots);
    }

    /** The slot's contents. */
    public SlotContents slot(Slot slot) {
        return slots.get(slot.code());
    }

    /**
     * Reads {@code file} as {@code profile}'s flash. IOException if it cannot be read;
     * MoteException if its size is not the profile's flash size.
     */
    public static FlashContents read(Path file, Profile profile) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("'" + file + "' " + (Files.exists(file) ? "is not a file" : "does not exist"));
        }
        long size = Files.size(file);
        if (size != profile.flashSize()) {
            throw new MoteException(file + " is " + size + " bytes, but " + profile.name() + "'s flash is "
                    + profile.flashSize(), "is it a flash file for this profile? Make one with 'mote mkflash -p "
                    + profile.name() + "'");
        }
        Partition bsPart = profile.partition("boot_state");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] bs = readAt(ch, bsPart.offset(), (int) Math.min(bsPart.size(), BootState.PARTITION_MIN));
            List<String> copies = new ArrayList<>();
            for (int copy = 0; copy < 2; copy++) {
                try {
                    copies.add("seq " + BootState.parse(bs, copy * BootState.COPY_STRIDE).seq());
                } catch (IllegalArgumentException e) {
                    copies.add(e.getMessage().replaceFirst("^boot-state record: ", ""));
                }
            }
            BootState state = BootState.readNewest(bs).orElse(null);
            long floor = state == null ? 0 : state.securityCounter();
            List<SlotContents> slots = new ArrayList<>();
            for (Slot s : new Slot[] {Slot.A, Slot.B}) {
                slots.add(readSlot(ch, s, profile.partition(s.partition()), profile.name(), floor));
            }
            return new FlashContents(file, profile, state, copies, slots);
        }
    }

    /** The slot's image, and the bootloader's check 8 on it (profile, security counter {@code floor}). */
    private static SlotContents readSlot(FileChannel ch, Slot slot, Partition p, String device, long floor)
            throws IOException {
        if (p.size() < ImageHeader.SIZE) {
            return new SlotContents(slot, p, null, "partition smaller than an image header");
        }
        byte[] head = readAt(ch, p.offset(), ImageHeader.SIZE);
        if (isZero(head)) {
            return new SlotContents(slot, p, null, null);
        }
        try {
            ImageHeader h = ImageHeader.parse(head);
            long size = Image.MIN_SIZE + h.payloadSize();
            if (size > p.size()) {
                return new SlotContents(slot, p, null, "its header says " + size + " bytes, more than the "
                        + p.size() + "-byte partition");
            }
            Image img = Image.parse(readAt(ch, p.offset(), (int) size));
            String problem = null;
            if (!h.profile().equals(device)) {
                problem = "profile mismatch: image is for " + h.profile() + ", device is " + device;
            } else if (h.securityCounter() < floor) {
                problem = "downgrade: security counter " + h.securityCounter() + " < " + floor;
            }
            return new SlotContents(slot, p, img, problem);
        } catch (ImageException e) {
            return new SlotContents(slot, p, null, e.getMessage());
        }
    }

    private static byte[] readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new EOFException("flash file ends at byte " + (position + b.position()));
            }
        }
        return b.array();
    }

    private static boolean isZero(byte[] bytes) {
        for (byte x : bytes) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
