package dev.mote.sdk.flash;

import dev.mote.sdk.AtomicFile;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.image.Board;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.image.ImageException.Reason;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;

/**
 * A whole flash file for a board, as its profile lays it out (docs/boot-flow.md): zeros, then
 * signed images at the slot_a and slot_b partitions and, optionally, a boot-state record. With
 * no record the boot_state partition stays zero, and the bootloader treats the first good image
 * it finds as the factory image. Immutable: each {@code with} returns a new one, and every
 * image is checked (parsed, for this profile, fits its partition) as it is added, so
 * {@link #write} never starts on something it would refuse.
 */
public final class FlashImage {
    private final Profile profile;
    private final Map<Slot, Entry> images;
    private final BootState bootState;

    /** An image and what to call it in messages (its file name). */
    private record Entry(String name, Image image) {
    }

    private FlashImage(Profile profile, Map<Slot, Entry> images, BootState bootState) {
        this.profile = profile;
        this.images = images;
        this.bootState = bootState;
    }

    /** An empty (all-zero) flash for {@code profile}; MoteException if its partitions cannot hold one. */
    public static FlashImage forProfile(Profile profile) {
        Partition bs = profile.partition("boot_state");
        if (bs == null || bs.size() < BootState.PARTITION_MIN) {
            throw new MoteException("profile " + profile.name() + ": partition.boot_state must be at least "
                    + BootState.PARTITION_MIN + " bytes (two boot-state copies " + BootState.COPY_STRIDE
                    + " apart)", "fix " + profile.source());
        }
        for (Slot s : new Slot[] {Slot.A, Slot.B}) {
            if (profile.partition(s.partition()) == null) {
                throw new MoteException("profile " + profile.name() + ": no partition." + s.partition(),
                        "fix " + profile.source());
            }
        }
        return new FlashImage(profile, new EnumMap<>(Slot.class), null);
    }

    /** Reads {@code file} (a signed image) into {@code slot}; its name in errors is the path. */
    public FlashImage withImage(Slot slot, Path file) throws IOException {
        Image img;
        try {
            img = Image.read(file);
        } catch (ImageException e) {
            throw new ImageException(e.reason(), slot.partition() + ": " + file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new IOException(slot.partition() + ": " + e.getMessage(), e);
        }
        return withImage(slot, file.toString(), img);
    }

    /**
     * Puts {@code image} (called {@code name} in errors) into {@code slot}. ImageException if it
     * is for another profile or breaks the board's limits ({@link Board}), MoteException if it
     * does not fit the slot's partition.
     */
    public FlashImage withImage(Slot slot, String name, Image image) {
        if (slot == null || slot == Slot.NONE) {
            throw new IllegalArgumentException("slot: must be A or B, got " + slot);
        }
        String part = slot.partition();
        String imageProfile = image.header().profile();
        if (!imageProfile.equals(profile.name())) {
            throw new ImageException(Reason.PROFILE_MISMATCH, part + ": " + name + ": profile mismatch: image is for "
                    + imageProfile + ", device is " + profile.name());
        }
        long room = profile.partition(part).size();
        if (image.size() > room) {
            throw new MoteException(part + ": " + name + " is " + Numbers.human(image.size()) + " (" + image.size()
                    + " bytes), larger than the " + part + " partition: " + Numbers.human(room) + " (" + room
                    + " bytes)", "make the app smaller, or use a profile with bigger slots");
        }
        try {
            Board.of(profile).check(image.header()); // what the bootloader refuses before loading
        } catch (ImageException e) {
            throw new ImageException(e.reason(), part + ": " + name + ": " + e.getMessage());
        }
        Map<Slot, Entry> m = new EnumMap<>(images);
        m.put(slot, new Entry(name, image));
        return new FlashImage(profile, m, bootState);
    }

    /**
     * The record to write, exactly as given (at copy {@code seq & 1}), or null for none (an
     * all-zero boot_state partition). Its active and pending slots must hold images when written.
     */
    public FlashImage withBootState(BootState state) {
        return new FlashImage(profile, images, state);
    }

    public Profile profile() {
        return profile;
    }

    /** The image in {@code slot}, or null. */
    public Image image(Slot slot) {
        Entry e = images.get(slot);
        return e == null ? null : e.image();
    }

    /** The record to be written, or null. */
    public BootState bootState() {
        return bootState;
    }

    /**
     * Writes the flash file (profile.flashSize() bytes; unwritten parts are zero, and sparse where
     * the file system allows) through a temporary file, so an existing file is replaced whole or
     * not at all. IllegalArgumentException if the boot state names a slot without an image.
     */
    public void write(Path file) throws IOException {
        checkBootState();
        AtomicFile.replace(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeAt(ch, new byte[1], profile.flashSize() - 1);
                if (bootState != null) {
                    byte[] record = bootState.toBytes();
                    long copy = (long) BootState.copyFor(bootState.seq()) * BootState.COPY_STRIDE;
                    writeAt(ch, record, profile.partition("boot_state").offset() + copy);
                }
                for (Map.Entry<Slot, Entry> e : images.entrySet()) {
                    writeAt(ch, e.getValue().image().toBytes(), profile.partition(e.getKey().partition()).offset());
                }
                ch.force(true);
            }
        });
    }

    private void checkBootState() {
        if (bootState == null) {
            return;
        }
        Slot active = bootState.active();
        Slot pending = bootState.pending();
        if (pending != Slot.NONE && pending == active) {
            throw new IllegalArgumentException("boot state: pending slot " + pending
                    + " is also the active one (a new image goes to the other slot)");
        }
        for (Slot s : new Slot[] {active, pending}) {
            if (s != Slot.NONE && !images.containsKey(s)) {
                throw new IllegalArgumentException("boot state: slot " + s + " is "
                        + (s == active ? "active" : "pending") + " but holds no image (give one for "
                        + s.partition() + ")");
            }
        }
    }

    private static void writeAt(FileChannel ch, byte[] bytes, long position) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b, position + b.position());
        }
    }
}
