package dev.mote.sdk.image;

import dev.mote.sdk.image.ImageException.Reason;
import dev.mote.sdk.profile.Profile;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks an image the way every hop must (docs/image-format.md, checks 5-8): signed by a trusted
 * key, signature good, payload hash good, and, when set, for the expected profile, fitting the
 * expected board ({@link Board}: arch, slot, RAM, clear of the bootloader) and not below the
 * minimum security counter. Immutable: {@code new Verifier(keys).expectProfile("x")} returns a
 * new verifier. The flasher and the OTA server use this class; the device's bootloader runs the
 * same checks in C.
 */
public final class Verifier {
    private final List<VerifyKey> trusted;
    private final String profile;
    private final long minSecurityCounter;
    private final Board board;

    /** Trusts {@code trusted} (at least one key); no profile or counter policy. */
    public Verifier(Collection<VerifyKey> trusted) {
        this(List.copyOf(trusted), null, 0, null);
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("trusted keys: at least one public key is needed");
        }
    }

    private Verifier(List<VerifyKey> trusted, String profile, long minSecurityCounter, Board board) {
        this.trusted = trusted;
        this.profile = profile;
        this.minSecurityCounter = minSecurityCounter;
        this.board = board;
    }

    /** Also require the image to be built for {@code deviceProfile} (null: any). */
    public Verifier expectProfile(String deviceProfile) {
        return new Verifier(trusted, deviceProfile, minSecurityCounter, board);
    }

    /**
     * Also require the image to be built for {@code device}'s profile and to fit its board
     * ({@link Board#of}): what the device's bootloader checks before it loads anything.
     */
    public Verifier expectBoard(Profile device) {
        return new Verifier(trusted, device.name(), minSecurityCounter, Board.of(device));
    }

    /** Also refuse images whose security counter is below {@code recorded} (the device's). */
    public Verifier minSecurityCounter(long recorded) {
        if (recorded < 0 || recorded > Version.MAX) {
            throw new IllegalArgumentException("minimum security counter: must be 0.." + Version.MAX + ", got "
                    + recorded);
        }
        return new Verifier(trusted, profile, recorded, board);
    }

    public List<VerifyKey> trusted() {
        return trusted;
    }

    /** Parses {@code data} (checks 1-4) and verifies it; returns the image. */
    public Image verify(byte[] data) {
        Image image = Image.parse(data);
        verify(image);
        return image;
    }

    /** Checks 5-8; returns the trusted key that signed the image, or throws ImageException. */
    public VerifyKey verify(Image image) {
        byte[] keyId = image.signature().keyId();
        VerifyKey key = trusted.stream().filter(k -> Arrays.equals(k.keyId(), keyId)).findFirst().orElse(null);
        if (key == null) {
            throw new ImageException(Reason.UNKNOWN_KEY, "unknown key id " + image.signature().keyIdHex()
                    + " (trusted: " + trusted.stream().map(VerifyKey::shortId).collect(Collectors.joining(", "))
                    + ")");
        }
        ImageHeader h = image.header();
        if (!key.verify(h.serialize(), image.signature().signature())) {
            throw new ImageException(Reason.BAD_SIGNATURE, "bad signature");
        }
        if (!image.hashMatches()) {
            throw new ImageException(Reason.HASH_MISMATCH, "hash mismatch: the payload's SHA-256 is "
                    + HexFormat.of().formatHex(VerifyKey.sha256(image.payload())) + ", the header says "
                    + h.payloadSha256Hex());
        }
        checkPolicy(h);
        return key;
    }

    /**
     * Check 8 alone: the expected profile and board and the minimum security counter, no key,
     * signature or hash. For a caller that verified the image with {@link #verify(Image)} already and learned
     * the device's counter only afterwards (the flasher reads it from the target), so the payload
     * is not hashed twice. Throws ImageException.
     */
    public void checkPolicy(ImageHeader h) {
        if (profile != null && !profile.equals(h.profile())) {
            throw new ImageException(Reason.PROFILE_MISMATCH, "profile mismatch: image is for " + h.profile()
                    + ", device is " + profile);
        }
        if (board != null) {
            board.check(h);
        }
        if (h.securityCounter() < minSecurityCounter) {
            throw new ImageException(Reason.DOWNGRADE, "downgrade: security counter " + h.securityCounter() + " < "
                    + minSecurityCounter);
        }
    }
}
