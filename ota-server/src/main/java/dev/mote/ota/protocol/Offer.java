package dev.mote.ota.protocol;

/**
 * {@code offer}: install this image (topic down/job, QoS 1). The device fetches {@code size}
 * bytes with {@code req}, at most {@code chunk} bytes per chunk and {@code window} chunks per
 * request, checks that their SHA-256 is {@code sha256}, verifies the signature like its
 * bootloader will, installs it for a TEST boot and reports each step with {@code state}.
 * {@code deadline} is the seconds the server waits for {@code confirmed} before it counts the
 * job as failed.
 *
 * <pre>offer job=7 sha256=9f2c... size=1048952 version=1.1.0 counter=2 chunk=16384 window=4 deadline=600</pre>
 */
public record Offer(long job, String sha256, long size, String version, long counter, int chunk, int window,
                    long deadlineSeconds) {
    public static final String VERB = "offer";

    public Control toControl() {
        return Control.of(VERB).put("job", job).put("sha256", sha256).put("size", size).put("version", version)
                .put("counter", counter).put("chunk", chunk).put("window", window).put("deadline", deadlineSeconds);
    }

    public static Offer from(Control c) {
        Hello.expect(c, VERB);
        String sha = c.require("sha256");
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new ProtocolException("offer: sha256 must be 64 lower-case hex digits");
        }
        long chunk = c.number("chunk");
        long window = c.number("window");
        if (chunk < Chunk.MIN_DATA || chunk > Chunk.MAX_DATA || window < 1 || window > 256) {
            throw new ProtocolException("offer: chunk " + chunk + " or window " + window + " out of range");
        }
        return new Offer(c.number("job"), sha, c.number("size"), c.require("version"), c.number("counter"),
                (int) chunk, (int) window, c.number("deadline"));
    }
}
