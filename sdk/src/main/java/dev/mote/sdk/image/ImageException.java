package dev.mote.sdk.image;

import dev.mote.sdk.MoteException;

/**
 * An image was refused. {@link #reason()} says which check failed (for code: the flasher and the
 * OTA server map it to their own responses); the message says it for people, in the words of
 * docs/image-format.md ({@code "truncated at byte 300"}, {@code "bad signature"}, ...).
 */
public final class ImageException extends MoteException {
    private static final long serialVersionUID = 1L;
    private final Reason reason;

    public ImageException(Reason reason, String message) {
        super(message, reason.hint);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The checks of docs/image-format.md, in the order they run. */
    public enum Reason {
        TRUNCATED("the file is shorter than its header says: copy or download it again"),
        TRAILING_BYTES("the file is longer than header + payload + signature: it is not a Mote image,"
                + " or something was appended"),
        BAD_MAGIC("this is not a Mote image (a signed image starts with \"MOTE\"; an ELF needs 'mote sign')"),
        UNSUPPORTED_VERSION("the image was made by a newer Mote: update this tool"),
        BAD_HEADER("the header is malformed: rebuild the image"),
        BAD_SIGNATURE_BLOCK("the signature block is malformed or uses an unknown algorithm: re-sign the image"),
        UNKNOWN_KEY("the image is signed by a key that is not trusted here: pass its public key, or re-sign"
                + " with a trusted one ('mote sign IMAGE --key KEY')"),
        BAD_SIGNATURE("the header was changed after signing, or the signature is corrupt: do not use this image"),
        HASH_MISMATCH("the payload was changed after signing: do not use this image"),
        PROFILE_MISMATCH("build the app for this device's profile (mote build -p PROFILE)"),
        TOO_BIG("the image does not fit this board's slots: make the app smaller"),
        MISPLACED("the image would be loaded outside this board's RAM or over its bootloader: build it for"
                + " this board's profile (mote build -p PROFILE)"),
        DOWNGRADE("the device has recorded a higher security counter: build with --security-counter"
                + " at least as high");

        private final String hint;

        Reason(String hint) {
            this.hint = hint;
        }
    }
}
