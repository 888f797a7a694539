package dev.mote.flasher.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The golden vectors of compressed DATA, shared with the device's tests
 * (kernel/test/test_lz4.c reads the same file): the LZ4 blocks lz4-java makes for a few inputs,
 * the DATA frames the flasher sends for them, and malformed blocks every decoder must refuse.
 * Here: the flasher's compressor still makes exactly these bytes, lz4-java decodes them back,
 * and refuses the malformed ones. Regenerate the file (after an lz4-java upgrade changes its
 * output) with
 * {@code mvn -B -q -ntp -pl flasher -am test -Dtest=Lz4VectorsTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmote.lz4.vectors.write=true}, then run both suites.
 */
class Lz4VectorsTest {
    static final Path FILE = Fixtures.repo().resolve("kernel/test/vectors/lz4-blocks.txt");
    private static final HexFormat HEX = HexFormat.of();

    /** The inputs, each chosen for a part of the format it exercises. */
    static Map<String, byte[]> inputs() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("code", codeLike(4096, 1));                 // what images hold: matches of every length
        m.put("zeros", new byte[4096]);                    // offset 1: a match overlapping itself, long lengths
        m.put("counting", counting(4096));                 // offset 256, repeated
        m.put("random", random(600, 7));                   // incompressible: sent uncompressed
        m.put("random_then_repeat", randomThenRepeat());   // long literal run, then a far (2000) offset
        m.put("text", ("Mote recovery mode: a block of text, text, text that compresses a little. ").repeat(4)
                .getBytes(StandardCharsets.US_ASCII));
        for (int n : new int[] {1, 4, 12, 13, 20}) {       // below LZ4's minimum match span: literals only
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) (i % 3 == 0 ? 'a' : 'b');
            }
            m.put("short" + n, b);
        }
        return m;
    }

    /** Malformed blocks: name, output capacity, the device's error, the block. */
    record Bad(String name, int cap, String error, byte[] block) {
    }

    static List<Bad> bads() {
        List<Bad> b = new ArrayList<>();
        b.add(new Bad("empty", 16, "etrunc", new byte[0]));
        b.add(new Bad("literals_past_end", 16, "etrunc", HEX.parseHex("506162")));
        b.add(new Bad("length_cut", 300, "etrunc", HEX.parseHex("f0ff")));
        b.add(new Bad("offset_cut", 16, "etrunc", HEX.parseHex("106101")));
        b.add(new Bad("ends_after_match", 16, "etrunc", HEX.parseHex("10610100")));
        b.add(new Bad("offset_zero", 16, "eoffset", HEX.parseHex("106100001062")));
        b.add(new Bad("offset_before_start", 16, "eoffset", HEX.parseHex("106102001062")));
        b.add(new Bad("match_past_cap", 8, "eoverflow", HEX.parseHex("1f610100ff0a10")));
        b.add(new Bad("literals_past_cap", 4, "eoverflow", HEX.parseHex("506162636465")));
        byte[] huge = new byte[64];                        // a literal length of 15 + 62 * 255 + 0
        huge[0] = (byte) 0xf0;
        for (int i = 1; i < 63; i++) {
            huge[i] = (byte) 0xff;
        }
        b.add(new Bad("length_past_cap", 4096, "eoverflow", huge));
        return b;
    }

    @Test
    void theFlasherMakesAndDecodesTheGoldenBlocks() throws Exception {
        if (Boolean.getBoolean("mote.lz4.vectors.write")) {
            write();
        }
        Map<String, byte[]> in = inputs();
        Map<String, Map<String, String>> file = read();
        file.remove("");
        assertEquals(in.keySet(), file.keySet(), "the vectors in " + FILE);
        for (Map.Entry<String, byte[]> e : in.entrySet()) {
            Map<String, String> v = file.get(e.getKey());
            byte[] plain = e.getValue();
            assertEquals(HEX.formatHex(plain), v.get("plain"), e.getKey());
            byte[] z = DataCompression.compress(plain, 0, plain.length);
            assertEquals(v.get("lz4"), HEX.formatHex(z), e.getKey() + ": lz4-java makes other bytes now: "
                    + "regenerate the vectors (see this class's comment)");
            assertArrayEquals(plain, DataCompression.expand(z, plain.length), e.getKey());
            String[] frame = v.get("frame").split(" ");
            Frame f = DataCompression.frame(Long.parseLong(frame[0], 16), plain, 0, plain.length, true);
            assertEquals(frame[1], HEX.formatHex(FrameEncoder.encode(f)), e.getKey());
            assertEquals(z.length < plain.length, f.flags() == Frame.FLAG_COMPRESSED, e.getKey());
            assertArrayEquals(plain, ProtocolMessages.Data.parse(f).bytes());
        }
    }

    @Test
    void malformedBlocksAreRefused() throws Exception {
        List<Bad> bads = bads();
        assertEquals(bads.size(), read().get("").size(), "the bad vectors in " + FILE);
        for (Bad b : bads) {
            assertEquals((b.error() + " " + b.cap() + " " + HEX.formatHex(b.block())).strip(),
                    read().get("").get(b.name()));
            byte[] payload = new byte[DataCompression.HEADER_SIZE + b.block().length];
            payload[0] = (byte) b.cap();
            payload[1] = (byte) (b.cap() >>> 8);
            System.arraycopy(b.block(), 0, payload, DataCompression.HEADER_SIZE, b.block().length);
            assertThrows(ProtocolException.class, () -> DataCompression.expand(payload, Frame.MAX_PAYLOAD),
                    b.name());
        }
    }

    @Test
    void aBlockThatDecodesToAnotherCountIsRefused() {
        byte[] z = DataCompression.compress(new byte[100], 0, 100);
        z[0] = 99;
        assertThrows(ProtocolException.class, () -> DataCompression.expand(z, 4096));
        z[0] = 101;
        assertThrows(ProtocolException.class, () -> DataCompression.expand(z, 4096));
        z[0] = 100;
        assertThrows(ProtocolException.class, () -> DataCompression.expand(z, 99), "above the most allowed");
    }

    /** name -> field -> value; the bad vectors under the name "", as name -> "error cap hex". */
    private static Map<String, Map<String, String>> read() throws IOException {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        m.put("", new LinkedHashMap<>());
        String name = null;
        for (String line : Files.readAllLines(FILE)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.split(" ", 2);
            if (w[0].equals("vector")) {
                name = w[1];
                m.put(name, new LinkedHashMap<>());
            } else if (w[0].equals("bad")) {
                String[] b = w[1].split(" ", 2);
                m.get("").put(b[0], b[1].strip());
            } else {
                assertTrue(name != null, "a field before the first vector: " + line);
                m.get(name).put(w[0], w[1]);
            }
        }
        List<String> empty = new ArrayList<>();
        m.forEach((k, v) -> {
            if (!k.isEmpty() && v.isEmpty()) {
                empty.add(k);
            }
        });
        assertTrue(empty.isEmpty(), "vectors without fields: " + empty);
        return m;
    }

    private static void write() throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("""
                # LZ4 golden vectors for the recovery protocol's compressed DATA (docs/flasher-protocol.md),
                # shared by kernel/test/test_lz4.c (the device's decoder, kernel/src/lz4.c) and
                # flasher/src/test/java/dev/mote/flasher/protocol/Lz4VectorsTest.java (the flasher's
                # compressor, lz4-java's LZ4 HC). Written by Lz4VectorsTest (see its comment); do not edit.
                #
                # vector NAME            one input:
                # plain HEX              its bytes
                # lz4 HEX                the compressed DATA payload: u16 count (LE), then the LZ4 block
                # frame OFFSET HEX       the DATA frame on the wire at that image offset (hex), delimiters
                #                        included: compressed when that is smaller, else the bytes as they are
                # bad NAME ERROR CAP HEX a malformed block (HEX may be empty): decoding it into CAP bytes
                #                        fails with ERROR (etrunc, eoffset, eoverflow: LZ4_E* in lz4.h)

                """);
        long offset = 0x3000;
        for (Map.Entry<String, byte[]> e : inputs().entrySet()) {
            byte[] plain = e.getValue();
            Frame f = DataCompression.frame(offset, plain, 0, plain.length, true);
            s.append("vector ").append(e.getKey()).append('\n');
            s.append("plain ").append(HEX.formatHex(plain)).append('\n');
            s.append("lz4 ").append(HEX.formatHex(DataCompression.compress(plain, 0, plain.length))).append('\n');
            s.append("frame ").append(Long.toHexString(offset)).append(' ')
                    .append(HEX.formatHex(FrameEncoder.encode(f))).append("\n\n");
            offset += 0x1000;
        }
        for (Bad b : bads()) {
            s.append("bad ").append(b.name()).append(' ').append(b.error()).append(' ').append(b.cap()).append(' ')
                    .append(HEX.formatHex(b.block())).append('\n');
        }
        Files.writeString(FILE, s.toString());
    }

    /**
     * Code-like bytes: 32-bit words drawn from a few dozen "snippets" (short runs of fixed words,
     * as compiled code repeats prologues, loads and calls), a quarter of the words with a
     * pseudo-random register field, so LZ4 finds matches of mixed lengths and offsets.
     */
    private static byte[] codeLike(int n, int seed) {
        long x = seed * 0x9e3779b97f4a7c15L;
        int[][] snippets = new int[40][];
        for (int i = 0; i < snippets.length; i++) {
            x = next(x);
            snippets[i] = new int[1 + (int) ((x >>> 60) % 6)];
            for (int j = 0; j < snippets[i].length; j++) {
                x = next(x);
                snippets[i][j] = (int) (x >>> 32);
            }
        }
        byte[] b = new byte[n];
        int at = 0;
        while (at + 4 <= n) {
            x = next(x);
            for (int w : snippets[(int) ((x >>> 35) % snippets.length)]) {
                x = next(x);
                if ((x & 3) == 0) {
                    w ^= (int) (x >>> 59);      // another register
                }
                for (int k = 0; k < 4 && at < n; k++) {
                    b[at++] = (byte) (w >>> (8 * k));
                }
            }
        }
        return b;
    }

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static byte[] random(int n, int seed) {
        byte[] b = new byte[n];
        long x = seed * 0x9e3779b97f4a7c15L;
        for (int i = 0; i < n; i++) {
            x = next(x);
            b[i] = (byte) (x >>> 32);
        }
        return b;
    }

    private static byte[] randomThenRepeat() {
        byte[] r = random(2000, 11);
        byte[] b = new byte[4000];
        System.arraycopy(r, 0, b, 0, 2000);
        System.arraycopy(r, 0, b, 2000, 2000);
        return b;
    }

    /** xorshift64. */
    private static long next(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }
}
