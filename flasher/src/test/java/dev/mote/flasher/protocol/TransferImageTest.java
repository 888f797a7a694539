package dev.mote.flasher.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.testing.TestImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TransferImageTest {
    @Test
    void takesTheCheckedFieldsFromTheSignedHeader() {
        Image image = TestImage.arm().counter(7).totalSize(4096, 1).sign();
        TransferImage t = TransferImage.of(image);
        assertEquals("qemu-virt-arm64", t.profile());
        assertEquals(1, t.arch());
        assertEquals(7, t.securityCounter());
        assertEquals(4096, t.size());
        assertArrayEquals(image.toBytes(), t.bytes());
        assertArrayEquals(Arrays.copyOf(image.toBytes(), 256), t.header());
        assertArrayEquals(TestImage.sha256(t.header()), t.headerSha256());
    }

    @Test
    void refusesWhatCannotBeAnImage() {
        assertThrows(IllegalArgumentException.class, () -> new TransferImage(new byte[255], "p", 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TransferImage(new byte[512], "", 1, 0));
    }
}
