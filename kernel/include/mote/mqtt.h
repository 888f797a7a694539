/*
 * mote/mqtt.h - an MQTT 3.1.1 client for apps (kernel/mqtt/, docs/mqtt-client.md;
 * docs/device-api.md shows each call). A device provisioned for the OTA
 * server has one connection already, its own: mote_ota_mqtt() (mote/ota.h).
 *
 * One call starts a client that keeps itself connected: it resolves the
 * host, opens TCP, sends CONNECT (with the will and credentials), subscribes
 * again after every reconnect, keeps the link alive with PINGREQ, notices a
 * dead link (nothing heard for 1.5 x keep-alive), and reconnects after a
 * randomised, growing delay (1 s doubling to 60 s, reset once a connection
 * stayed up). QoS 1 messages are kept until the broker acknowledged them and
 * sent again after a reconnect. Sessions are clean: the broker keeps nothing
 * for the device while it is away (docs/mqtt-client.md says why).
 *
 * Threads: every function may be called from any thread, including from a
 * message callback (which runs in the client's own thread: keep it short;
 * calls made from it never wait), except mote_mqtt_disconnect. Not from
 * interrupt handlers. The client's thread runs at MOTE_PRIO_MAX - 2, above
 * app threads, so a busy app does not starve the link.
 *
 *     struct mote_mqtt *m;
 *     struct mote_mqtt_config cfg = {
 *         .host = "broker.lan", .port = 1883, .client_id = "d1",
 *         .username = "d1", .password = "secret",
 *         .will_topic = "dev/d1/status", .will_message = "offline", .will_retain = true,
 *     };
 *     if (mote_mqtt_connect(&cfg, 10000, &m) == MOTE_ETIMEDOUT)
 *         printf("not connected yet: %s\n", mote_mqtt_reason_str(mote_mqtt_status(m, NULL)));
 *     mote_mqtt_subscribe(m, "dev/d1/cmd/#", 1, on_cmd, NULL);
 *     mote_mqtt_publish(m, "dev/d1/temp", "21.5", 4, 0, false, 0);
 */
#ifndef MOTE_MQTT_H
#define MOTE_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Errors besides the MOTE_E* ones of mote.h. */
#define MOTE_ENOTCONN (-107)    /* not connected now: a QoS 0 message was not sent */

/* Why the client is not (or was last not) connected. 1..5 are the broker's CONNACK codes. */
enum mote_mqtt_reason {
    MOTE_MQTT_OK = 0,               /* connected, or not tried yet */
    MOTE_MQTT_BAD_VERSION = 1,      /* the broker does not speak MQTT 3.1.1 */
    MOTE_MQTT_BAD_CLIENT_ID = 2,    /* the broker refused the client id */
    MOTE_MQTT_UNAVAILABLE = 3,      /* the broker is up but not serving (e.g. starting) */
    MOTE_MQTT_BAD_CREDENTIALS = 4,  /* wrong user name or password */
    MOTE_MQTT_NOT_AUTHORISED = 5,   /* the broker does not let this client connect */
    MOTE_MQTT_DNS = 6,              /* the host name did not resolve */
    MOTE_MQTT_TRANSPORT = 7,        /* TCP connect refused/failed, or the connection closed or reset */
    MOTE_MQTT_TIMEOUT = 8,          /* no CONNACK within the connect timeout */
    MOTE_MQTT_DEAD_LINK = 9,        /* nothing heard from the broker for 1.5 x keep-alive */
    MOTE_MQTT_PROTOCOL = 10,        /* the broker sent a malformed or unexpected packet */
    MOTE_MQTT_SEND_FAILED = 11,     /* a send on the connection failed */
    MOTE_MQTT_CLOSED = 12,          /* this side disconnected (mote_mqtt_disconnect) */
};

/* One line for a reason ("bad user name or password", ...), for logs and the shell. */
const char *mote_mqtt_reason_str(int reason);

enum mote_mqtt_state {
    MOTE_MQTT_STOPPED,      /* disconnected by the app */
    MOTE_MQTT_WAITING,      /* waiting to try again (retry_in_ms) after a failure */
    MOTE_MQTT_CONNECTING,   /* resolving, opening TCP, waiting for CONNACK or SUBACKs */
    MOTE_MQTT_CONNECTED,    /* CONNACK accepted and every subscription answered */
};

