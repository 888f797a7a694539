package dev.mote.flasher.protocol;

import dev.mote.flasher.protocol.ProtocolMessages.Abort;
import dev.mote.flasher.protocol.ProtocolMessages.Ack;
import dev.mote.flasher.protocol.ProtocolMessages.Begin;
import dev.mote.flasher.protocol.ProtocolMessages.End;
import dev.mote.flasher.protocol.ProtocolMessages.Hello;
import dev.mote.flasher.protocol.ProtocolMessages.Info;
import dev.mote.flasher.protocol.ProtocolMessages.Nak;
import dev.mote.flasher.protocol.ProtocolMessages.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The host side of the recovery protocol (docs/flasher-protocol.md) over any {@link FrameLink}:
 * handshake, the flasher's own checks (profile, arch, security counter, size) before anything is
 * written, BEGIN, a sliding window of DATA frames with go-back-N retransmission on NAK or
 * timeout, resume from the offset the device acknowledges, and END, whose STATUS says whether the
 * device verified the image and marked it for a TEST boot.
 * One transfer per instance; not thread-safe.
 */
public final class Transfer {
    private final FrameLink link;
    private final TransferOptions options;
    private final TransferListener listener;
    private long dataFrames;
    private long retransmitted;
    private long compressedFrames;
    private long dataImageBytes;
    private long dataPayloadBytes;

    public Transfer(FrameLink link, TransferOptions options, TransferListener listener) {
        this.link = link;
        this.options = options;
        this.listener = listener == null ? TransferListener.NONE : listener;
    }

    /** Sends {@code image} over the stream pair, closing both when done. */
    public static TransferResult run(InputStream in, OutputStream out, TransferImage image, TransferOptions options,
            TransferListener listener) throws IOException, InterruptedException {
        try (FrameLink link = new FrameLink(in, out)) {
            return new Transfer(link, options, listener).send(image);
        }
    }

    /** HELLO until the device answers INFO (console text and stale frames, STATUS 0 too, are skipped). */
    public Info hello() throws IOException, InterruptedException {
        Frame hello = new Hello(ProtocolMessages.VERSION, 0).toFrame();
        for (int attempt = 0; attempt < options.helloTries(); attempt++) {
            link.send(hello);
            long deadline = System.nanoTime() + options.helloTimeout().toNanos();
            for (Frame f; (f = link.receive(left(deadline))) != null;) {
                if (f.is(FrameType.INFO)) {
                    Info info = Info.parse(f);
                    if (info.version() != ProtocolMessages.VERSION) {
                        throw new ProtocolException(ProtocolStatus.VERSION, "the device speaks recovery protocol "
                                + info.version() + ", this flasher " + ProtocolMessages.VERSION
                                + ": update the older of the two");
                    }
                    listener.connected(info);
                    return info;
                }
                if (f.is(FrameType.STATUS)) {
                    Status st = Status.parse(f);
                    if (st.code() == ProtocolStatus.OK.code()) {
                        // no answer to HELLO: a stale one, left on the link by an earlier session
                        // (the device answers its ABORT with STATUS 0 "aborted")
                        continue;
                    }
                    throw refused(st, "HELLO");
                }
            }
        }
        throw new ProtocolException("no answer to HELLO after " + options.helloTries() + " tries: is the board in "
                + "recovery mode, and is this its serial line (and baud rate)?");
    }

