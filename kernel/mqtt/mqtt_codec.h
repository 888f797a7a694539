/*
 * mqtt_codec.h - MQTT 3.1.1 packets, client side: encoders for what a client
 * sends and an incremental decoder for what a server sends.
 *
 * Pure logic: no kernel calls, no allocation; compiled into the kernel and
 * the host tests (kernel/test/mqtt/). Encoders write into a caller's buffer;
 * the decoder reads a byte stream given in pieces of any size and yields
 * whole, validated packets whose pointers point into its own buffer.
 * Spec references ([MQTT-x.y.z-n]) are to the OASIS MQTT 3.1.1 standard.
 */
#ifndef MQTT_CODEC_H
#define MQTT_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* Control packet types: the fixed header's high nibble (0 and 15 are reserved). */
enum {
    MQTT_CONNECT = 1, MQTT_CONNACK, MQTT_PUBLISH, MQTT_PUBACK, MQTT_PUBREC, MQTT_PUBREL,
    MQTT_PUBCOMP, MQTT_SUBSCRIBE, MQTT_SUBACK, MQTT_UNSUBSCRIBE, MQTT_UNSUBACK,
    MQTT_PINGREQ, MQTT_PINGRESP, MQTT_DISCONNECT,
};

#define MQTT_MAX_REMAINING 268435455u  /* 0xff 0xff 0xff 0x7f: four length bytes */
#define MQTT_SUBACK_FAILURE 0x80       /* a SUBACK return code: subscription refused */

/* Decoder results (negative, distinct from MOTE_E* and RPROTO_E*). */
#define MQTT_EMALFORMED (-160) /* breaks the spec: the stream is lost, drop the connection */
#define MQTT_ETOOBIG (-161)    /* a packet longer than the receive buffer was skipped whole */

/* CONNECT's fields. Strings are NUL-terminated UTF-8; NULL means absent. */
struct mqtt_connect {
    const char *client_id;      /* "" is allowed only with clean_session */
    uint16_t keepalive_s;       /* 0: no keep-alive */
    uint8_t clean_session;
    const char *will_topic;     /* NULL: no will */
    const void *will_msg;
    uint16_t will_len;
    uint8_t will_qos;           /* 0..2 */
    uint8_t will_retain;
    const char *username;       /* NULL: none */
    const void *password;       /* NULL: none; needs a username [MQTT-3.1.2-22] */
    uint16_t password_len;
};

/* A PUBLISH as sent. */
struct mqtt_publish {
    const char *topic;          /* not NUL-terminated: topic_len bytes */
    uint16_t topic_len;
    const void *payload;
    size_t len;
    uint8_t qos;                /* 0 or 1 (2 is encoded too, for completeness) */
    uint8_t retain;
    uint8_t dup;
    uint16_t id;                /* packet identifier, nonzero when qos > 0 */
};

/* One topic filter of a SUBSCRIBE or UNSUBSCRIBE (qos is ignored by UNSUBSCRIBE). */
struct mqtt_filter {
    const char *filter;
    uint16_t len;
    uint8_t qos;
};

/*
 * Every encoder writes one whole packet into out[0..cap) and returns its
 * size, MOTE_ENOMEM if cap is too small (nothing useful is written), or
 * MOTE_EINVAL if the fields break the spec (a string over 65535 bytes,
 * QoS 3, packet id 0 with QoS > 0, a password without a user name, an empty
 * or wildcard topic in PUBLISH, an ill-formed topic filter, a packet over
 * MQTT_MAX_REMAINING).
 */
int mqtt_encode_connect(uint8_t *out, size_t cap, const struct mqtt_connect *c);
int mqtt_encode_publish(uint8_t *out, size_t cap, const struct mqtt_publish *p);
/* PUBLISH without the payload (fixed header, topic, id): p->len payload bytes follow it on the wire. */
int mqtt_encode_publish_header(uint8_t *out, size_t cap, const struct mqtt_publish *p);
int mqtt_encode_subscribe(uint8_t *out, size_t cap, uint16_t id, const struct mqtt_filter *f,
                          size_t n);
