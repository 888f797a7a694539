package dev.mote.ota.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code crash} (topic up/crash, QoS 1): a crash record as the device keeps it in flash
 * (docs/ota-protocol.md, "Crash records"). The first line is a control message with the facts
 * a server groups by; the rest is the report the device printed when it crashed (the fault,
 * registers, the symbolized backtrace, the threads, the last log lines).
 *
 * <pre>crash seq=3 kind=null-pointer addr=0x4 thread=worker uptime_ms=1945 version=1.2.3 build=c15e243749f591f4 slot=a test=0 lost=0
 * *** FAULT in thread 'worker': null pointer dereference (write to address 0x4)
 * ...
 * backtrace:
 *   #0  0x0000000040181114 sensor_store+0x8
 *   #1  0x0000000040181140 sensor_poll+0x20</pre>
 *
 * @param frames the backtrace's function names, innermost first ("?" for an address without one)
 */
public record CrashReport(long seq, String kind, String addr, String thread, long uptimeMs, String version,
                          String build, String slot, boolean test, long lost, List<String> frames, String text) {
    public static final String VERB = "crash";
    /** The largest record a device keeps (kernel/shell/shell.h, CRASH_TEXT_MAX). */
    public static final int MAX_BYTES = 3552;
    /** Frames of the backtrace that count for the signature: deeper ones are the same code's callers. */
    public static final int SIGNATURE_FRAMES = 8;

    private static final Pattern FRAME = Pattern.compile("^\\s+#\\d+\\s+0x[0-9a-fA-F]+ (\\?|([A-Za-z_][A-Za-z0-9_.$]*)\\+0x[0-9a-fA-F]+)\\s*$");

    /** Parses a received record; ProtocolException saying what is wrong with it. */
    public static CrashReport parse(byte[] payload) {
        if (payload.length == 0 || payload.length > MAX_BYTES) {
            throw new ProtocolException("crash record of " + payload.length + " bytes (1.." + MAX_BYTES + ")");
        }
        String text = new String(payload, StandardCharsets.US_ASCII);
        if (!text.chars().allMatch(c -> c == '\n' || c == '\r' || c == '\t' || c >= ' ' && c < 0x7f)) {
            throw new ProtocolException("crash record is not ASCII text");
        }
        int nl = text.indexOf('\n');
        String head = nl < 0 ? text : text.substring(0, nl);
        Control c = Control.parse(head.getBytes(StandardCharsets.US_ASCII));
        Hello.expect(c, VERB);
        String test = c.get("test");
        List<String> frames = new ArrayList<>();
        boolean inBacktrace = false;
        for (String line : text.split("\r?\n")) {
            if (line.equals("backtrace:")) {
                inBacktrace = true;
                continue;
            }
            if (!inBacktrace) {
                continue;
            }
            Matcher m = FRAME.matcher(line);
            if (m.matches()) {
                frames.add(m.group(2) == null ? "?" : m.group(2));
            } else if (!line.startsWith("      ...")) {
                break;      // the backtrace ended (threads:, log:)
            }
        }
        return new CrashReport(c.number("seq"), c.require("kind"), c.get("addr"), c.get("thread"),
                c.number("uptime_ms", 0), c.require("version"), c.get("build"), c.get("slot"), "1".equals(test),
                c.number("lost", 0), List.copyOf(frames), text);
    }

    /**
     * What crashes alike share: the fault kind, the backtrace's function names (the first
     * {@link #SIGNATURE_FRAMES}) and the version. Addresses are left out: they move with every
     * build, the names do not.
     */
    public String signatureText() {
        return kind + " " + String.join("<", frames.subList(0, Math.min(frames.size(), SIGNATURE_FRAMES)))
                + " " + version;
    }

    /** {@link #signatureText} as 16 hex digits of its SHA-256: the group's key. */
    public String signature() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(signatureText().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The record's text, from a simulated or real device, as bytes to publish. */
    public byte[] toBytes() {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
