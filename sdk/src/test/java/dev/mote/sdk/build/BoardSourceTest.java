package dev.mote.sdk.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.testing.Fixtures;
import org.junit.jupiter.api.Test;

class BoardSourceTest {
    @Test
    void describesTheVirtBoard() {
        String c = BoardSource.generate(Fixtures.profile("qemu-virt-arm64"));
        assertTrue(c.contains("#include <hal/board.h>"), c);
        assertTrue(c.contains(".name = \"qemu-virt-arm64\","), c);
        assertTrue(c.contains(".ram_base = 0x40000000,"), c);
        assertTrue(c.contains(".ram_size = 0x8000000ull,"), c);
        assertTrue(c.contains(".console_base = 0x9000000,"), c);
        assertTrue(c.contains(".intc_base = { 0x8000000, 0x8010000 },"), c);
        assertTrue(c.contains(".virtio_base = 0xa000000,"), c);
        assertTrue(c.contains(".virtio_count = 32,"), c);
        assertTrue(c.contains(".virtio_irq = 48,"), c);
        assertTrue(c.contains(".flags = BOARD_F_SEMIHOST,"), c);
        assertTrue(c.contains(".part_offset = { 0x0, 0x10000, 0x710000, 0xe10000 },"), c);
        assertTrue(c.contains(".part_size = { 0x10000, 0x700000, 0x700000, 0x1f0000 },"), c);
        assertTrue(c.contains(".recovery_listen_ms = 0,"), "no recovery.listen_ms: only an unbootable board listens");
    }

    @Test
    void flagsFollowTheExitMethod() {
        assertEquals(BoardSource.BOARD_F_SEMIHOST, BoardSource.flags(Fixtures.profile("qemu-virt-arm64")));
        assertEquals(BoardSource.BOARD_F_DEBUG_EXIT, BoardSource.flags(Fixtures.profile("qemu-microvm-x86_64")));
        assertEquals(0, BoardSource.flags(Fixtures.profile("rpi4-arm64")));
        assertTrue(BoardSource.generate(Fixtures.profile("pc-x86_64")).contains(".virtio_base = 0x0,"));
    }

    @Test
    void devicesFollowTheProfile() {
        assertTrue(BoardSource.generate(Fixtures.profile("qemu-virt-arm64"))
                .contains(".devices = BOARD_DEV_NET_VIRTIO | BOARD_DEV_RNG_VIRTIO,"));
        assertTrue(BoardSource.generate(Fixtures.profile("rpi4-arm64")).contains(".devices = 0,"));
    }
}