struct mote_mqtt_config {
    const char *host;           /* name (resolved with DNS) or dotted IPv4 address */
    uint16_t port;              /* 0: 1883 */
    const char *client_id;      /* required; brokers accept 1-23 of [0-9a-zA-Z] at least */
    const char *username;       /* NULL: none */
    const char *password;       /* NULL: none (needs a username) */
    const char *will_topic;     /* NULL: no last will */
    const char *will_message;   /* published by the broker if the link dies without DISCONNECT */
    int will_qos;               /* 0 or 1 */
    bool will_retain;
    uint16_t keepalive_s;       /* 0: 60 s */
    uint32_t connect_timeout_ms;/* TCP + CONNACK; 0: 10 s */
    size_t max_message;         /* the largest incoming message (topic + payload) taken; 0: 1024.
                                   Larger ones are refused whole, never truncated (stats.too_big) */
    size_t queue_bytes;         /* room for QoS 1 messages waiting for their PUBACK; 0: 2048 */
};

/* What the device received on a subscription: runs in the client's thread. */
struct mote_mqtt_message {
    const char *topic;          /* not NUL-terminated */
    size_t topic_len;
    const void *payload;
    size_t len;
    int qos;
    bool retain;                /* a retained message sent on subscribe */
};
/* Valid only during the call: copy what must outlive it. */
typedef void (*mote_mqtt_handler)(const struct mote_mqtt_message *msg, void *arg);

struct mote_mqtt;               /* one client (opaque) */

/*
 * Start a client for `cfg` (strings are copied) and wait up to `timeout_ms`
 * for its first connection. Returns 0 when connected; MOTE_ETIMEDOUT when
 * not yet: the client keeps trying in the background and *out is valid
 * (mote_mqtt_status tells why it is not connected, e.g. bad credentials);
 * MOTE_EINVAL for a bad config (*out is NULL); MOTE_ENOMEM.
 */
int mote_mqtt_connect(const struct mote_mqtt_config *cfg, uint32_t timeout_ms,
                      struct mote_mqtt **out);

/*
 * Publish `len` bytes to `topic` (no wildcards). QoS 0 is sent now or not at
 * all (MOTE_ENOTCONN while disconnected). QoS 1 is queued, sent as soon as
 * connected, and re-sent after a reconnect until the broker acknowledges it;
 * when the queue is full the call waits up to `timeout_ms` for room
 * (MOTE_ETIMEDOUT; MOTE_EAGAIN with 0). MOTE_EINVAL: bad topic, qos > 1, or a
 * message larger than the whole queue. Returns 0 once sent (QoS 0) or queued (QoS 1).
 */
int mote_mqtt_publish(struct mote_mqtt *m, const char *topic, const void *payload, size_t len,
                      int qos, bool retain, uint32_t timeout_ms);

/*
 * Call `fn(msg, arg)` for every message on topics matching `filter` ('+' one
 * level, '#' the rest), delivered at up to `qos` (0 or 1). Kept across
 * reconnects. A QoS 1 message is acknowledged when fn returns; it may come
 * twice (at least once). A message matching several filters is given to each.
 * Returns 0 (the broker's answer comes later: mote_mqtt_status's
 * subs_refused counts refusals), MOTE_EINVAL, MOTE_ENOMEM (too many).
 */
int mote_mqtt_subscribe(struct mote_mqtt *m, const char *filter, int qos, mote_mqtt_handler fn,
                        void *arg);
/* Stop a subscription made with exactly this filter: 0 or MOTE_ENOENT. */
int mote_mqtt_unsubscribe(struct mote_mqtt *m, const char *filter);

struct mote_mqtt_status {
    enum mote_mqtt_state state;
    int reason;                 /* enum mote_mqtt_reason: why the last connection ended or failed */
    uint32_t retry_in_ms;       /* WAITING: time to the next attempt */
    uint32_t connected_ms;      /* CONNECTED: for how long */
    uint32_t queued;            /* QoS 1 messages not yet acknowledged */
    uint32_t connects, refusals, drops;      /* CONNACKs accepted, refused; connections lost */
    uint32_t sent, received, too_big, subs_refused;
};
/* Fill *st (if not NULL) and return st->reason; callable at any time. */
int mote_mqtt_status(struct mote_mqtt *m, struct mote_mqtt_status *st);

/*
 * Send DISCONNECT (so the broker discards the will), close, stop the
 * client's thread and free it. QoS 1 messages still queued are dropped;
 * wait for status.queued == 0 first to avoid that. Returns 0.
 */
int mote_mqtt_disconnect(struct mote_mqtt *m);

#endif
