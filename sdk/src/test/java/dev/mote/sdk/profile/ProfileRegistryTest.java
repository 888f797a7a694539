package dev.mote.sdk.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileRegistryTest {
    @TempDir
    Path tmp;

    @Test
    void anUnknownNameListsTheAvailableProfiles() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.registry().resolve("foo"));
        assertTrue(e.getMessage().startsWith("unknown profile 'foo' (available: "), e.getMessage());
        assertTrue(e.getMessage().contains("qemu-microvm-x86_64, qemu-virt-arm64"), e.getMessage());
    }

    @Test
    void resolvesNamesAndPaths() throws IOException {
        assertEquals("qemu-virt-arm64", Fixtures.registry().resolve("qemu-virt-arm64").name());
        assertEquals("pc-x86_64", Fixtures.registry().resolve("device-profiles/pc-x86_64.profile").name());
        assertThrows(IllegalArgumentException.class, () -> Fixtures.registry().resolve("nope/x.profile"));
    }

    @Test
    void moteProfilePathComesBeforeThePackagedProfiles() throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("boards"));
        String text = Files.readString(Fixtures.repo().resolve("device-profiles/qemu-virt-arm64.profile"))
                .replace("cortex-a53", "cortex-a57");
        Files.writeString(mine.resolve("qemu-virt-arm64.profile"), text);
        ProfileRegistry r = ProfileRegistry.standard(Fixtures.sdk().profiles(),
                Map.of("MOTE_PROFILE_PATH", mine.toString()), tmp);
        assertEquals("cortex-a57", r.resolve("qemu-virt-arm64").cpu());
        assertEquals(List.of(mine, Fixtures.sdk().profiles()), r.dirs());
    }

    @Test
    void findsDeviceProfilesAboveTheWorkingDirectory() throws IOException {
        Path sub = Files.createDirectories(tmp.resolve("proj/app/src"));
        Files.createDirectories(tmp.resolve("proj/device-profiles"));
        ProfileRegistry r = ProfileRegistry.standard(Fixtures.sdk().profiles(), Map.of(), sub);
        assertEquals(tmp.resolve("proj/device-profiles").toAbsolutePath(), r.dirs().get(0).toAbsolutePath());
        assertTrue(r.names().contains("qemu-microvm-x86_64"));
    }
}
