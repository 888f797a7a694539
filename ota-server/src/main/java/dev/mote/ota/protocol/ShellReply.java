package dev.mote.ota.protocol;

import java.nio.charset.StandardCharsets;

/**
 * {@code shell-reply} (topic up/shell, QoS 1): what command {@code id} printed, cut at
 * {@link #MAX_OUTPUT} bytes ({@code truncated=1}), and its exit status: 0 it worked, 1 it
 * failed, 2 bad arguments, 126 the line was refused, 127 no such command.
 *
 * <pre>shell-reply id=42 exit=0 truncated=0
 *   ID PRIO STATE     CPU%    STACK     PEAK NAME
 *    1    0 ready     97.9     4096      544 idle</pre>
 */
public record ShellReply(long id, int exit, boolean truncated, String output) {
    public static final String VERB = "shell-reply";
    public static final int MAX_OUTPUT = 4096;

    public byte[] toBytes() {
        return (Control.of(VERB).put("id", id).put("exit", exit).put("truncated", truncated ? 1 : 0) + "\n" + output)
                .getBytes(StandardCharsets.US_ASCII);
    }

    public static ShellReply parse(byte[] payload) {
        if (payload.length > MAX_OUTPUT + 128) {
            throw new ProtocolException("shell-reply of " + payload.length + " bytes (at most " + (MAX_OUTPUT + 128) + ")");
        }
        String s = new String(payload, StandardCharsets.US_ASCII);
        int nl = s.indexOf('\n');
        Control c = Control.parse((nl < 0 ? s : s.substring(0, nl)).getBytes(StandardCharsets.US_ASCII));
        Hello.expect(c, VERB);
        long exit = c.number("exit");
        if (exit > 255) {
            throw new ProtocolException("shell-reply: exit " + exit + " is not 0..255");
        }
        String out = nl < 0 ? "" : s.substring(nl + 1);
        if (!out.chars().allMatch(ch -> ch == '\n' || ch == '\t' || ch >= ' ' && ch < 0x7f)) {
            throw new ProtocolException("shell-reply: the output is not ASCII text");
        }
        return new ShellReply(c.number("id"), (int) exit, c.number("truncated", 0) == 1, out);
    }
}
