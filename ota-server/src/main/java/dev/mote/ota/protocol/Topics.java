package dev.mote.ota.protocol;

import java.util.regex.Pattern;

/**
 * The MQTT topics of the OTA protocol (docs/ota-protocol.md). Every device owns one subtree,
 * {@code mote/dev/ID/}: it publishes only under {@code up/} and reads only {@code down/}, which
 * is the whole access-control rule for a broker (see {@link #deviceMayPublish}).
 */
public final class Topics {
    public static final String PREFIX = "mote/dev/";
    /** Device to server: who I am (QoS 1, on every connect). */
    public static final String HELLO = "up/hello";
    /** Device to server: job progress (QoS 1). */
    public static final String STATE = "up/state";
    /** Device to server: chunk requests (QoS 0). */
    public static final String REQ = "up/req";
    /** Device to server, retained: "online", or "offline" as the device's last will. */
    public static final String STATUS = "up/status";
    /** Server to device: offer and cancel (QoS 1). */
    public static final String JOB = "down/job";
    /** Server to device: image chunks, binary (QoS 1; see {@link Chunk}). */
    public static final String CHUNK = "down/chunk";
    /** Device to server: a crash record (QoS 1; {@link CrashReport}), until acknowledged. */
    public static final String CRASH = "up/crash";
    /** Server to device: the crash record is stored, the device may clear it (QoS 1). */
    public static final String CRASH_ACK = "down/crash-ack";
    /** Device to server: log records, batched (QoS 1; {@link LogBatch}). */
    public static final String LOG = "up/log";
    /** Device to server: the metrics heartbeat (QoS 0; {@link Metrics}). */
    public static final String METRICS = "up/metrics";
    /** Server to device: a shell command line (QoS 1; {@link ShellCommand}). */
    public static final String SHELL = "down/shell";
    /** Device to server: a shell command's output and exit status (QoS 1; {@link ShellReply}). */
    public static final String SHELL_REPLY = "up/shell";

    /** Device ids: what can sit between two slashes of a topic and in a URL, 1 to 64 characters. */
    public static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private Topics() {
    }

    public static boolean validDeviceId(String id) {
        return id != null && DEVICE_ID.matcher(id).matches();
    }

    /** The topic {@code leaf} (one of the constants above) of device {@code id}. */
    public static String of(String id, String leaf) {
        return PREFIX + id + "/" + leaf;
    }

    /** The subscription filter for {@code leaf} of every device, for the server. */
    public static String allDevices(String leaf) {
        return PREFIX + "+/" + leaf;
    }

    /** The device id in a topic under {@link #PREFIX}, or null if the topic is not one. */
    public static String deviceOf(String topic) {
        if (!topic.startsWith(PREFIX)) {
            return null;
        }
        int end = topic.indexOf('/', PREFIX.length());
        return end < 0 ? null : topic.substring(PREFIX.length(), end);
    }

    /** The leaf of a device topic ("up/hello"...), or null. */
    public static String leafOf(String topic) {
        String id = deviceOf(topic);
        return id == null ? null : topic.substring(PREFIX.length() + id.length() + 1);
    }

    /** May device {@code id} publish to {@code topic}? Only its own up/ subtree. */
    public static boolean deviceMayPublish(String id, String topic) {
        return topic.startsWith(PREFIX + id + "/up/") && !hasWildcard(topic);
    }

    /** May device {@code id} subscribe to {@code filter}? Only inside its own down/ subtree. */
    public static boolean deviceMaySubscribe(String id, String filter) {
        String own = PREFIX + id + "/down/";
        return filter.startsWith(own) || filter.equals(PREFIX + id + "/down");
    }

    private static boolean hasWildcard(String topic) {
        return topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0;
    }
}
