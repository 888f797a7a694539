package dev.mote.ota.protocol;

/**
 * {@code hello}: the device names itself on every connect (topic up/hello, QoS 1).
 * {@code job}/{@code have} say that it holds the first {@code have} bytes of job {@code job}'s
 * image (0 and 0 when it holds none), so a download resumes where it stopped.
 *
 * <pre>hello profile=qemu-virt-arm64 version=1.0.0 counter=1 slot=a max_chunk=16384 job=7 have=524288</pre>
 */
public record Hello(String profile, String version, long counter, char slot, int maxChunk, long job, long have) {
    public static final String VERB = "hello";

    public Hello {
        if (slot != 'a' && slot != 'b') {
            throw new ProtocolException("hello: slot must be a or b, got " + slot);
        }
        if (maxChunk < Chunk.MIN_DATA) {
            throw new ProtocolException("hello: max_chunk " + maxChunk + " is below " + Chunk.MIN_DATA);
        }
    }

    public Control toControl() {
        Control c = Control.of(VERB).put("profile", profile).put("version", version).put("counter", counter)
                .put("slot", slot).put("max_chunk", maxChunk);
        return job > 0 ? c.put("job", job).put("have", have) : c;
    }

    public static Hello from(Control c) {
        expect(c, VERB);
        String slot = c.require("slot");
        if (slot.length() != 1) {
            throw new ProtocolException("hello: slot must be a or b, got " + slot);
        }
        long maxChunk = c.number("max_chunk");
        return new Hello(c.require("profile"), c.require("version"), c.number("counter"), slot.charAt(0),
                (int) Math.min(maxChunk, Integer.MAX_VALUE), c.number("job", 0), c.number("have", 0));
    }

    static void expect(Control c, String verb) {
        if (!c.verb().equals(verb)) {
            throw new ProtocolException("expected '" + verb + "', got '" + c.verb() + "'");
        }
    }
}
