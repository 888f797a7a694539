package dev.mote.ota.protocol;

/**
 * {@code req}: send me bytes [off, off + len) of job {@code job}'s image (topic up/req, QoS 0).
 * {@code len} is at most the offer's chunk x window; the server answers with that range cut
 * into chunks, in order. A device keeps at most two requests outstanding and asks again from its
 * first missing byte when a chunk does not arrive in time.
 *
 * <pre>req job=7 off=65536 len=65536</pre>
 */
public record ChunkRequest(long job, long offset, long length) {
    public static final String VERB = "req";

    public Control toControl() {
        return Control.of(VERB).put("job", job).put("off", offset).put("len", length);
    }

    public static ChunkRequest from(Control c) {
        Hello.expect(c, VERB);
        long len = c.number("len");
        if (len == 0) {
            throw new ProtocolException("req: len must be above 0");
        }
        return new ChunkRequest(c.number("job"), c.number("off"), len);
    }
}
