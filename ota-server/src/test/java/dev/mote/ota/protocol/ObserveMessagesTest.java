package dev.mote.ota.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The crash, log, metrics and shell messages: what a device sends parses, what it must not is refused. */
class ObserveMessagesTest {
    /** A record as the kernel writes it (kernel/shell/crash.c), from a real run on qemu-virt-arm64. */
    static final String RECORD = """
            crash seq=1 kind=null-pointer addr=0x4 thread=worker uptime_ms=1945 version=1.2.3 build=c15e243749f591f4 slot=a test=0 lost=0

            *** FAULT in thread 'worker': null pointer dereference (write to address 0x4)
              at 0x0000000040181114 sensor_store+0x8
              cpu: data abort (translation fault, level 2) (syndrome 0x96000046)
             x0 0000000000000000   x1 000000000000002a   x2 0000000000000001   x3 0000000080000245
            backtrace:
              #0  0x0000000040181114 sensor_store+0x8
              #1  0x0000000040181140 sensor_poll+0x20
                  ... the same call 3 more times
              #2  0x0000000040181324 worker+0x64
              #3  0x0000000040183200 thread_entry+0x1c
            threads:
                1  0 ready    stack 4096 peak 576 cpu_ms 1513 idle
            log:
              1.850 E shell: boom requested
            """;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aKernelCrashRecordParsesIntoItsSignature() {
        CrashReport r = CrashReport.parse(b(RECORD));
        assertEquals(1, r.seq());
        assertEquals("null-pointer", r.kind());
        assertEquals("worker", r.thread());
        assertEquals("1.2.3", r.version());
        assertEquals(1945, r.uptimeMs());
        assertFalse(r.test());
        assertEquals(List.of("sensor_store", "sensor_poll", "worker", "thread_entry"), r.frames());
        assertEquals("null-pointer sensor_store<sensor_poll<worker<thread_entry 1.2.3", r.signatureText());
        assertEquals(16, r.signature().length());
        // another build of the same code: other addresses, the same signature
        CrashReport moved = CrashReport.parse(b(RECORD.replace("0x0000000040181", "0x0000000050282")
                .replace("seq=1", "seq=9")));
        assertEquals(r.signature(), moved.signature());
        // another version or another kind: another signature
        assertNotEquals(r.signature(), CrashReport.parse(b(RECORD.replace("version=1.2.3", "version=1.2.4"))).signature());
        assertNotEquals(r.signature(), CrashReport.parse(b(RECORD.replace("kind=null-pointer", "kind=panic"))).signature());
        // an address without a name
        CrashReport unknown = CrashReport.parse(b(RECORD.replace("sensor_poll+0x20", "?")));
        assertEquals("?", unknown.frames().get(1));
    }

    @Test
    void crashRecordsThatAreNotOnesAreRefused() {
        assertThrows(ProtocolException.class, () -> CrashReport.parse(new byte[0]));
        assertThrows(ProtocolException.class, () -> CrashReport.parse(new byte[CrashReport.MAX_BYTES + 1]));
        assertThrows(ProtocolException.class, () -> CrashReport.parse(b("hello seq=1 kind=x version=1\n")));
        assertThrows(ProtocolException.class, () -> CrashReport.parse(b("crash kind=x version=1\n")));   // no seq
        assertThrows(ProtocolException.class, () -> CrashReport.parse(b("crash seq=1 version=1\n")));   // no kind
        byte[] binary = b(RECORD);
        binary[200] = (byte) 0xff;
        assertThrows(ProtocolException.class, () -> CrashReport.parse(binary));
        assertEquals(List.of(), CrashReport.parse(b("crash seq=2 kind=watchdog version=1.0.0")).frames());
    }

    @Test
    void logBatchesMetricsAndAcks() {
        LogBatch l = new LogBatch(120, 3, List.of("12.345 W main: a", "12.502 E net: b"));
        assertEquals("log first=120 count=2 dropped=3\n12.345 W main: a\n12.502 E net: b",
                new String(l.toBytes(), StandardCharsets.US_ASCII));
        assertEquals(l, LogBatch.parse(l.toBytes()));
        assertThrows(ProtocolException.class, () -> LogBatch.parse(b("log first=1 count=3 dropped=0\nonly one")));
        assertThrows(ProtocolException.class, () -> LogBatch.parse(b("log first=1 count=1\nbad \u0001")));

        Metrics m = Metrics.parse(b("metrics uptime_ms=60012 heap_used=5536 cpu=main:0.1,net:1.2 reboot=power-on\n"));
        assertEquals(Map.of("uptime_ms", "60012", "heap_used", "5536", "cpu", "main:0.1,net:1.2", "reboot", "power-on"),
                m.fields());
        assertEquals("metrics uptime_ms=60012 heap_used=5536 cpu=main:0.1,net:1.2 reboot=power-on", m.line());
        assertThrows(ProtocolException.class, () -> Metrics.parse(b("metrics nokey")));
        assertThrows(ProtocolException.class, () -> Metrics.parse(b("hello x=1")));
        assertThrows(ProtocolException.class, () -> Metrics.parse(new byte[Metrics.MAX_BYTES + 1]));

        assertEquals("crash-ack seq=3", new CrashAck(3).toControl().toString());
        assertEquals(new CrashAck(3), CrashAck.from(Control.parse(b("crash-ack seq=3"))));
    }

    @Test
    void shellCommandsAndReplies() {
        ShellCommand c = new ShellCommand(42, "ping 10.0.2.2 3");
        assertEquals("shell id=42\nping 10.0.2.2 3", new String(c.toBytes(), StandardCharsets.US_ASCII));
        assertEquals(c, ShellCommand.parse(c.toBytes()));
        assertTrue(ShellCommand.check("x".repeat(256)).startsWith("longer than 255"));
        assertEquals("character U+0001 at column 3 is not printable ASCII", ShellCommand.check("ps\u0001"));
        assertEquals("empty", ShellCommand.check(" "));
        assertThrows(IllegalArgumentException.class, () -> new ShellCommand(1, "a\nb"));
        assertThrows(ProtocolException.class, () -> ShellCommand.parse(b("shell id=1")));
        assertThrows(ProtocolException.class, () -> ShellCommand.parse(b("shell id=1\nps\nreboot")));

        ShellReply r = new ShellReply(42, 0, false, "line 1\nline 2\n");
        assertEquals("shell-reply id=42 exit=0 truncated=0\nline 1\nline 2\n", new String(r.toBytes(), StandardCharsets.US_ASCII));
        assertEquals(r, ShellReply.parse(r.toBytes()));
        assertEquals(new ShellReply(7, 127, true, ""), ShellReply.parse(b("shell-reply id=7 exit=127 truncated=1")));
        assertThrows(ProtocolException.class, () -> ShellReply.parse(b("shell-reply id=7 exit=300\n")));
        assertThrows(ProtocolException.class, () -> ShellReply.parse(b("shell-reply id=7 exit=0\n\u0000")));
    }
}
