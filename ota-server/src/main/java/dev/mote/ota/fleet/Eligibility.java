package dev.mote.ota.fleet;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.store.DeviceRow;

/**
 * Whether a device may be offered an image: the rule the server never breaks (the device's
 * bootloader would refuse the image anyway, after a pointless download). Checked when a
 * rollout is created and again just before each offer, since a device may have changed in
 * between (another rollout updated it, or it was first seen).
 */
final class Eligibility {
    private Eligibility() {
    }

    /** Why {@code device} must not be offered {@code image}, or null if it may be. */
    static String skipReason(ImageInfo image, DeviceRow device) {
        if (!device.seen()) {
            // Not heard from yet: decided when it comes online, before its offer.
            return null;
        }
        if (!image.profile().equals(device.profile())) {
            return "profile mismatch: the image is for " + image.profile() + ", the device is " + device.profile();
        }
        if (image.securityCounter() < device.counter()) {
            return "security counter " + image.securityCounter() + " is below the device's " + device.counter();
        }
        if (image.version().equals(device.version()) && image.securityCounter() == device.counter()) {
            return "already running " + image.version() + " (counter " + image.securityCounter() + ")";
        }
        return null;
    }
}
