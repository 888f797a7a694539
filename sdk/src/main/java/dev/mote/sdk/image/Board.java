package dev.mote.sdk.image;

import dev.mote.sdk.image.ImageException.Reason;
import dev.mote.sdk.profile.Arch;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;

/**
 * What a board allows an image (docs/image-format.md, "Header rules"): its architecture, the
 * room in a slot for header, payload and signature block, the RAM the payload must lie in, and
 * the bootloader's range [keepStart, keepEnd) it must miss. The bootloader applies the same
 * rules with what it knows of itself (image_check_board in kernel/update/image.c); both are held
 * to kernel/test/vectors/image-headers.txt. Addresses and sizes are unsigned 64-bit.
 */
public record Board(Arch arch, long slotSize, long ramBase, long ramSize, long keepStart, long keepEnd) {
    public Board {
        if (arch == null) {
            throw new IllegalArgumentException("arch: required");
        }
    }

    /**
     * The board a profile describes: the smaller slot, the profile's RAM, and the bootloader from
     * bootloader.address up to load.address (its code, data and working memory stay below the
     * app's load address: the profile parser and the bootloader build check that). A device with
     * less RAM than its profile says refuses more than this; never less.
     */
    public static Board of(Profile p) {
        Partition a = p.partition("slot_a");
        Partition b = p.partition("slot_b");
        long slot = a == null || b == null ? Long.MAX_VALUE : Math.min(a.size(), b.size());
        return new Board(p.arch(), slot, p.ramBase(), p.ramSize(), p.bootloaderAddress(), p.loadAddress());
    }

    /**
     * Checks a parsed header (its load range does not wrap: {@link ImageHeader#parse} refused
     * those) against this board: arch, slot size, RAM, the bootloader, in that order, with the
     * bootloader's words. Throws ImageException.
     */
    public void check(ImageHeader h) {
        long lo = h.loadAddress();
        long size = h.payloadSize();
        if (h.arch() != arch) {
            throw new ImageException(Reason.PROFILE_MISMATCH, "arch mismatch: image is for " + h.arch().keyword()
                    + ", device is " + arch.keyword());
        }
        if (ImageHeader.SIZE + size + SignatureBlock.SIZE > slotSize) {
            throw new ImageException(Reason.TOO_BIG, "image too big: a " + size
                    + "-byte payload does not fit the slot (" + slotSize + " bytes)");
        }
        // lo - ramBase only once lo >= ramBase; size <= ramSize before ramSize - size
        if (Long.compareUnsigned(lo, ramBase) < 0 || Long.compareUnsigned(size, ramSize) > 0
                || Long.compareUnsigned(lo - ramBase, ramSize - size) > 0) {
            throw new ImageException(Reason.MISPLACED, "image at 0x" + Long.toHexString(lo) + " does not fit in RAM");
        }
        if (Long.compareUnsigned(lo, keepEnd) < 0 && Long.compareUnsigned(lo + size, keepStart) > 0) {
            throw new ImageException(Reason.MISPLACED, "image at 0x" + Long.toHexString(lo)
                    + " overlaps the bootloader");
        }
    }
}