int mqtt_encode_unsubscribe(uint8_t *out, size_t cap, uint16_t id, const struct mqtt_filter *f,
                            size_t n);
/* PUBACK (4 bytes). */
int mqtt_encode_puback(uint8_t *out, size_t cap, uint16_t id);
/* PINGREQ and DISCONNECT (2 bytes each). */
int mqtt_encode_pingreq(uint8_t *out, size_t cap);
int mqtt_encode_disconnect(uint8_t *out, size_t cap);

/* Bytes the remaining-length field takes for n (1..4), or 0 if n > MQTT_MAX_REMAINING. */
int mqtt_length_size(uint32_t n);

/*
 * 1 if s[0..n) is a valid topic name to PUBLISH to: nonempty, well-formed
 * UTF-8 without U+0000, no '+' or '#' [MQTT-4.7.3-1, 3.3.2-2, 1.5.3-1/2].
 */
int mqtt_topic_valid(const char *s, size_t n);
/* 1 if f[0..n) is a valid topic filter: as above, but '#' only as the whole last level and '+' only as a whole level. */
int mqtt_filter_valid(const char *f, size_t n);
/*
 * 1 if topic t[0..tn) matches filter f[0..fn) (both valid): '+' is one
 * level, '#' the rest (including the parent level itself); a filter that
 * starts with a wildcard does not match a topic starting with '$' [MQTT-4.7.2-1].
 */
int mqtt_topic_match(const char *f, size_t fn, const char *t, size_t tn);

/* A decoded packet. Pointers point into the decoder's buffer. */
struct mqtt_packet {
    uint8_t type;               /* MQTT_CONNACK, ... */
    uint8_t flags;              /* the fixed header's low nibble */
    uint8_t qos, retain, dup;   /* PUBLISH */
    uint8_t session_present;    /* CONNACK */
    uint8_t rc;                 /* CONNACK return code (0 accepted, 1..5 refused) */
    uint16_t id;                /* packet id: PUBLISH with QoS > 0, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK */
    uint32_t len;               /* remaining length */
    const char *topic;          /* PUBLISH; NULL in a skipped one whose topic did not fit */
    uint16_t topic_len;
    const uint8_t *payload;     /* PUBLISH payload; SUBACK return codes */
    size_t payload_len;
};

struct mqtt_decoder {
    uint8_t *buf;       /* the body of the packet being read */
    size_t cap;         /* the largest body taken whole */
    uint32_t len;       /* its remaining length */
    uint32_t got;       /* body bytes read so far (those past cap are dropped) */
    uint8_t header;     /* its first byte */
    uint8_t phase;      /* what the next byte is: DEC_HEADER, DEC_LENGTH, DEC_BODY; DEC_LOST after an error */
    uint8_t nlen;       /* remaining-length bytes read */
};

/* Start reading a new stream into buf[0..cap) (the largest remaining length accepted). */
void mqtt_decoder_init(struct mqtt_decoder *d, uint8_t *buf, size_t cap);

/*
 * Take bytes from in[0..n), stopping at the end of one packet; *used is the
 * count taken. Returns:
 *   1  a packet is complete and valid: *p describes it (valid until the next call);
 *   0  all n bytes taken, no packet complete yet;
 *   MQTT_ETOOBIG  a packet whose remaining length exceeds cap was read and
 *      dropped whole (never truncated): *p has its type, flags and len and,
 *      for a PUBLISH, qos/retain/dup, and topic and id if they fitted in the
 *      buffer (else topic NULL, id 0). The stream stays in step;
 *   MQTT_EMALFORMED  the stream breaks the spec (reserved type, bad flags,
 *      a remaining length over 4 bytes, a length inconsistent with its type,
 *      a field past the end, an empty/wildcard/ill-formed topic, a bad
 *      return code, a packet type a server never sends). The decoder stays
 *      lost (returns it again) until mqtt_decoder_init.
 * Reads no byte outside in[0..n) and writes none outside buf[0..cap).
 */
int mqtt_decoder_feed(struct mqtt_decoder *d, const uint8_t *in, size_t n, size_t *used,
                      struct mqtt_packet *p);

#endif
