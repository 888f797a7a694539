package dev.mote.sdk.flash;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The device identity record in a board's flash file (`mote run --flash`, `mote mkflash`): at
 * {@link IdentityRecord#OFFSET} of the profile's persist partition (docs/ota-protocol.md, "The
 * device's persist partition"). Writing touches those 512 bytes only, so the images, the boot
 * state and the rest of persist stay as they are.
 */
public final class IdentityFlash {
    private IdentityFlash() {
    }

    /** Where the record lives in a flash for {@code profile}; MoteException if persist cannot hold it. */
    public static long offset(Profile profile) {
        Partition persist = profile.partition("persist");
        if (persist == null || persist.size() < IdentityRecord.OFFSET + IdentityRecord.SIZE) {
            throw new MoteException("profile " + profile.name() + " has no persist partition that can hold the"
                    + " device identity record (" + (IdentityRecord.OFFSET + IdentityRecord.SIZE) + " bytes at least)",
                    "give it a partition.persist line: " + profile.source());
        }
        return persist.offset() + IdentityRecord.OFFSET;
    }

    /**
     * Writes {@code record} into {@code flash}. A missing file becomes a blank flash for
     * {@code profile} first (as `mote mkflash -p` writes it); an existing one must be at least the
     * profile's flash size. Returns true if the file was created.
     */
    public static boolean write(Path flash, Profile profile, IdentityRecord record) throws IOException {
        long at = offset(profile);
        boolean created = false;
        if (!Files.exists(flash)) {
            FlashImage.forProfile(profile).write(flash);
            created = true;
        }
        check(flash, profile);
        try (FileChannel ch = FileChannel.open(flash, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(record.toBytes());
            while (b.hasRemaining()) {
                ch.write(b, at + b.position());
            }
            ch.force(true);
        }
        return created;
    }

    /** The record in {@code flash}; IllegalArgumentException with the device's words if it is missing or bad. */
    public static IdentityRecord read(Path flash, Profile profile) throws IOException {
        long at = offset(profile);
        check(flash, profile);
        ByteBuffer b = ByteBuffer.allocate(IdentityRecord.SIZE);
        try (FileChannel ch = FileChannel.open(flash, StandardOpenOption.READ)) {
            while (b.hasRemaining() && ch.read(b, at + b.position()) >= 0) {
                // read it all
            }
        }
        return IdentityRecord.parse(b.array());
    }

    private static void check(Path flash, Profile profile) throws IOException {
        if (!Files.isRegularFile(flash)) {
            throw new MoteException(flash + " is not a regular file (a flash file for mote run --flash)", null);
        }
        long size = Files.size(flash);
        if (size < profile.flashSize()) {
            throw new MoteException(flash + " has " + size + " bytes, less than " + profile.name()
                    + "'s flash (" + profile.flashSize() + "): is it this board's flash?",
                    "give a flash file of this profile (mote mkflash -p " + profile.name() + "), or a new file name");
        }
    }
}
