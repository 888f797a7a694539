package dev.mote.sdk.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.build.BuildOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of crash examples/panic can make, on both architectures: the report names the
 * fault in C terms, shows registers where the CPU faulted, resolves function names on the
 * device, and the guest exits with MOTE_EXIT_PANIC (101).
 */
class CrashReportTest {
    private static final Pattern FRAME = Pattern.compile("#\\d+\\s+0x[0-9a-f]{16} (\\w+)\\+0x[0-9a-f]+");

    @TempDir
    Path tmp;

    private Qemu.Boot crash(String profile, String kind) throws IOException {
        BuildOptions opts = new BuildOptions(List.of("CRASH=" + kind), 0, false);
        Qemu.Boot b = Qemu.boot(Qemu.build("panic", profile, tmp, opts), Qemu.tcg());
        assertEquals(101, b.result().guestExitCode(), b.console());
        return b;
    }

    private static List<String> frames(String console) {
        return FRAME.matcher(console).results().map(m -> m.group(1)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void undefinedInstructionIsNamedWithRegisters(String profile) throws IOException {
        String c = crash(profile, "CRASH_UNDEF").console();
        assertTrue(c.contains("*** FAULT in thread 'main': undefined instruction"), c);
        assertTrue(c.matches("(?s).*(x29|rbp) [0-9a-f]{16}.*"), "registers are dumped:\n" + c);
        List<String> f = frames(c);
        assertEquals("app_main", f.get(0), c);
        assertTrue(f.contains("main_thread"), c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void stackOverflowHitsTheGuardPageAndNamesTheThread(String profile) throws IOException {
        String c = crash(profile, "CRASH_STACK").console();
        assertTrue(c.contains("*** FAULT in thread 'main': stack overflow"), c);
        assertTrue(c.contains("thread 'main' ran past the bottom of its 8192-byte stack"), c);
        assertTrue(c.contains("the same call"), "deep recursion is folded:\n" + c);
        List<String> f = frames(c);
        assertEquals("recurse_forever", f.get(0), c);
        assertTrue(f.contains("app_main"), c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qemu-virt-arm64", "qemu-microvm-x86_64"})
    void explicitPanicPrintsTheMessageAndTheCaller(String profile) throws IOException {
        String c = crash(profile, "CRASH_PANIC").console();
        assertTrue(c.contains("*** PANIC in thread 'main': sensor 7 returned -5"), c);
        assertTrue(frames(c).contains("app_main"), c);
    }
}
