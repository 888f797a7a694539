package dev.mote.sdk.image;

import dev.mote.sdk.AtomicFile;
import dev.mote.sdk.image.ImageException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A signed firmware image (docs/image-format.md): header, payload, signature block. Parsing runs
 * the structural checks (1-4); whether the signature and hash are good, and whether a device
 * may take it, is the {@link Verifier}'s business, so tools can still inspect a bad image.
 */
public final class Image {
    /** The smallest possible image: a header, an empty payload and a signature block. */
    public static final int MIN_SIZE = ImageHeader.SIZE + SignatureBlock.SIZE;

    private final ImageHeader header;
    private final byte[] bytes;       // holds the payload at [offset, offset + length)
    private final int offset;
    private final int length;
    private final SignatureBlock signature;

    public Image(ImageHeader header, byte[] payload, SignatureBlock signature) {
        this(header, payload.clone(), 0, payload.length, signature);
    }

    /** Takes {@code bytes} as it is: only for arrays nobody changes (parse's own copy, or wrap's). */
    private Image(ImageHeader header, byte[] bytes, int offset, int length, SignatureBlock signature) {
        if (header.payloadSize() != length) {
            throw new IllegalArgumentException("payload: " + length + " bytes, but the header says "
                    + header.payloadSize());
        }
        this.header = header;
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        this.signature = signature;
    }

    /** Signs {@code header} (whose hash and size must describe {@code payload}) with {@code key}. */
    public static Image sign(ImageHeader header, byte[] payload, SigningKey key) {
        if (!Arrays.equals(header.payloadSha256(), VerifyKey.sha256(payload))) {
            throw new IllegalArgumentException("header: payload_sha256 is not the SHA-256 of the payload");
        }
        return new Image(header, payload, SignatureBlock.sign(header, key));
    }

    /** The same header and payload, signed by {@code key} instead. */
    public Image resign(SigningKey key) {
        return sign(header, payload(), key);
    }

    /** Parses an image, running checks 1-4 of docs/image-format.md. */
    public static Image parse(byte[] data) {
        return parse(data, true);
    }

    /**
     * As {@link #parse}, but the image is backed by {@code data}: the payload is not copied, so
     * {@code data} must not change while the image is used. For a caller that read a file only to
     * verify it and then write those very bytes (the flasher: 7 MiB less to copy).
     */
    public static Image wrap(byte[] data) {
        return parse(data, false);
    }

    private static Image parse(byte[] data, boolean copy) {
        if (data.length < MIN_SIZE) {
            throw new ImageException(Reason.TRUNCATED, "truncated at byte " + data.length
                    + " (an image is at least " + MIN_SIZE + " bytes)");
        }
        ImageHeader h = ImageHeader.parse(data);
        long expected = MIN_SIZE + h.payloadSize();
        if (data.length < expected) {
            throw new ImageException(Reason.TRUNCATED, "truncated at byte " + data.length
                    + " (header says " + h.payloadSize() + " payload bytes: " + expected + " in all)");
        }
        if (data.length > expected) {
            throw new ImageException(Reason.TRAILING_BYTES, "trailing bytes: " + (data.length - expected)
                    + " after the signature block, which ends at byte " + expected);
        }
        int end = ImageHeader.SIZE + (int) h.payloadSize();
        SignatureBlock s = SignatureBlock.parse(data, end);
        return copy ? new Image(h, Arrays.copyOfRange(data, ImageHeader.SIZE, end), 0, end - ImageHeader.SIZE, s)
                : new Image(h, data, ImageHeader.SIZE, end - ImageHeader.SIZE, s);
    }

    /** The largest image this tool can hold in memory (a Java array): far above any board's slot. */
    public static final long MAX_READ = Integer.MAX_VALUE - 8;

    /** Reads and parses {@code file}; IOException if it cannot be read. */
    public static Image read(Path file) throws IOException {
        return parse(Files.readAllBytes(checkSize(file)));
    }

    /**
     * Checks {@code file}'s size against its header before anything else is read (checks 1-3,
     * with check 2 on the header alone): a file that is not the size its header says, or larger
     * than an image can be held, is refused at once, in one line, whatever its size (a 2 GiB file
     * is never read into memory). Returns {@code file}. IOException if it cannot be read.
     */
    public static Path checkSize(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("'" + file + "' " + (Files.exists(file) ? "is not a file" : "does not exist"));
        }
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            if (size < MIN_SIZE) {
                return file; // small: parse says what is wrong with it
            }
            ByteBuffer head = ByteBuffer.allocate(ImageHeader.SIZE);
            while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
                // read the header
            }
            ImageHeader h = ImageHeader.parse(head.array());
            long expected = MIN_SIZE + h.payloadSize();
            if (size < expected) {
                throw new ImageException(Reason.TRUNCATED, "truncated at byte " + size + " (header says "
                        + h.payloadSize() + " payload bytes: " + expected + " in all)");
            }
            if (size > expected) {
                throw new ImageException(Reason.TRAILING_BYTES, "trailing bytes: " + (size - expected)
                        + " after the signature block, which ends at byte " + expected);
            }
            if (expected > MAX_READ) {
                throw new ImageException(Reason.TOO_BIG, "image too big: " + expected + " bytes (a "
                        + h.payloadSize() + "-byte payload); this tool takes images up to " + MAX_READ
                        + " bytes, and no board's slot holds one this large");
            }
        }
        return file;
    }

    /** Whether {@code data} starts like an image (the MOTE magic), to tell images from ELF files. */
    public static boolean looksLikeImage(byte[] start) {
        return start.length >= 4 && start[0] == 'M' && start[1] == 'O' && start[2] == 'T' && start[3] == 'E';
    }

    public ImageHeader header() {
        return header;
    }

    public byte[] payload() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    public SignatureBlock signature() {
        return signature;
    }

    /** Whether the payload's SHA-256 is the one in the header (check 7, without any key). */
    public boolean hashMatches() {
        return Arrays.equals(header.payloadSha256(), VerifyKey.sha256(bytes, offset, length));
    }

    /** The whole file: header, payload, signature block. */
    public byte[] toBytes() {
        byte[] out = new byte[MIN_SIZE + length];
        System.arraycopy(header.serialize(), 0, out, 0, ImageHeader.SIZE);
        System.arraycopy(bytes, offset, out, ImageHeader.SIZE, length);
        System.arraycopy(signature.serialize(), 0, out, ImageHeader.SIZE + length, SignatureBlock.SIZE);
        return out;
    }

    public long size() {
        return MIN_SIZE + (long) length;
    }

    /** Writes the image to {@code file} through a temporary file, so readers never see half of it. */
    public void write(Path file) throws IOException {
        AtomicFile.replace(file, tmp -> Files.write(tmp, toBytes()));
    }

    @Override
    public String toString() {
        return "Image[" + header + ", " + signature + "]";
    }
}
