package dev.mote.sdk.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.MoteException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppBuildFileTest {
    private static final Path FILE = Path.of("app/mote.build");

    @Test
    void readsEveryField() {
        AppBuildFile b = AppBuildFile.parse(FILE, List.of(
                "# a comment", "", "sources = main.c src/*.c  # trailing comment", "exclude = tools/**",
                "include = include lib/json", "defines = A=1 B", "cflags = -O3 -Wshadow",
                "libs = vendor/libx.a", "werror = true"));
        assertEquals(List.of("main.c", "src/*.c"), b.sources());
        assertEquals(List.of("tools/**"), b.exclude());
        assertEquals(List.of("include", "lib/json"), b.include());
        assertEquals(List.of("A=1", "B"), b.defines());
        assertEquals(List.of("-O3", "-Wshadow"), b.cflags());
        assertEquals(List.of("vendor/libx.a"), b.libs());
        assertTrue(b.werror());
        assertFalse(AppBuildFile.parse(FILE, List.of("werror = false")).werror());
        assertNull(AppBuildFile.none().werror());
    }

    @Test
    void mistakesNameTheFileAndLine() {
        assertError("mote.build:2: unknown field 'source'", "# x", "source = main.c");
        assertError("mote.build:1: expected 'key = value'", "sources main.c");
        assertError("mote.build:1: field 'cflags': empty value", "cflags =");
        assertError("mote.build:2: field 'defines': set twice (first on line 1)", "defines = A", "defines = B");
        assertError("mote.build:1: field 'werror': 'yes' is not true or false", "werror = yes");
        assertError("mote.build:1: field 'include': '../shared' must be a path inside the app directory",
                "include = ../shared");
        assertError("mote.build:1: field 'libs': '/usr/lib/libm.a' must be a path inside", "libs = /usr/lib/libm.a");
    }

    private static void assertError(String start, String... lines) {
        MoteException e = assertThrows(MoteException.class, () -> AppBuildFile.parse(FILE, List.of(lines)));
        assertTrue(e.getMessage().contains(start), e.getMessage());
        assertTrue(e.hint().contains("sources, exclude, include, defines, cflags, libs, werror"), e.hint());
    }
}
