package dev.mote.flasher.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The messages of docs/flasher-protocol.md as records, each with {@code toFrame()} and
 * {@code parse(Frame)}; parse checks the type and the payload's shape and throws
 * {@link ProtocolException} for a frame that is not what it claims. All integers little-endian.
 * The device's twins are the rproto_*_put/get helpers in kernel/src/recovery_proto.c.
 */
public final class ProtocolMessages {
    public static final int VERSION = 1;
    /** "MRCV", the arg of HELLO and INFO. */
    public static final long MAGIC = 0x5643524dL;
    public static final int IMAGE_HEADER_SIZE = 256;
    /** Longest STATUS reason (kernel/boot/recovery_proto.h: RPROTO_STATUS_TEXT_MAX): two 31-character names fit. */
    public static final int STATUS_TEXT_MAX = 160;
    public static final int NAK_CRC = 1;
    public static final int NAK_GAP = 2;
    /** Compressed DATA that arrived intact but does not decode: the host sends uncompressed from then on. */
    public static final int NAK_DATA = 3;
    /** INFO flag: the device takes compressed (LZ4) DATA. */
    public static final int INFO_COMPRESSION = 0x01;
    public static final int SLOT_NONE = 0xff;

    private ProtocolMessages() {
    }

    /** Host -> device: who are you? (payload: version u16, flags u16). */
    public record Hello(int version, int flags) {
        public static final int SIZE = 4;

        public Frame toFrame() {
            byte[] p = le(SIZE).putShort((short) version).putShort((short) flags).array();
            return Frame.of(FrameType.HELLO, 0, MAGIC, p);
        }

        public static Hello parse(Frame f) throws ProtocolException {
            expect(f, FrameType.HELLO, SIZE);
            magic(f);
            ByteBuffer b = le(f);
            return new Hello(Short.toUnsignedInt(b.getShort(0)), Short.toUnsignedInt(b.getShort(2)));
        }
    }

    /**
     * Device -> host: the device names itself (88-byte payload, layout in the protocol doc).
     *
     * @param resumeOffset image bytes already held from an interrupted transfer
     * @param resumeHash   SHA-256 of the header of the image those bytes belong to (32 bytes)
     */
    public record Info(int version, int arch, int maxPayload, int window, int flags, long securityCounter,
            int activeSlot, int targetSlot, long slotSize, long resumeOffset, byte[] resumeHash, String profile) {
        public static final int SIZE = 88;
        static final int OFF_HASH = 24;
        static final int OFF_PROFILE = 56;

        public Info {
            if (resumeHash == null || resumeHash.length != 32) {
                throw new IllegalArgumentException("resume hash: 32 bytes");
            }
            resumeHash = resumeHash.clone();
            if (profile == null || profile.isEmpty() || profile.length() > 31
                    || !profile.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("profile: '" + profile
                        + "' must be 1..31 printable ASCII characters");
            }
        }

        @Override
        public byte[] resumeHash() {
            return resumeHash.clone();
        }

        public Frame toFrame() {
            ByteBuffer b = le(SIZE).putShort((short) version).putShort((short) arch).putShort((short) maxPayload)
                    .put((byte) window).put((byte) flags).putInt((int) securityCounter).put((byte) activeSlot)
                    .put((byte) targetSlot).putShort((short) 0).putInt((int) slotSize).putInt((int) resumeOffset)
                    .put(resumeHash);
            b.put(profile.getBytes(StandardCharsets.US_ASCII));
            return Frame.of(FrameType.INFO, 0, MAGIC, b.array());
        }

        public static Info parse(Frame f) throws ProtocolException {
            expect(f, FrameType.INFO, SIZE);
            magic(f);
            ByteBuffer b = le(f);
            byte[] p = f.payloadArray();
            int n = 0;
            while (n < 32 && p[OFF_PROFILE + n] >= 0x20 && p[OFF_PROFILE + n] < 0x7f) {
                n++;
            }
            for (int i = n; i < 32; i++) {
                if (p[OFF_PROFILE + i] != 0) {
                    n = 0;
                }
            }
            if (n == 0 || n == 32) {
                throw new ProtocolException("malformed INFO from the device: bad profile field");
            }
            return new Info(u16(b, 0), u16(b, 2), u16(b, 4), p[6] & 0xff, p[7] & 0xff, u32(b, 8), p[12] & 0xff,
                    p[13] & 0xff, u32(b, 16), u32(b, 20), Arrays.copyOfRange(p, OFF_HASH, OFF_HASH + 32),
                    new String(p, OFF_PROFILE, n, StandardCharsets.US_ASCII));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Info i && i.version == version && i.arch == arch && i.maxPayload == maxPayload
                    && i.window == window && i.flags == flags && i.securityCounter == securityCounter
                    && i.activeSlot == activeSlot && i.targetSlot == targetSlot && i.slotSize == slotSize
                    && i.resumeOffset == resumeOffset && Arrays.equals(i.resumeHash, resumeHash)
                    && i.profile.equals(profile);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(resumeHash) * 31 + profile.hashCode() + Long.hashCode(resumeOffset);
        }

        @Override
        public String toString() {
            return "Info[profile=" + profile + ", arch=" + arch + ", version=" + version + ", maxPayload="
                    + maxPayload + ", window=" + window + ", securityCounter=" + securityCounter + ", activeSlot="
                    + activeSlot + ", targetSlot=" + targetSlot + ", slotSize=" + slotSize + ", resumeOffset="
                    + resumeOffset + ", resumeHash=" + HexFormat.of().formatHex(resumeHash) + "]";
        }
    }

