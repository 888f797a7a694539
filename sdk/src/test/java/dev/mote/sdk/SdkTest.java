package dev.mote.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.profile.Arch;
import dev.mote.sdk.testing.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdkTest {
    @TempDir
    Path tmp;

    private Path jar(String cflags) throws IOException {
        Path jar = tmp.resolve("mote-sdk-" + cflags.hashCode() + ".jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os)) {
            j.putNextEntry(new JarEntry("mote-sdk/include/mote.h"));
            j.write("int app_main(void);\n".getBytes());
            j.putNextEntry(new JarEntry("mote-sdk/arm64/cflags"));
            j.write(cflags.getBytes());
            j.putNextEntry(new JarEntry("dev/mote/Other.class"));
            j.write(new byte[] {1, 2, 3});
        }
        return jar;
    }

    @Test
    void thePackagedSdkHasBothKernelsHeadersAndProfiles() throws IOException {
        Sdk sdk = Fixtures.sdk();
        for (Arch a : Arch.values()) {
            for (String f : new String[] {"libmote.a", "link.ld", "cflags"}) {
                assertTrue(Files.isRegularFile(sdk.archDir(a).resolve(f)), a + "/" + f);
            }
            assertTrue(sdk.cflags(a).contains("-ffreestanding"), sdk.cflags(a).toString());
        }
        assertTrue(Files.isRegularFile(sdk.include().resolve("hal/board.h")));
        assertTrue(Files.isRegularFile(sdk.profiles().resolve("qemu-virt-arm64.profile")));
    }

    @Test
    void extractsOnceIntoAContentNamedCacheDirectory() throws IOException {
        Path cache = tmp.resolve("cache/mote");
        Path first = Sdk.extract(jar("-O2"), cache);
        assertTrue(first.getFileName().toString().matches("sdk-[0-9a-f]{16}"), first.toString());
        assertEquals("-O2", Files.readString(first.resolve("arm64/cflags")));
        assertFalse(Files.exists(first.resolve("dev")));
        assertEquals(first, Sdk.extract(jar("-O2"), cache));
        Path other = Sdk.extract(jar("-Os"), cache);
        assertFalse(other.equals(first));
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(List.of(first.getFileName().toString(), other.getFileName().toString(), "jars").stream()
                    .sorted().toList(), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary directories are left behind");
        }
    }

    @Test
    void aJarThatChangedIsLookedAtAgain() throws IOException {
        Path cache = tmp.resolve("cache/mote");
        Path jar = jar("-O2");
        Path first = Sdk.extract(jar, cache);
        assertEquals(first, Sdk.extract(jar, cache), "the second time by the jar's marker");
        Path rebuilt = jar("-Os");
        Files.move(rebuilt, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path other = Sdk.extract(jar, cache);
        assertFalse(other.equals(first), "a new jar at the same path is a new marker");
        assertEquals("-Os", Files.readString(other.resolve("arm64/cflags")));
        deleteTree(other);
        assertEquals(other, Sdk.extract(jar, cache), "a marker whose directory is gone is not trusted");
        assertTrue(Files.isRegularFile(other.resolve("arm64/cflags")));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void cacheFollowsXdgCacheHome() {
        assertEquals(Path.of("/x/cache/mote"), Sdk.cacheDir(Map.of("XDG_CACHE_HOME", "/x/cache")));
        assertTrue(Sdk.cacheDir(Map.of()).endsWith(".cache/mote"));
    }

    @Test
    void moteSdkDirMustBeAnSdk() {
        MoteException e = assertThrows(MoteException.class,
                () -> Sdk.locate(Map.of("MOTE_SDK_DIR", tmp.toString())));
        assertTrue(e.getMessage().contains("is not an SDK"), e.getMessage());
    }
}
