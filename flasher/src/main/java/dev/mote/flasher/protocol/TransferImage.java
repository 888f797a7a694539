package dev.mote.flasher.protocol;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageHeader;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * What a transfer sends: the signed image's bytes, and the header fields the flasher checks
 * against the device's INFO before it writes anything.
 *
 * @param bytes           the whole signed image (header, payload, signature block)
 * @param profile         the header's profile name
 * @param arch            the header's arch code (1 = arm64, 2 = x86_64)
 * @param securityCounter the header's security counter
 */
public record TransferImage(byte[] bytes, String profile, int arch, long securityCounter) {
    public TransferImage {
        if (bytes == null || bytes.length < ProtocolMessages.IMAGE_HEADER_SIZE) {
            throw new IllegalArgumentException("image: at least the " + ProtocolMessages.IMAGE_HEADER_SIZE
                    + "-byte header is needed");
        }
        if (profile == null || profile.isEmpty()) {
            throw new IllegalArgumentException("profile: required");
        }
        bytes = bytes.clone();
    }

    /** The transfer of a parsed, signed image (the flasher verifies it before calling this). */
    public static TransferImage of(Image image) {
        ImageHeader h = image.header();
        return new TransferImage(image.toBytes(), h.profile(), ImageHeader.archCode(h.arch()), h.securityCounter());
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes themselves, for this package's sender: never modified or handed out. */
    byte[] array() {
        return bytes;
    }

    public long size() {
        return bytes.length;
    }

    /** The 256-byte header, as BEGIN carries it. */
    public byte[] header() {
        return Arrays.copyOf(bytes, ProtocolMessages.IMAGE_HEADER_SIZE);
    }

    /** SHA-256 of the header: what a device's resume record names its partial image by. */
    public byte[] headerSha256() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(header());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
