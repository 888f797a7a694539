package dev.mote.ota.protocol;

/**
 * {@code cancel}: stop job {@code job} (topic down/job, QoS 1): the device drops what it
 * downloaded, keeps running what it runs and reports {@code state ... status=cancelled}. Also the
 * server's answer to a {@code req} for a job that is not (or no longer) the device's.
 *
 * <pre>cancel job=7</pre>
 */
public record Cancel(long job) {
    public static final String VERB = "cancel";

    public Control toControl() {
        return Control.of(VERB).put("job", job);
    }

    public static Cancel from(Control c) {
        Hello.expect(c, VERB);
        return new Cancel(c.number("job"));
    }
}
