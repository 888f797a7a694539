package dev.mote.ota.fleet;

import static dev.mote.ota.fleet.FleetException.Reason.BAD_REQUEST;
import static dev.mote.ota.fleet.FleetException.Reason.NOT_FOUND;
import static dev.mote.ota.fleet.FleetException.Reason.REFUSED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.testing.HeaderVectors;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ImageRepositoryTest extends FleetFixture {
    @Test
    void aGoodImageIsStoredUnderItsHashWithItsHeader() throws IOException {
        byte[] bytes = Fleets.image("1.2.0", 3);
        ImageInfo info = fleet.upload(bytes);
        String sha = HexFormat.of().formatHex(TestImage.sha256(bytes));
        assertEquals(new ImageInfo(sha, bytes.length, TestImage.ARM, "arm64", "hello", "1.2.0", 3,
                TestKeys.KEY.publicKey().keyIdHex(), clock.millis()), info);
        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("images").resolve(sha + ".img")));
        assertEquals(info, fleet.image(sha.substring(0, 8)));
        assertEquals(info, fleet.image(sha.toUpperCase()));
        assertEquals(List.of(info), fleet.images());
    }

    @Test
    void theSameBytesTwiceAreTheSameRecord() {
        byte[] bytes = Fleets.image("1.2.0", 3);
        ImageInfo first = fleet.upload(bytes);
        clock.advance(Duration.ofMinutes(5));
        assertEquals(first, fleet.upload(bytes.clone()));
        assertEquals(1, fleet.images().size());
    }

    @Test
    void aTamperedHeaderIsABadSignature() {
        byte[] bytes = Fleets.image("1.2.0", 3);
        bytes[0x20] ^= 1; // the version's major number
        assertRefused(bytes, "bad signature");
    }

    @Test
    void aTamperedPayloadIsAHashMismatch() {
        byte[] bytes = Fleets.image("1.2.0", 3);
        bytes[300] ^= 0x40;
        assertRefused(bytes, "hash mismatch: ");
    }

    @Test
    void aTamperedSignatureIsABadSignature() {
        byte[] bytes = Fleets.image("1.2.0", 3);
        bytes[bytes.length - 10] ^= 0x08;
        assertRefused(bytes, "bad signature");
    }

    @Test
    void anUnknownKeyIsNamed() {
        SigningKey other = SigningKey.generate();
        byte[] bytes = TestImage.arm().version("1.2.0").counter(3).randomPayload(1000, 3).sign(other).toBytes();
        assertRefused(bytes, "unknown key id " + other.publicKey().keyIdHex());
    }

    @Test
    void aTruncatedImageSaysWhere() {
        byte[] bytes = Fleets.image("1.2.0", 3);
        assertRefused(Arrays.copyOf(bytes, bytes.length - 1), "truncated at byte " + (bytes.length - 1));
        assertRefused(Arrays.copyOf(bytes, 100), "truncated at byte 100");
    }

    @Test
    void somethingElseIsBadMagic() {
        byte[] elf = new byte[4096];
        elf[0] = 0x7f;
        elf[1] = 'E';
        assertRefused(elf, "bad magic");
    }

    /**
     * Signed images with hostile but well-formed headers (kernel/test/vectors/image-headers.txt):
     * the server refuses each upload with the bootloader's words (the board's limits come from
     * the SDK's profile of the image's profile) and stores nothing.
     */
    @Test
    void hostileHeadersAreRefusedLikeTheBootloaderRefusesThem() {
        for (HeaderVectors.Vector v : HeaderVectors.refusedFiles()) {
            FleetException e = assertThrows(FleetException.class, () -> fleet.upload(v.image().toBytes()), v.name());
            assertEquals(REFUSED, e.reason());
            assertTrue(e.getMessage().contains(v.expect()), v.name() + ": " + e.getMessage());
        }
        assertEquals(0, fleet.images().size());
    }

    @Test
    void lookupsSayWhatIsWrong() {
        assertEquals(BAD_REQUEST, assertThrows(FleetException.class, () -> fleet.image("abc")).reason());
        assertEquals(BAD_REQUEST, assertThrows(FleetException.class, () -> fleet.image("not-hex-at-all")).reason());
        assertEquals(NOT_FOUND, assertThrows(FleetException.class, () -> fleet.image("0123456789abcdef")).reason());
    }

    @Test
    void aFileDamagedOnDiskIsNeverStreamed() throws IOException {
        ImageInfo info = fleet.upload(Fleets.image("1.2.0", 3));
        FakeDevice d = Fleets.devices(fleet, 1).get(0);
        FakeDeviceLink link = new FakeDeviceLink();
        fleet.close();
        Path file = dir.resolve("images").resolve(info.sha256() + ".img");
        byte[] b = Files.readAllBytes(file);
        b[500] ^= 1;
        Files.write(file, b);
        fleet = Fleets.open(dir, clock, link);
        fleet.createRollout(Fleets.spec(info.sha256(), List.of("100%"), 1));
        fleet.tick();
        long job = FakeDevice.last(link, d.id).job();
        // Read from the file, checked against its name, refused: the device is told to cancel.
        assertNull(fleet.jobImage(d.id, job));
        assertNull(fleet.jobImage(d.id, job + 1));
    }

    private void assertRefused(byte[] bytes, String reason) {
        FleetException e = assertThrows(FleetException.class, () -> fleet.upload(bytes));
        assertEquals(REFUSED, e.reason());
        assertTrue(e.getMessage().startsWith(reason), e.getMessage());
        assertEquals(0, fleet.images().size());
        try (Stream<Path> files = Files.list(dir.resolve("images"))) {
            assertEquals(0, files.count(), "nothing stored");
        } catch (IOException x) {
            throw new AssertionError(x);
        }
    }
}
