package dev.mote.flasher.protocol;

import dev.mote.flasher.protocol.ProtocolMessages.Ack;
import dev.mote.flasher.protocol.ProtocolMessages.Begin;
import dev.mote.flasher.protocol.ProtocolMessages.Hello;
import dev.mote.flasher.protocol.ProtocolMessages.Info;
import dev.mote.flasher.protocol.ProtocolMessages.Nak;
import dev.mote.flasher.protocol.ProtocolMessages.Status;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.Verifier;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The device side of docs/flasher-protocol.md in Java, over any stream pair, with a byte array
 * as its target slot: what the bootloader's recovery mode is to do, as a peer for the transfer
 * tests. State that a real device keeps in flash (the slot, the resume record, the security
 * counter) lives in this object and survives sessions; a session lasts until its link closes.
 * It counts everything the tests check: each slot byte's writes, DATA frames and bytes taken off
 * the wire, NAKs, damaged frames. Acknowledges every DATA frame (the most ACK traffic a device
 * may send).
 */
final class FakeDevice {
    final String profile;
    final int arch = 1;
    final long securityCounter;
    final byte[] slot;
    final int maxPayload;
    final int window;
    /** The resume record is written every {@code durable} bytes (1: every byte). */
    int durable = 1;
    /** 1-based number of a DATA frame to lose as if the line ate it (0: none). */
    long loseDataFrame;
    /** INFO offers compressed DATA. */
    boolean compression = true;
    /**
     * 1-based number of a compressed DATA frame to find undecodable, as if the host's compressor
     * were broken: its count is taken one too high, so it decodes to the wrong size (0: none).
     */
    long breakCompressedFrame;

    // persistent (the device's flash)
    long resumeOffset;
    byte[] resumeHash = new byte[32];
    boolean pending;
    final short[] writes;

    // statistics, all sessions
    volatile long dataFrames;
    volatile long dataBytes;
    volatile long compressedFrames;
    /** Compressed DATA frames that came after the one that would not decode. */
    volatile long compressedAfterBreak;
    volatile long naks;
    volatile long damaged;
    volatile long begins;
    volatile long aborts;
    volatile boolean rebooted;

    FakeDevice(String profile, long securityCounter, int slotSize, int maxPayload, int window) {
        this.profile = profile;
        this.securityCounter = securityCounter;
        this.slot = new byte[slotSize];
        this.writes = new short[slotSize];
        this.maxPayload = maxPayload;
        this.window = window;
    }

    FakeDevice(String profile, long securityCounter, int slotSize) {
        this(profile, securityCounter, slotSize, Frame.DEFAULT_PAYLOAD, Frame.DEFAULT_WINDOW);
    }

    /** Serves one session on its own thread. */
    Thread start(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> new Session(in, out).run(), "fake-device");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Slot bytes written more than once (resends after a resume that were already held). */
    long bytesWrittenMoreThanOnce() {
        long n = 0;
        for (short w : writes) {
            n += Math.max(0, w - 1);
        }
        return n;
    }

    long bytesNeverWritten(int size) {
        long n = 0;
        for (int i = 0; i < size; i++) {
            n += writes[i] == 0 ? 1 : 0;
        }
        return n;
    }

    private final class Session {
        private final InputStream in;
        private final OutputStream out;
        private boolean receiving;
        private long expected;
        private long total;
        private boolean naked;      // a NAK for `expected` is out: no other until it arrives
        private Status lastEnd;

