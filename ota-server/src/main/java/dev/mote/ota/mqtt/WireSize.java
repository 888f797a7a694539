package dev.mote.ota.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sizes of MQTT 3.1.1 packets on the wire (fixed header with its 1-4 remaining-length bytes, then
 * the rest), for counting bytes without a packet capture: the benchmark's "bytes on the wire per
 * device" is the sum of these. TCP/IP headers are not included.
 */
public final class WireSize {
    /** CONNACK, PUBACK, UNSUBACK: 2 bytes of fixed header + 2. */
    public static final int ACK = 4;
    /** PINGREQ, PINGRESP, DISCONNECT. */
    public static final int EMPTY = 2;

    private WireSize() {
    }

    /** A packet whose fixed header is followed by {@code remaining} bytes. */
    public static long packet(long remaining) {
        int lenBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
        return 1 + lenBytes + remaining;
    }

    /** PUBLISH: topic length prefix, topic, a packet id when QoS > 0, payload. */
    public static long publish(String topic, int payloadBytes, int qos) {
        return packet(2 + utf8(topic) + (qos > 0 ? 2 : 0) + payloadBytes);
    }

    /** CONNECT (3.1.1): 10 bytes of variable header, then client id, will, user name, password. */
    public static long connect(String clientId, String willTopic, int willPayload, String user, String password) {
        long rem = 10 + 2 + utf8(clientId);
        if (willTopic != null) {
            rem += 2 + utf8(willTopic) + 2 + willPayload;
        }
        if (user != null) {
            rem += 2 + utf8(user);
        }
        if (password != null) {
            rem += 2 + utf8(password);
        }
        return packet(rem);
    }

    /** SUBSCRIBE: packet id, then per filter its length prefix, the filter and a QoS byte. */
    public static long subscribe(List<String> filters) {
        return packet(2 + filters.stream().mapToLong(f -> 2 + utf8(f) + 1).sum());
    }

    /** SUBACK: packet id and one return code per filter. */
    public static long subAck(int filters) {
        return packet(2 + filters);
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
