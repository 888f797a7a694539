package dev.mote.ota.protocol;

/**
 * {@code crash-ack} (topic down/crash-ack, QoS 1): the server stored crash record {@code seq};
 * the device may now overwrite it. Sent after the record is committed, again for a record sent
 * again (the device missed the first ack).
 *
 * <pre>crash-ack seq=3</pre>
 */
public record CrashAck(long seq) {
    public static final String VERB = "crash-ack";

    public Control toControl() {
        return Control.of(VERB).put("seq", seq);
    }

    public static CrashAck from(Control c) {
        Hello.expect(c, VERB);
        return new CrashAck(c.number("seq"));
    }
}