        Session(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        void run() {
            FrameDecoder decoder = new FrameDecoder(maxPayload);
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0;) {
                    for (int i = 0; i < n; i++) {
                        FrameDecoder.Outcome o = decoder.feed(buf[i]);
                        if (o == FrameDecoder.Outcome.FRAME) {
                            handle(decoder.frame());
                        } else if (o != FrameDecoder.Outcome.NONE) {
                            damaged++;
                            if (receiving && !naked) {
                                nak(ProtocolMessages.NAK_CRC);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // the link is gone: what is written stays
            } finally {
                persist();
            }
        }

        private void handle(Frame f) throws IOException {
            switch (FrameType.of(f.type()).orElse(FrameType.INFO)) {
                case HELLO -> hello(f);
                case BEGIN -> begin(Begin.parse(f));
                case DATA -> data(f);
                case END -> end(f.arg());
                case ABORT -> {
                    aborts++;
                    persist();
                    receiving = false;
                    send(new Status(ProtocolStatus.OK, "aborted").toFrame());
                }
                case REBOOT -> {
                    rebooted = true;
                    send(new Status(ProtocolStatus.OK, "rebooting").toFrame());
                }
                default -> send(new Status(ProtocolStatus.UNSUPPORTED, FrameType.describe(f.type())).toFrame());
            }
        }

        private void hello(Frame f) throws IOException {
            if (Hello.parse(f).version() != ProtocolMessages.VERSION) {
                send(new Status(ProtocolStatus.VERSION, "").toFrame());
                return;
            }
            persist();
            receiving = false;
            int flags = compression ? ProtocolMessages.INFO_COMPRESSION : 0;
            send(new Info(ProtocolMessages.VERSION, arch, maxPayload, window, flags, securityCounter, 0, 1,
                    slot.length, resumeOffset, resumeHash, profile).toFrame());
        }

        private void begin(Begin b) throws IOException {
            begins++;
            ImageHeader h;
            try {
                h = ImageHeader.parse(b.header());
            } catch (ImageException e) {
                refuse(ProtocolStatus.BAD_HEADER, e.getMessage());
                return;
            }
            if (!h.profile().equals(profile) || ImageHeader.archCode(h.arch()) != arch) {
                refuse(ProtocolStatus.PROFILE, "profile mismatch: image is for " + h.profile() + ", device is "
                        + profile);
                return;
            }
            if (h.securityCounter() < securityCounter) {
                refuse(ProtocolStatus.DOWNGRADE, "downgrade: security counter " + h.securityCounter() + " < "
                        + securityCounter);
                return;
            }
            long size = ImageHeader.SIZE + h.payloadSize() + 104;
            if (b.size() != size || size > slot.length) {
                refuse(ProtocolStatus.TOO_BIG, "image of " + b.size() + " bytes, slot " + slot.length);
                return;
            }
            byte[] hash = TestImage.sha256(b.header());
            if (!Arrays.equals(hash, resumeHash) || resumeOffset > size) {
                resumeHash = hash;     // a real device records this before writing any DATA
                resumeOffset = 0;
            }
            receiving = true;
            total = size;
            expected = resumeOffset;
            naked = false;
            lastEnd = null;
            send(new Ack(expected).toFrame());
        }

        private void data(Frame f) throws IOException {
            if (!receiving) {
                refuse(ProtocolStatus.STATE, "DATA before BEGIN");
                return;
            }
            dataFrames++;
            dataBytes += f.length();
            if (dataFrames == loseDataFrame) {
                return;
            }
            // as the bootloader does: the offsets first, and only a frame at `expected` is decompressed
            byte[] p = f.payload();
            boolean z = f.flags() == Frame.FLAG_COMPRESSED;
            if ((f.flags() & ~Frame.FLAG_COMPRESSED) != 0) {
                refuse(ProtocolStatus.UNSUPPORTED, "DATA flags " + f.flags());
                return;
            }
            if (z) {
                compressedFrames++;
                if (breakCompressedFrame > 0 && compressedFrames > breakCompressedFrame) {
                    compressedAfterBreak++;
                }
                if (compressedFrames == breakCompressedFrame && p.length > 2) {
                    p[0]++;
                }
            }
            long len = !z ? p.length : p.length > DataCompression.HEADER_SIZE ? (p[0] & 0xff) | (p[1] & 0xff) << 8 : 0;
            long end = f.arg() + len;
            if (end > total) {
                refuse(ProtocolStatus.TOO_BIG, "DATA past the end of the image");
            } else if (f.arg() <= expected && end > expected) {
                byte[] bytes;
                try {
                    bytes = z ? DataCompression.expand(p, maxPayload) : p;
                } catch (ProtocolException e) {
                    naked = false;        // the frame at `expected` came: this NAK is news
                    nak(ProtocolMessages.NAK_DATA);
                    return;
                }
                for (long i = expected; i < end; i++) {
                    slot[(int) i] = bytes[(int) (i - f.arg())];
                    writes[(int) i]++;
                }
                expected = end;
                naked = false;
                send(new Ack(expected).toFrame());
            } else if (end <= expected) {
                send(new Ack(expected).toFrame());       // a resend of what is held: say so again
            } else if (!naked) {
                nak(ProtocolMessages.NAK_GAP);
            }
        }

        private void end(long size) throws IOException {
            if (lastEnd != null && size == total) {
                send(lastEnd.toFrame());
                return;
            }
            if (!receiving || size != total) {
                refuse(ProtocolStatus.STATE, "END without a matching BEGIN");
                return;
            }
            if (expected < total) {
                refuse(ProtocolStatus.INCOMPLETE, "have " + expected + " of " + total + " bytes");
                return;
            }
            try {
                Image image = new Verifier(TestKeys.trusted()).expectProfile(profile)
                        .minSecurityCounter(securityCounter).verify(Arrays.copyOf(slot, (int) total));
                pending = true;
                receiving = false;
                resumeOffset = 0;
                resumeHash = new byte[32];
                lastEnd = new Status(ProtocolStatus.OK, "slot B: " + image.header().appName() + " "
                        + image.header().version() + " ready for a TEST boot");
                send(lastEnd.toFrame());
            } catch (ImageException e) {
                ProtocolStatus s = switch (e.reason()) {
                    case PROFILE_MISMATCH -> ProtocolStatus.PROFILE;
                    case DOWNGRADE -> ProtocolStatus.DOWNGRADE;
                    case HASH_MISMATCH -> ProtocolStatus.HASH;
                    case UNKNOWN_KEY, BAD_SIGNATURE, BAD_SIGNATURE_BLOCK -> ProtocolStatus.SIGNATURE;
                    default -> ProtocolStatus.BAD_HEADER;
                };
                // as the bootloader does: the bytes are checked and not worth resuming over
                receiving = false;
                resumeOffset = 0;
                resumeHash = new byte[32];
                lastEnd = new Status(s, e.getMessage());
                send(lastEnd.toFrame());
            }
        }

        private void persist() {
            if (receiving) {
                resumeOffset = expected - expected % durable;
            }
        }

        private void nak(int reason) throws IOException {
            naks++;
            naked = true;
            send(new Nak(expected, reason).toFrame());
        }

        private void refuse(ProtocolStatus s, String text) throws IOException {
            send(new Status(s, text).toFrame());
        }

        private void send(Frame f) throws IOException {
            out.write(FrameEncoder.encode(f));
            out.flush();
        }
    }
}