    /** Host -> device: an image of {@code size} bytes follows; here is its 256-byte header. */
    public record Begin(long size, byte[] header) {
        public Begin {
            if (header == null || header.length != IMAGE_HEADER_SIZE) {
                throw new IllegalArgumentException("image header: " + IMAGE_HEADER_SIZE + " bytes");
            }
            header = header.clone();
        }

        @Override
        public byte[] header() {
            return header.clone();
        }

        public Frame toFrame() {
            return Frame.of(FrameType.BEGIN, 0, size, header);
        }

        public static Begin parse(Frame f) throws ProtocolException {
            expect(f, FrameType.BEGIN, IMAGE_HEADER_SIZE);
            if (f.length() != IMAGE_HEADER_SIZE) {
                throw new ProtocolException("malformed BEGIN: " + f.length() + "-byte header");
            }
            return new Begin(f.arg(), f.payloadArray());
        }
    }

    /**
     * Host -> device: image bytes at {@code offset}. {@link #toFrame} sends them as they are;
     * {@link DataCompression#frame} compresses them. {@link #parse} takes either and gives the
     * image bytes.
     */
    public record Data(long offset, byte[] bytes) {
        public Data {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public Frame toFrame() {
            return Frame.of(FrameType.DATA, 0, offset, bytes);
        }

        /**
         * A DATA frame's image bytes, decompressed if it is compressed (at most {@link Frame#MAX_PAYLOAD}
         * of them). ProtocolException with status UNSUPPORTED for an unknown flag, without a status
         * for compressed bytes that do not decode to the count they state.
         */
        public static Data parse(Frame f) throws ProtocolException {
            expect(f, FrameType.DATA, 0);
            if ((f.flags() & ~Frame.FLAG_COMPRESSED) != 0) {
                throw new ProtocolException(ProtocolStatus.UNSUPPORTED, "DATA flags 0x"
                        + Integer.toHexString(f.flags()) + " are not supported in protocol version " + VERSION);
            }
            byte[] bytes = f.flags() == Frame.FLAG_COMPRESSED
                    ? DataCompression.expand(f.payloadArray(), Frame.MAX_PAYLOAD) : f.payloadArray();
            if (f.arg() + bytes.length > 0xffffffffL) {
                throw new ProtocolException("malformed DATA: offset + length overflows 32 bits");
            }
            return new Data(f.arg(), bytes);
        }
    }

    /** Device -> host: every image byte below {@code offset} is held (cumulative). */
    public record Ack(long offset) {
        public Frame toFrame() {
            return Frame.of(FrameType.ACK, offset);
        }

        public static Ack parse(Frame f) throws ProtocolException {
            expect(f, FrameType.ACK, 0);
            return new Ack(f.arg());
        }
    }

    /** Device -> host: resend from {@code offset}; reason NAK_CRC or NAK_GAP. */
    public record Nak(long offset, int reason) {
        public Frame toFrame() {
            return Frame.of(FrameType.NAK, 0, offset, le(2).putShort((short) reason).array());
        }

        public static Nak parse(Frame f) throws ProtocolException {
            expect(f, FrameType.NAK, 2);
            return new Nak(f.arg(), u16(le(f), 0));
        }
    }

    /** Host -> device: all {@code size} bytes are sent; verify and answer STATUS. */
    public record End(long size) {
        public Frame toFrame() {
            return Frame.of(FrameType.END, size);
        }

        public static End parse(Frame f) throws ProtocolException {
            expect(f, FrameType.END, 0);
            return new End(f.arg());
        }
    }

    /** Host -> device: give up this transfer (what is written stays, for a later resume). */
    public record Abort(long reason) {
        public Frame toFrame() {
            return Frame.of(FrameType.ABORT, reason);
        }
    }

    /** Device -> host: the outcome of a command, code 0 = ok, and a one-line text. */
    public record Status(long code, String text) {
        public Status {
            text = text == null ? "" : text;
            if (text.length() > STATUS_TEXT_MAX) {
                text = text.substring(0, STATUS_TEXT_MAX);
            }
        }

        public Status(ProtocolStatus status, String text) {
            this(status.code(), text);
        }

        public boolean ok() {
            return code == 0;
        }

        public Frame toFrame() {
            return Frame.of(FrameType.STATUS, 0, code, text.getBytes(StandardCharsets.US_ASCII));
        }

        public static Status parse(Frame f) throws ProtocolException {
            expect(f, FrameType.STATUS, 0);
            byte[] p = f.payloadArray();
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < Math.min(p.length, STATUS_TEXT_MAX); i++) {
                int c = p[i] & 0xff;
                s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
            }
            return new Status(f.arg(), s.toString());
        }

        /** "profile mismatch: ..." or the code's description when the device sent no text. */
        public String describe() {
            String name = ProtocolStatus.of(code).map(ProtocolStatus::description).orElse("status " + code);
            return text.isEmpty() ? name : text;
        }
    }

    private static void expect(Frame f, FrameType t, int minLength) throws ProtocolException {
        if (!f.is(t)) {
            throw new ProtocolException("expected " + t + ", got " + FrameType.describe(f.type()));
        }
        if (f.length() < minLength) {
            throw new ProtocolException("malformed " + t + ": " + f.length() + " payload bytes, need " + minLength);
        }
    }

    private static void magic(Frame f) throws ProtocolException {
        if (f.arg() != MAGIC) {
            throw new ProtocolException("not a Mote recovery peer: " + FrameType.describe(f.type())
                    + " without the MRCV magic");
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer le(Frame f) {
        return ByteBuffer.wrap(f.payloadArray()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int u16(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at));
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }
}
