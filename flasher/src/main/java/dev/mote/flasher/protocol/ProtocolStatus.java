package dev.mote.flasher.protocol;

import java.util.Optional;

/**
 * STATUS codes (and ABORT reasons) of docs/flasher-protocol.md, the same numbers as RPROTO_S*
 * in kernel/include/recovery_proto.h. The descriptions say what went wrong and what to try.
 */
public enum ProtocolStatus {
    OK(0, "ok"),
    VERSION(1, "the device does not speak this protocol version: update the flasher or the bootloader"),
    STATE(2, "the device was not expecting that command (a stale session?): retry"),
    BAD_HEADER(3, "the image header does not parse: is this a signed Mote image?"),
    PROFILE(4, "the image is for another device profile or architecture"),
    DOWNGRADE(5, "the image's security counter is below the one the device has recorded"),
    TOO_BIG(6, "the image does not fit the device's slot"),
    FLASH(7, "the device could not write or read its flash"),
    INCOMPLETE(8, "the device is missing image bytes (the transfer ended early)"),
    SIGNATURE(9, "the device does not trust the image's signature (unknown key or bad signature)"),
    HASH(10, "the image's payload hash does not match its header (corrupted image)"),
    UNSUPPORTED(11, "the device does not support that request (e.g. compressed data)"),
    ABORTED(12, "the transfer was aborted");

    private final int code;
    private final String description;

    ProtocolStatus(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The code on the wire. */
    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** The status with this code, or empty for one this version does not know. */
    public static Optional<ProtocolStatus> of(long code) {
        for (ProtocolStatus s : values()) {
            if (s.code == code) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