    /** The whole transfer: handshake, checks, BEGIN, DATA, END (and REBOOT if asked). */
    public TransferResult send(TransferImage image) throws IOException, InterruptedException {
        Info info = hello();
        try {
            check(info, image);
        } catch (ProtocolException e) {
            link.send(new Abort(ProtocolStatus.ABORTED.code()).toFrame());
            throw e;
        }
        long start = begin(image);
        listener.starting(start, image.size());
        int payload = Math.min(options.maxPayload() == 0 ? info.maxPayload() : options.maxPayload(), info.maxPayload());
        int window = options.window() == 0 ? info.window() : Math.min(options.window(), info.window());
        boolean compress = options.compress() && (info.flags() & ProtocolMessages.INFO_COMPRESSION) != 0;
        sendData(image.array(), start, payload, Math.max(1, window), compress);
        Status done;
        boolean restarted = false;
        try {
            done = end(image.size());
        } catch (ProtocolException e) {
            // A resumed pass whose END check fails: the bytes the device resumed over were not this
            // image's (another host's bytes after this header's BEGIN, or the slot written since).
            // The device dropped its resume record at that END: send the image whole, once.
            boolean content = e.status().map(st -> st != ProtocolStatus.FLASH && st != ProtocolStatus.STATE
                    && st != ProtocolStatus.INCOMPLETE).orElse(false);
            if (start == 0 || !content) {
                throw e;
            }
            listener.retransmit(0, "the device's check failed after resuming at " + start + " ("
                    + e.getMessage() + "): sending the image whole");
            start = begin(image);
            if (start != 0) {
                throw e;
            }
            restarted = true;
            listener.starting(0, image.size());
            sendData(image.array(), 0, payload, Math.max(1, window), compress);
            done = end(image.size());
        }
        if (options.reboot()) {
            link.send(Frame.of(FrameType.REBOOT, 0));
            awaitStatus(options.ackTimeout());
        }
        return new TransferResult(info, start, image.size(), link.bytesSent(), link.bytesReceived(), dataFrames,
                retransmitted, compressedFrames, dataImageBytes, dataPayloadBytes, done.text(), restarted);
    }

    /** The flasher's own refusals, before anything is written (the device checks all of it again). */
    static void check(Info info, TransferImage image) throws ProtocolException {
        if (!info.profile().equals(image.profile())) {
            throw new ProtocolException(ProtocolStatus.PROFILE, "profile mismatch: image is for " + image.profile()
                    + ", device is " + info.profile());
        }
        if (info.arch() != image.arch()) {
            throw new ProtocolException(ProtocolStatus.PROFILE, "arch mismatch: image is for " + archName(image.arch())
                    + ", device is " + archName(info.arch()));
        }
        if (image.securityCounter() < info.securityCounter()) {
            throw new ProtocolException(ProtocolStatus.DOWNGRADE, "downgrade: security counter "
                    + image.securityCounter() + " < " + info.securityCounter()
                    + " (the device refuses older images: rebuild with --security-counter "
                    + info.securityCounter() + " or higher)");
        }
        if (image.size() > info.slotSize()) {
            throw new ProtocolException(ProtocolStatus.TOO_BIG, "image too big: " + image.size()
                    + " bytes, the device's slot holds " + info.slotSize());
        }
        if (info.maxPayload() < Frame.MIN_PAYLOAD || info.maxPayload() > Frame.MAX_PAYLOAD || info.window() < 1) {
            throw new ProtocolException("malformed INFO: max payload " + info.maxPayload() + ", window "
                    + info.window());
        }
    }

    private static String archName(int code) {
        return code == 1 ? "arm64" : code == 2 ? "x86_64" : "arch " + code;
    }

    /** BEGIN; the device's ACK says where to start (its resume offset for this image, else 0). */
    private long begin(TransferImage image) throws IOException, InterruptedException {
        Frame begin = new Begin(image.size(), image.header()).toFrame();
        for (int attempt = 0; attempt <= options.maxRetries(); attempt++) {
            link.send(begin);
            long deadline = System.nanoTime() + options.ackTimeout().toNanos();
            for (Frame f; (f = link.receive(left(deadline))) != null;) {
                if (f.is(FrameType.ACK)) {
                    long start = Ack.parse(f).offset();
                    if (start > image.size()) {
                        throw new ProtocolException("the device claims " + start + " bytes of a "
                                + image.size() + "-byte image");
                    }
                    return start;
                }
                if (f.is(FrameType.STATUS)) {
                    throw refused(Status.parse(f), "the image");
                }
            }
        }
        throw new ProtocolException("no answer to BEGIN after " + (options.maxRetries() + 1) + " tries");
    }

