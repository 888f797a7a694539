package dev.mote.sdk.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.HeaderVectors;
import dev.mote.sdk.testing.HeaderVectors.Vector;
import dev.mote.sdk.testing.TestKeys;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The header rules, held to kernel/test/vectors/image-headers.txt: the same hostile but
 * well-formed headers the bootloader's C is held to (kernel/test/update/test_image.c), through
 * the readers every host tool uses ({@link ImageHeader#parse}, {@link Board#check}, the
 * {@link Verifier}), so mote verify, the flasher and the OTA server refuse exactly what the
 * bootloader refuses, in its words.
 */
class HeaderVectorsTest {
    /** What the host tools say about the header: null (accepted) or the refusal's message. */
    static String judge(ImageHeader h, Board board) {
        try {
            board.check(ImageHeader.parse(h.serialize()));
            return null;
        } catch (ImageException e) {
            return e.getMessage();
        }
    }

    private static void expect(List<String> wrong, Vector v, String got) {
        boolean right = v.refused() ? got != null && got.contains(v.expect()) : got == null;
        if (!right) {
            wrong.add(v.name() + ": got " + (got == null ? "ok" : "'" + got + "'") + ", want '" + v.expect() + "'");
        }
    }

    @Test
    void everyHeaderGetsTheBootloadersVerdict() {
        List<Vector> all = HeaderVectors.all();
        assertTrue(all.size() >= 30, "vectors: " + all.size());
        List<String> wrong = new ArrayList<>();
        for (Vector v : all) {
            expect(wrong, v, judge(v.header(), HeaderVectors.board()));
        }
        if (!wrong.isEmpty()) {
            fail(String.join("\n", wrong));
        }
    }

    /** Whole signed images through the Verifier that mote verify, the flasher and the OTA server use. */
    @Test
    void everySignedImageGetsTheBootloadersVerdict() {
        Verifier verifier = new Verifier(TestKeys.trusted()).expectBoard(Fixtures.profile("qemu-virt-arm64"));
        List<String> wrong = new ArrayList<>();
        for (Vector v : HeaderVectors.all()) {
            if (v.size() > HeaderVectors.MAX_BUILT) {
                continue;
            }
            String got;
            try {
                verifier.verify(v.image().toBytes());
                got = null;
            } catch (ImageException e) {
                got = e.getMessage();
            }
            expect(wrong, v, got);
        }
        if (!wrong.isEmpty()) {
            fail(String.join("\n", wrong));
        }
    }

    @Test
    void theVectorsBoardIsQemuVirtArm64() {
        assertEquals(Board.of(Fixtures.profile("qemu-virt-arm64")), HeaderVectors.board());
    }
}
