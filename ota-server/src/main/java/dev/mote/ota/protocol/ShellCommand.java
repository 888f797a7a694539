package dev.mote.ota.protocol;

import java.nio.charset.StandardCharsets;

/**
 * {@code shell} (topic down/shell, QoS 1): one command line for the device's debug shell, from
 * the server account only (the broker lets no one else publish under down/). {@code id} is the
 * server's audit record; the reply carries it. The line is what a person types: 1 to 255 bytes
 * of printable ASCII (tabs allowed), the device's own limit.
 *
 * <pre>shell id=42
 * ps</pre>
 */
public record ShellCommand(long id, String line) {
    public static final String VERB = "shell";
    public static final int MAX_LINE = 255;

    public ShellCommand {
        String why = check(line);
        if (why != null) {
            throw new IllegalArgumentException("command: " + why);
        }
    }

    /** Why a command line cannot go to a device, or null if it can. */
    public static String check(String line) {
        if (line == null || line.isBlank()) {
            return "empty";
        }
        if (line.length() > MAX_LINE) {
            return "longer than " + MAX_LINE + " characters";
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < ' ' && c != '\t') || c > '~') {
                return String.format("character U+%04X at column %d is not printable ASCII", (int) c, i + 1);
            }
        }
        return null;
    }

    public byte[] toBytes() {
        return (Control.of(VERB).put("id", id) + "\n" + line).getBytes(StandardCharsets.US_ASCII);
    }

    public static ShellCommand parse(byte[] payload) {
        String s = new String(payload, StandardCharsets.US_ASCII);
        int nl = s.indexOf('\n');
        if (nl < 0) {
            throw new ProtocolException("shell: no command line after the first line");
        }
        Control c = Control.parse(s.substring(0, nl).getBytes(StandardCharsets.US_ASCII));
        Hello.expect(c, VERB);
        String line = s.substring(nl + 1);
        String why = check(line);
        if (why != null) {
            throw new ProtocolException("shell: the command line is " + why);
        }
        return new ShellCommand(c.number("id"), line);
    }
}
