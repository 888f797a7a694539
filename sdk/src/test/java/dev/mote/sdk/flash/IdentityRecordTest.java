package dev.mote.sdk.flash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The identity record against the golden records the device's parser is tested with
 * (kernel/test/ota/vectors/identity-golden.txt), and the device's refusals.
 */
class IdentityRecordTest {
    static final Path FILE = Fixtures.repo().resolve("kernel/test/ota/vectors/identity-golden.txt");

    /** Each vector's fields by name, in file order. */
    static Map<String, Map<String, String>> vectors() throws IOException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> cur = null;
        for (String line : Files.readAllLines(FILE)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sp = line.indexOf(' ');
            String key = line.substring(0, sp);
            String value = line.substring(sp + 1);
            if (key.equals("vector")) {
                cur = new LinkedHashMap<>();
                out.put(value, cur);
            } else {
                cur.put(key, value);
            }
        }
        return out;
    }

    @Test
    void writesAndReadsEveryGoldenRecordByteForByte() throws IOException {
        var vectors = vectors();
        assertFalse(vectors.isEmpty(), FILE + " holds no vectors");
        for (var e : vectors.entrySet()) {
            Map<String, String> v = e.getValue();
            assertEquals(v.get("device_id"), v.get("username"), e.getKey());
            IdentityRecord r = new IdentityRecord(v.get("device_id"), v.get("password"), v.get("host"),
                    Integer.parseInt(v.get("port")), Integer.parseInt(v.get("max_chunk")),
                    Long.parseLong(v.get("flags")));
            byte[] golden = HexFormat.of().parseHex(v.get("record"));
            assertArrayEquals(golden, r.toBytes(), "vector " + e.getKey());
            assertEquals(r, IdentityRecord.parse(golden), "vector " + e.getKey());
        }
    }

    private static IdentityRecord sample() {
        return new IdentityRecord("d1", "secret", "10.0.2.100", 1883, 16384, IdentityRecord.FLAG_REMOTE_SHELL);
    }

    @Test
    void blankDamagedAndForeignRecordsAreRefusedWithTheDevicesWords() {
        String blank = assertThrows(IllegalArgumentException.class,
                () -> IdentityRecord.parse(new byte[IdentityRecord.SIZE])).getMessage();
        assertTrue(blank.contains("no record"), blank);
        byte[] ff = new byte[IdentityRecord.SIZE];
        java.util.Arrays.fill(ff, (byte) 0xff);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IdentityRecord.parse(ff)).getMessage()
                .contains("no record"));
        for (int i = 0; i < IdentityRecord.SIZE; i += 7) {
            byte[] b = sample().toBytes();
            b[i] ^= 0x10;
            assertThrows(IllegalArgumentException.class, () -> IdentityRecord.parse(b), "byte " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> IdentityRecord.parse(new byte[100]));
    }

    @Test
    void fieldsAreCheckedAsTheDeviceChecksThem() {
        for (String host : List.of("ota.example.net", "localhost", "10.0.2.100", "a-b.c", "1a.2")) {
            assertTrue(IdentityRecord.validHost(host), host);
        }
        for (String host : List.of("", "-a.b", "a-.b", "a..b", "256.1.1.1", "1.2.3", "123", "a_b", "x".repeat(129),
                "a." + "b".repeat(64))) {
            assertFalse(IdentityRecord.validHost(host), host);
        }
        assertThrows(IllegalArgumentException.class, () -> new IdentityRecord("-d", "p", "h", 1, 256, 0));
        assertThrows(IllegalArgumentException.class, () -> new IdentityRecord("d", "has space", "h", 1, 256, 0));
        assertThrows(IllegalArgumentException.class, () -> new IdentityRecord("d", "p", "h", 0, 256, 0));
        assertThrows(IllegalArgumentException.class, () -> new IdentityRecord("d", "p", "h", 1, 255, 0));
        assertThrows(IllegalArgumentException.class, () -> new IdentityRecord("d", "p", "h", 1, 65537, 0));
        assertTrue(sample().remoteShell());
    }
}
