package dev.mote.sdk.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class BootStateTest {
    /**
     * seq 2, active A, pending B, tries 1, booting B, security counter 7: the same hex as
     * test_bootstate_golden_record in kernel/test/test_bootstate.c, so Java and C agree byte for
     * byte. Worked out by hand from docs/boot-flow.md; CRC-32 (IEEE) of bytes 0..59 = 0x415d20c9.
     */
    static final String GOLDEN = "4d425354" + "0100" + "4000" + "02000000" + "00" + "01" + "01" + "01" + "07000000"
            + "00".repeat(40) + "c9205d41";

    private static final BootState GOLDEN_STATE = new BootState(2, Slot.A, Slot.B, 1, Slot.B, 7);

    @Test
    void goldenRecordMatchesTheC() {
        assertEquals(GOLDEN, HexFormat.of().formatHex(GOLDEN_STATE.toBytes()));
        assertEquals(GOLDEN_STATE, BootState.parse(HexFormat.of().parseHex(GOLDEN)));
    }

    @Test
    void roundTripsEveryField() {
        BootState s = new BootState(0xffff_fffeL, Slot.B, Slot.NONE, 255, Slot.NONE, 0xffff_ffffL);
        assertEquals(s, BootState.parse(s.toBytes()));
        byte[] at = new byte[100];
        System.arraycopy(s.toBytes(), 0, at, 30, BootState.SIZE);
        assertEquals(s, BootState.parse(at, 30));
        assertEquals(BootState.blank(), BootState.parse(BootState.blank().toBytes()));
    }

    @Test
    void parseRefusesWhatTheDeviceRefuses() {
        byte[] good = GOLDEN_STATE.toBytes();
        assertTrue(refusal(new byte[64]).endsWith("empty (all zero)"));
        assertTrue(refusal(flip(good, 0)).endsWith("bad magic"));
        assertTrue(refusal(flip(good, 4)).contains("version 0, size 64"));
        assertTrue(refusal(flip(good, 6)).contains("version 1, size 65"));
        assertTrue(refusal(flip(good, 20)).contains("bad CRC"), refusal(flip(good, 20)));
        assertTrue(refusal(flip(good, 61)).contains("bad CRC"));
        assertTrue(refusal(Arrays.copyOf(good, 63)).contains("needs 64 bytes at offset 0, have 63"));
        // a slot byte out of range, with a correct CRC: never written by anyone
        byte[] odd = new BootState(2, Slot.A, Slot.B, 1, Slot.B, 7).toBytes();
        odd[12] = 2;
        assertTrue(refusal(withCrc(odd)).contains("active slot is 0x2"));
    }

    @Test
    void newestValidCopyWins() {
        byte[] part = new byte[64 * 1024];
        assertEquals(Optional.empty(), BootState.readNewest(part));      // blank device: none
        BootState first = BootState.fresh(Slot.A, Slot.NONE, 0).withSeq(0).writeNext(part);
        assertEquals(1, first.seq());
        assertNull(BootState.readCopy(part, 0));
        assertEquals(first, BootState.readCopy(part, 1));                 // seq 1 -> copy 1
        BootState second = new BootState(first.seq(), Slot.A, Slot.B, 0, Slot.A, 3).writeNext(part);
        assertEquals(2, second.seq());
        assertEquals(second, BootState.readCopy(part, 0));                // seq 2 -> copy 0
        assertEquals(first, BootState.readCopy(part, 1));                 // the older copy is untouched
        assertEquals(Optional.of(second), BootState.readNewest(part));
        assertEquals(0, BootState.copyFor(2));
        assertEquals(1, BootState.copyFor(3));
    }

    @Test
    void aTornOrCorruptNewestCopyFallsBackToTheOlder() {
        byte[] base = new byte[BootState.PARTITION_MIN];
        BootState one = new BootState(0, Slot.A, Slot.NONE, 0, Slot.A, 0).writeNext(base);
        BootState two = one.writeNext(base);
        // cut the write of seq 3 (to copy 1, over seq 1) after every byte: seq 2 must survive
        BootState three = new BootState(2, Slot.A, Slot.B, 0, Slot.A, 0);
        byte[] next = three.withSeq(3).toBytes();
        for (int cut = 0; cut <= BootState.SIZE; cut++) {
            byte[] part = base.clone();
            System.arraycopy(next, 0, part, BootState.COPY_STRIDE, cut);
            BootState got = BootState.readNewest(part).orElseThrow();
            assertEquals(cut == BootState.SIZE ? three.withSeq(3) : two, got, "cut after " + cut);
        }
        byte[] part = base.clone();
        part[10] ^= 0x40;                                                  // corrupt seq 2 (copy 0)
        assertEquals(Optional.of(one), BootState.readNewest(part));
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new BootState(-1, Slot.A, Slot.NONE, 0, Slot.NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> new BootState(0, null, Slot.NONE, 0, Slot.NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> new BootState(0, Slot.A, Slot.NONE, 256, Slot.NONE, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BootState(0, Slot.A, Slot.NONE, 0, Slot.NONE, 1L << 32));
        assertTrue(e.getMessage().startsWith("security counter:"));
        e = assertThrows(IllegalArgumentException.class, () -> BootState.readNewest(new byte[4096]));
        assertTrue(e.getMessage().startsWith("partition: 4096 bytes"));
        assertEquals(0, new BootState(0xffff_ffffL, Slot.A, Slot.NONE, 0, Slot.NONE, 0)
                .writeNext(new byte[BootState.PARTITION_MIN]).seq());              // wraps like the C uint32
    }

    @Test
    void describesItselfForPeople() {
        assertEquals("seq 1: active A, pending B (TEST on next boot), security counter 3",
                BootState.fresh(Slot.A, Slot.B, 3).describe());
        assertEquals("seq 2: active A, pending B (tried 1x, reverts unless confirmed), last booted B,"
                + " security counter 7", GOLDEN_STATE.describe());
    }

    private static String refusal(byte[] record) {
        return assertThrows(IllegalArgumentException.class, () -> BootState.parse(record)).getMessage();
    }

    private static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 1;
        return c;
    }

    private static byte[] withCrc(byte[] record) {
        CRC32 crc = new CRC32();
        crc.update(record, 0, 60);
        long v = crc.getValue();
        for (int i = 0; i < 4; i++) {
            record[60 + i] = (byte) (v >>> (8 * i));
        }
        return record;
    }
}
