package dev.mote.sdk.flash;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Partition;

/**
 * What a flash file holds in one slot: an image (whose structure parsed: checks 1-4 of
 * docs/image-format.md), nothing (the header area is zero), or something the bootloader will
 * refuse. Nothing here checks signatures: that needs keys ({@code mote verify}).
 *
 * @param image   the image, or null if the slot holds none
 * @param problem why the bootloader will refuse the slot (malformed, another profile's image),
 *                or null
 */
public record SlotContents(Slot slot, Partition partition, Image image, String problem) {
    /** True if the slot holds nothing at all (its first header's worth of bytes are zero). */
    public boolean empty() {
        return image == null && problem == null;
    }

    /**
     * One line for people: "hello 1.2.3, security counter 7, 1.3 KiB", "empty", or
     * "refused by the bootloader: bad magic".
     */
    public String summary() {
        if (empty()) {
            return "empty";
        }
        StringBuilder sb = new StringBuilder();
        if (image != null) {
            ImageHeader h = image.header();
            sb.append(h.appName()).append(' ').append(h.version()).append(" for ").append(h.profile())
                    .append(", security counter ").append(h.securityCounter()).append(", ")
                    .append(Numbers.human(image.size()));
            if (!image.hashMatches()) {
                sb.append(", HASH MISMATCH");
            }
        }
        if (problem != null) {
            sb.append(image != null ? "; " : "").append("refused by the bootloader: ").append(problem);
        }
        return sb.toString();
    }
}