    /**
     * Go-back-N: up to {@code window} frames past the last acknowledged offset; a NAK or a
     * timeout resends from the offset the device holds up to. Each frame is compressed on its
     * own if {@code compress} (and sent as it is where that does not make it smaller); a device
     * that cannot decode one (NAK_DATA) gets the rest uncompressed.
     */
    private void sendData(byte[] image, long start, int payload, int window, boolean compress)
            throws IOException, InterruptedException {
        long total = image.length;
        long base = start;       // the device holds everything below
        long next = start;       // the next byte to send
        long highest = start;    // the end of everything ever sent
        long rewoundTo = -1;     // the NAK already acted on, until the device moves past it
        int timeouts = 0;
        long deadline = System.nanoTime() + options.ackTimeout().toNanos();
        while (base < total) {
            while (next < total && next - base < (long) window * payload) {
                int n = (int) Math.min(payload, total - next);
                if (next < highest) {
                    retransmitted++;
                }
                Frame data = DataCompression.frame(next, image, (int) next, n, compress);
                link.send(data);
                dataFrames++;
                compressedFrames += data.flags() == Frame.FLAG_COMPRESSED ? 1 : 0;
                dataImageBytes += n;
                dataPayloadBytes += data.length();
                next += n;
                highest = Math.max(highest, next);
            }
            Frame f = link.receive(left(deadline));
            if (f == null) {
                if (++timeouts > options.maxRetries()) {
                    throw new ProtocolException("the device stopped acknowledging at byte " + base + " of " + total
                            + " (" + timeouts + " timeouts of " + options.ackTimeout().toMillis() + " ms); the "
                            + "transfer resumes from there if you run it again");
                }
                listener.retransmit(base, "timeout");
                next = base;
                rewoundTo = -1;
                deadline = System.nanoTime() + options.ackTimeout().toNanos();
            } else if (f.is(FrameType.ACK) || f.is(FrameType.NAK)) {
                boolean nak = f.is(FrameType.NAK);
                long at = nak ? Nak.parse(f).offset() : Ack.parse(f).offset();
                if (at > highest) {
                    throw new ProtocolException("the device acknowledged byte " + at + ", past the " + highest
                            + " sent");
                }
                if (at > base) {
                    base = at;
                    next = Math.max(next, at);
                    timeouts = 0;
                    deadline = System.nanoTime() + options.ackTimeout().toNanos();
                    listener.progress(base, total);
                }
                int reason = nak ? Nak.parse(f).reason() : 0;
                boolean undecodable = reason == ProtocolMessages.NAK_DATA && compress;
                if (nak && at == base && (at != rewoundTo || undecodable)) {
                    if (undecodable) {
                        compress = false;
                    }
                    listener.retransmit(at, switch (reason) {
                        case ProtocolMessages.NAK_CRC -> "NAK: damaged frame";
                        case ProtocolMessages.NAK_DATA -> "NAK: the device cannot decode a compressed frame; "
                                + "sending uncompressed";
                        default -> "NAK: frame missing";
                    });
                    next = at;
                    rewoundTo = at;
                }
            } else if (f.is(FrameType.STATUS)) {
                throw refused(Status.parse(f), "the transfer at byte " + base);
            }
        }
    }

    /** END; a device that is still verifying gets END again (it answers with the same STATUS). */
    private Status end(long size) throws IOException, InterruptedException {
        Frame end = new End(size).toFrame();
        for (int attempt = 0; attempt <= options.maxRetries(); attempt++) {
            link.send(end);
            Status s = awaitStatus(options.endTimeout());
            if (s != null) {
                if (!s.ok()) {
                    throw refused(s, "the image");
                }
                return s;
            }
        }
        throw new ProtocolException("no answer to END: the device may still be verifying; run the transfer "
                + "again to ask it");
    }

    private Status awaitStatus(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Frame f; (f = link.receive(left(deadline))) != null;) {
            if (f.is(FrameType.STATUS)) {
                return Status.parse(f);
            }
        }
        return null;
    }

    private static ProtocolException refused(Status s, String what) {
        ProtocolStatus code = ProtocolStatus.of(s.code()).orElse(null);
        return new ProtocolException(code, "the device refused " + what + ": " + s.describe());
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
