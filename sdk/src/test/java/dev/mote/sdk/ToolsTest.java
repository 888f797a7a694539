package dev.mote.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mote.sdk.testing.Fixtures;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolsTest {
    @Test
    void findsInstalledTools() {
        assertNotNull(Fixtures.tools().find("clang"));
        assertNotNull(Fixtures.tools().find("ld.lld"));
    }

    @Test
    void aMissingToolIsNamedWithWhatToInstall() {
        Tools none = new Tools(Map.of("PATH", "/nonexistent"));
        assertNull(none.find("no-such-tool-mote"));
        MoteException e = assertThrows(MoteException.class, () -> none.require("no-such-tool-mote"));
        assertTrue(e.getMessage().startsWith("no-such-tool-mote not found"), e.getMessage());
        // Debian also keeps ld.lld in /usr/lib/llvm-N/bin, found even without PATH.
        if (none.find("ld.lld") == null) {
            MoteException lld = assertThrows(MoteException.class, () -> none.require("ld.lld"));
            assertEquals("run scripts/setup.sh (or: apt-get install clang lld)", lld.hint());
        }
    }

    @Test
    void runCapturesOutputAndStatus() throws IOException {
        Tools.Result r = Tools.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
        assertEquals(3, r.exit());
        assertTrue(r.output().contains("out\n") && r.output().contains("err\n"), r.output());
    }
}
