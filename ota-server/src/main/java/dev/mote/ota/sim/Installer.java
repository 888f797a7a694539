package dev.mote.ota.sim;

import dev.mote.ota.protocol.Offer;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.image.Verifier;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A simulated device's flash and bootloader: what it runs (version, security counter, slot), and
 * the checks it makes before installing, which are the bootloader's own (the SDK's
 * {@link Verifier}): the offer's SHA-256, a trusted signature, the payload hash, the device's
 * profile, and no security counter below the device's.
 */
final class Installer {
    /** Larger than any slot of a real board: offers above it are refused before downloading. */
    static final long MAX_IMAGE = 64L << 20;
    private static final int MAX_REASON = 200;

    private final DeviceSpec spec;
    private String version;
    private long counter;
    private char slot;
    private String newVersion;
    private long newCounter;

    Installer(DeviceSpec spec) {
        this.spec = spec;
        this.version = spec.version();
        this.counter = spec.counter();
        this.slot = spec.slot();
    }

    String version() {
        return version;
    }

    long counter() {
        return counter;
    }

    char slot() {
        return slot;
    }

    /** Why the device cannot even start downloading this offer, or null. */
    String refuseOffer(Offer o) {
        if (o.size() < Image.MIN_SIZE || o.size() > MAX_IMAGE) {
            return "image size " + o.size() + " is outside " + Image.MIN_SIZE + ".." + MAX_IMAGE + " bytes";
        }
        return null;
    }

    /** Checks a complete download; null when it may be installed, else the reason for "failed". */
    String verify(Download d) {
        String sha = HexFormat.of().formatHex(sha256(d.image));
        if (!sha.equals(d.offer.sha256())) {
            return "sha256 mismatch: downloaded " + sha + ", offered " + d.offer.sha256();
        }
        try {
            Image image = new Verifier(spec.trusted()).expectProfile(spec.profile()).minSecurityCounter(counter)
                    .verify(d.image);
            newVersion = image.header().version().toString();
            newCounter = image.header().securityCounter();
            return null;
        } catch (ImageException e) {
            return clip(e.getMessage());
        } catch (RuntimeException e) {
            return clip("image: " + e.getMessage());
        }
    }

    /** The TEST boot of the installed image, in the other slot. */
    void bootNew() {
        version = newVersion;
        counter = newCounter;
        slot = slot == 'a' ? 'b' : 'a';
    }

    /** What reasons may hold: printable ASCII (docs/ota-protocol.md), and short. */
    private static String clip(String s) {
        String ascii = s.replaceAll("[^ -~]", "?");
        return ascii.length() <= MAX_REASON ? ascii : ascii.substring(0, MAX_REASON);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
