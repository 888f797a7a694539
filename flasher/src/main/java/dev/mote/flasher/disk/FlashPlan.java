package dev.mote.flasher.disk;

import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import java.nio.file.Path;

/**
 * What a flash run writes, decided after every check passed: the image goes into {@code slot}
 * (its partition {@code partition}), then {@code next} is written as the boot-state record.
 *
 * @param target      the flash file or block device
 * @param kind        a new flash file, a flash file or a block device
 * @param image       the verified image's header
 * @param imageBytes  the image's size: the bytes written into the slot
 * @param current     the record the target holds now, or null (blank, or no valid copy)
 * @param next        the record written last
 */
public record FlashPlan(Path target, TargetKind kind, Profile profile, ImageHeader image, long imageBytes, Slot slot,
        Partition partition, BootState current, BootState next) {

    /** True for a first (factory) flash: the new image becomes the active one at once. */
    public boolean factory() {
        return next.active() == slot;
    }

    /** One line for people: "slot B (slot_b) of /dev/sdb: hello 1.2.0, TEST on next boot". */
    public String describe() {
        return "slot " + slot + " (" + partition.name() + ") of " + target + ": " + image.appName() + " "
                + image.version() + " (security counter " + image.securityCounter() + "), "
                + (factory() ? "active (factory flash)" : "pending: boots once in TEST, reverts unless confirmed");
    }
}
