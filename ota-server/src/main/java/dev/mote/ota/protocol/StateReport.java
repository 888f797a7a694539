package dev.mote.ota.protocol;

/**
 * {@code state}: where job {@code job} is on the device (topic up/state, QoS 1). {@code off}
 * (downloading: bytes held) and {@code version} (confirmed/rolledback: what now runs) are sent
 * where they mean something, {@code reason} with failed/rolledback.
 *
 * <pre>state job=7 status=downloading off=524288
 * state job=7 status=confirmed version=1.1.0
 * state job=7 status=failed reason=signature: unknown key id 3f1c...</pre>
 */
public record StateReport(long job, JobStatus status, long offset, String version, String reason) {
    public static final String VERB = "state";

    public Control toControl() {
        Control c = Control.of(VERB).put("job", job).put("status", status.wire());
        if (status == JobStatus.DOWNLOADING) {
            c.put("off", offset);
        }
        if (version != null) {
            c.put("version", version);
        }
        return reason != null ? c.put("reason", reason) : c;
    }

    public static StateReport from(Control c) {
        Hello.expect(c, VERB);
        return new StateReport(c.number("job"), JobStatus.fromWire(c.require("status")), c.number("off", 0),
                c.get("version"), c.get("reason"));
    }
}
