package dev.mote.sdk.flash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The device identity record of docs/ota-protocol.md ("Device identity record"): 512
 * little-endian bytes at offset {@value #OFFSET} of the persist partition, saying who the device
 * is and where its broker is. This is the host's writing (and reading) of the format;
 * kernel/ota/identity.c is the device's. IdentityRecordTest and kernel/test/ota/test_identity.c
 * check the same golden records (kernel/test/ota/vectors/identity-golden.txt), so the two cannot
 * drift apart.
 *
 * @param deviceId  1-64 characters of {@code A-Z a-z 0-9 _ . -}, the first a letter or digit; also
 *                  the MQTT username and client id
 * @param password  the MQTT password, 1-128 printable ASCII characters without spaces
 * @param host      the broker: a DNS name or a dotted quad, 1-128 characters
 * @param port      the broker's port, 1..65535
 * @param maxChunk  the largest chunk the server sends this device, 256..65536
 * @param flags     bit 0 ({@link #FLAG_REMOTE_SHELL}): the remote shell over MQTT is enabled
 */
public record IdentityRecord(String deviceId, String password, String host, int port, int maxChunk, long flags) {
    public static final int SIZE = 512;
    public static final int OFFSET = 4096;
    public static final int MAGIC = 0x44494f4d; // "MOID" read little-endian
    public static final int VERSION = 1;
    public static final long FLAG_REMOTE_SHELL = 1;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern PASSWORD = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern QUAD = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /** A text field: where it starts and how many bytes it has (NUL padding included). */
    private enum Field {
        DEVICE_ID(0x20, 72), USERNAME(0x68, 72), PASSWORD(0xb0, 136), HOST(0x138, 136);

        final int offset;
        final int size;

        Field(int offset, int size) {
            this.offset = offset;
            this.size = size;
        }
    }

    public IdentityRecord {
        if (deviceId == null || !ID.matcher(deviceId).matches()) {
            throw new IllegalArgumentException("device id: 1-64 characters of A-Z a-z 0-9 _ . -, starting with a "
                    + "letter or digit; got " + deviceId);
        }
        if (password == null || !PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException("password: 1-128 printable ASCII characters without spaces");
        }
        if (host == null || !validHost(host)) {
            throw new IllegalArgumentException("broker host: a DNS name or a dotted quad of at most 128 "
                    + "characters; got " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("broker port: must be 1..65535, got " + port);
        }
        if (maxChunk < 256 || maxChunk > 65536) {
            throw new IllegalArgumentException("max chunk: must be 256..65536, got " + maxChunk);
        }
        if (flags < 0 || flags > 0xffff_ffffL) {
            throw new IllegalArgumentException("flags: an unsigned 32-bit number, got " + flags);
        }
    }

    public boolean remoteShell() {
        return (flags & FLAG_REMOTE_SHELL) != 0;
    }

    /** The 512 bytes, CRC included. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, MAGIC).putShort(4, (short) VERSION).putShort(6, (short) SIZE).putInt(8, (int) flags)
                .putShort(0x0c, (short) port).putInt(0x10, maxChunk);
        put(b, Field.DEVICE_ID, deviceId);
        put(b, Field.USERNAME, deviceId);
        put(b, Field.PASSWORD, password);
        put(b, Field.HOST, host);
        b.putInt(SIZE - 4, (int) crc(b.array()));
        return b.array();
    }

    /**
     * Parses a record (the first {@value #SIZE} bytes of {@code data}) with the device's checks, in
     * the device's order; IllegalArgumentException with the device's words ("identity: ...").
     */
    public static IdentityRecord parse(byte[] data) {
        if (data.length < SIZE) {
            throw new IllegalArgumentException("identity: record truncated (" + data.length + " bytes)");
        }
        if (blank(data)) {
            throw new IllegalArgumentException("identity: no record (the device was not provisioned)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw bad("bad magic (not an identity record)");
        }
        if (Short.toUnsignedInt(b.getShort(4)) != VERSION) {
            throw bad("unsupported record version");
        }
        if (Short.toUnsignedInt(b.getShort(6)) != SIZE) {
            throw bad("bad record size");
        }
        if ((int) crc(data) != b.getInt(SIZE - 4)) {
            throw bad("CRC mismatch (damaged record)");
        }
        String id = text(data, Field.DEVICE_ID);
        String user = text(data, Field.USERNAME);
        String password = text(data, Field.PASSWORD);
        String host = text(data, Field.HOST);
        if (!ID.matcher(id).matches()) {
            throw bad("bad device id (1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit)");
        }
        if (!user.equals(id)) {
            throw bad("the MQTT username is not the device id");
        }
        if (!PASSWORD.matcher(password).matches()) {
            throw bad("bad MQTT password (1-128 printable characters)");
        }
        if (!validHost(host)) {
            throw bad("bad broker host (a DNS name or a dotted quad, up to 128 characters)");
        }
        int port = Short.toUnsignedInt(b.getShort(0x0c));
        if (port == 0) {
            throw bad("broker port 0");
        }
        int maxChunk = b.getInt(0x10);
        if (maxChunk < 256 || maxChunk > 65536) {
            throw bad("max_chunk outside 256..65536");
        }
        return new IdentityRecord(id, password, host, port, maxChunk, Integer.toUnsignedLong(b.getInt(8)));
    }

    private static IllegalArgumentException bad(String why) {
        return new IllegalArgumentException("identity: " + why);
    }

    private static boolean blank(byte[] data) {
        boolean zeros = true;
        boolean ones = true;
        for (int i = 0; i < SIZE; i++) {
            zeros &= data[i] == 0;
            ones &= data[i] == (byte) 0xff;
        }
        return zeros || ones;
    }

    /** The characters before the first NUL; there must be one, and only NULs after it. */
    private static String text(byte[] data, Field f) {
        int n = 0;
        while (n < f.size && data[f.offset + n] != 0) {
            n++;
        }
        if (n == 0 || n == f.size) {
            throw bad("a text field is empty, too long or not NUL-padded");
        }
        for (int i = n; i < f.size; i++) {
            if (data[f.offset + i] != 0) {
                throw bad("a text field is empty, too long or not NUL-padded");
            }
        }
        return new String(data, f.offset, n, StandardCharsets.ISO_8859_1);
    }

    private static void put(ByteBuffer b, Field f, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        b.put(f.offset, bytes);
    }

    /** A dotted quad (each part 0..255) or a DNS name of labels; at most 128 characters. */
    static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 128) {
            return false;
        }
        var quad = QUAD.matcher(host);
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            if (!quad.matches()) {
                return false;   // all digits: only a dotted quad, as on the device
            }
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(quad.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static long crc(byte[] data) {
        CRC32 c = new CRC32();
        c.update(data, 0, SIZE - 4);
        return c.getValue();
    }
}
