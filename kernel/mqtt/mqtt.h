/*
 * mqtt.h - the MQTT client session (kernel/mqtt/): what the rest of the
 * kernel (the OTA agent, the shell, the mote/mqtt.h glue) uses.
 *
 * A pure state machine: it never blocks, allocates or reads a clock. The
 * transport is a set of callbacks (struct mqtt_env); the caller passes the
 * time into every call, feeds received bytes in, and calls
 * mqtt_client_timer() at mqtt_client_next_deadline(). Calls are not
 * thread-safe: one thread (the connection's) makes them, or a lock is held.
 * Callbacks may call back into the client (publish from on_message, stop
 * from on_event), except mqtt_client_input.
 *
 * Behaviour (docs/mqtt-client.md):
 * - CONNECT with clean session (or not: config), will and credentials on
 *   every transport_up; a refused CONNACK reports the broker's reason and
 *   backs off like any failure.
 * - Subscriptions live in the client and are sent again after each CONNACK;
 *   MQTT_EV_UP comes once CONNACK and every SUBACK arrived.
 * - QoS 1 out: kept in the in-flight store until PUBACK; after a reconnect
 *   re-sent first, in order, with DUP set. QoS 1 in: PUBACK once on_message
 *   returned; a DUP re-send of a message already delivered on this
 *   connection is acknowledged but not delivered again.
 * - Keep-alive: PINGREQ when nothing was sent or nothing heard for
 *   keep-alive; nothing heard for 1.5 x keep-alive is a dead link.
 * - Reconnect after min(max, min_delay * 2^n) ms times a uniform random
 *   factor in [0, 1] (full jitter); n goes back to 0 after a connection that
 *   stayed up stable_ms.
 * - A PUBLISH larger than the receive buffer is skipped whole (acknowledged
 *   if QoS 1, reported as MQTT_EV_TOO_BIG), the connection kept. Any other
 *   oversize, malformed or unexpected packet drops the connection.
 */
#ifndef MQTT_H
#define MQTT_H

#include <stddef.h>
#include <stdint.h>
#include <mote/mqtt.h>
#include "mqtt_codec.h"

/* A received application message; pointers valid during on_message only. */
struct mqtt_message {
    const char *topic;
    size_t topic_len;
    const uint8_t *payload;
    size_t len;
    uint8_t qos, retain, dup;
};

enum mqtt_event_kind {
    MQTT_EV_UP,         /* connected and subscribed: session_present */
    MQTT_EV_DOWN,       /* the connection ended or an attempt failed: reason, retry_ms */
    MQTT_EV_SUBACK,     /* the broker answered a subscription: topic (the filter), granted */
    MQTT_EV_PUBACK,     /* a QoS 1 publish (id as mqtt_client_publish returned) was acknowledged */
    MQTT_EV_TOO_BIG,    /* an incoming message larger than the receive buffer was refused: topic (NULL if unknown), len */
};

struct mqtt_event {
    int kind;
    int reason;             /* DOWN: enum mote_mqtt_reason */
    uint32_t retry_ms;      /* DOWN: delay before the next attempt (0 when stopped) */
    uint16_t id;            /* PUBACK */
    int granted;            /* SUBACK: granted QoS, or -1 if refused */
    const char *topic;      /* SUBACK (valid until subscriptions change), TOO_BIG (NULL: did not fit) */
    size_t topic_len;
    size_t len;             /* TOO_BIG: the packet's remaining length */
    uint8_t session_present;/* UP */
};

struct mqtt_env {
    /* Start opening the transport; answer later with transport_up/_down (or
     * from inside this call). <0: failed at once (no close follows). */
    int (*open)(void *ctx);
    /* Take all len bytes (blocking until queued is fine) or fail: returns
     * len, anything else drops the connection. more: another piece of the
     * same packet follows at once (a hint to cork). */
    int (*send)(void *ctx, const void *buf, size_t len, int more);
    /* Release the transport: called exactly once for each open() that did not fail. */
    void (*close)(void *ctx);
    uint32_t (*random32)(void *ctx);                                /* backoff jitter */
    void (*on_message)(void *ctx, const struct mqtt_message *m);   /* required */
    void (*on_event)(void *ctx, const struct mqtt_event *ev);       /* may be NULL */
    void *ctx;
};

struct mqtt_config {
    struct mqtt_connect connect;    /* client id, keep-alive, clean session, will, credentials:
                                       the pointers must stay valid while the client exists */
    uint32_t connect_timeout_ms;    /* open() to CONNACK; 0: 10 s */
    uint32_t backoff_min_ms;        /* 0: 1 s */
    uint32_t backoff_max_ms;        /* 0: 60 s */
    uint32_t stable_ms;             /* a connection up this long resets the backoff; 0: 10 s */
    /*
     * After a clean-session reconnect, re-send unacknowledged QoS 1 messages
     * without DUP: to the new session they are new publications (DUP is for a
     * resumed session, [MQTT-4.4.0-1]), and Moquette 0.17 kills a whole
     * session loop on a DUP PUBLISH it has no record of (retain(0) in
     * PostOffice.publish2Subscribers). Off: DUP as before.
     */
    uint8_t fresh_resend;
};

/*
 * The client's memory, all given at init (RAM budget: docs/mqtt-client.md).
 * rx: the largest incoming packet body (remaining length: 2 + topic + 2 +
 * payload for a PUBLISH). tx: outgoing packets except QoS 1 PUBLISHes (must
 * hold CONNECT; a QoS 0 payload that does not fit is sent as a second piece).
 * inflight: QoS 1 messages until PUBACK, each as its encoded packet + 8 bytes.
 * subs: the subscriptions, each its filter + 8 bytes.
 */
struct mqtt_buffers {
    uint8_t *rx, *tx, *inflight, *subs;
    size_t rx_size, tx_size, inflight_size, subs_size;
};

/* A byte store of entries [id:2][flags:1][qos:1][len:4][bytes], oldest first. */
struct mqtt_store {
    uint8_t *buf;
    size_t size, used;
};

/* Counters, apart from the state machine. */
struct mqtt_stats {
    uint32_t connects, refusals, drops, pings, sent, received, dups_dropped, too_big,
             subs_refused;
};

struct mqtt_client {
    struct mqtt_config cfg;
    struct mqtt_env env;
    struct mqtt_decoder dec;
    uint8_t *tx;
    size_t tx_size;
    struct mqtt_store inflight, subs;
    int state;              /* MQ_* in mqtt_client.c */
    int reason;             /* why the last connection ended (enum mote_mqtt_reason) */
    uint64_t deadline;      /* WAITING: the next attempt; OPENING/CONNECTING: give up */
    uint64_t last_tx, last_rx, up_since;
    uint32_t gen;           /* counts connection attempts: a callback that dropped the link changes it */
    uint16_t next_id;
    uint8_t attempt;        /* backoff exponent */
    uint8_t ping_out;       /* a PINGREQ awaits its PINGRESP */
    uint16_t seen[8];       /* QoS 1 ids delivered on this connection (duplicate filter) */
    uint8_t seen_next;
    struct mqtt_stats stats;
};

/*
 * Set up a stopped client. Checks the config by encoding its CONNECT into
 * tx: MOTE_EINVAL (bad fields), MOTE_ENOMEM (tx too small, or rx < 16).
 */
int mqtt_client_init(struct mqtt_client *c, const struct mqtt_config *cfg,
                     const struct mqtt_env *env, const struct mqtt_buffers *b);
/* Start connecting now (a stopped client; otherwise nothing). */
void mqtt_client_start(struct mqtt_client *c, uint64_t now);
/* DISCONNECT if connected (the broker drops the will), close, stay stopped. Keeps queued QoS 1 messages. */
void mqtt_client_stop(struct mqtt_client *c, uint64_t now);
/* DISCONNECT if connected, close, and connect again after the backoff delay (e.g. to re-synchronise a peer). */
void mqtt_client_reconnect(struct mqtt_client *c, uint64_t now);

/* The transport opened by env.open is ready: send CONNECT. */
void mqtt_client_transport_up(struct mqtt_client *c, uint64_t now);
/* The transport failed or closed: reason MOTE_MQTT_TRANSPORT or MOTE_MQTT_DNS. */
void mqtt_client_transport_down(struct mqtt_client *c, uint64_t now, int reason);
/* Bytes received on the transport, any split. */
void mqtt_client_input(struct mqtt_client *c, const void *bytes, size_t n, uint64_t now);
/* Act on what is due at `now` (retry, timeouts, PINGREQ, dead link). */
void mqtt_client_timer(struct mqtt_client *c, uint64_t now);
/* When mqtt_client_timer must run next; UINT64_MAX: only when something else happens. */
uint64_t mqtt_client_next_deadline(const struct mqtt_client *c);

/*
 * Publish. QoS 0: sent now, 0, or MOTE_ENOTCONN when not connected. QoS 1:
 * stored and sent now if connected (else after the next CONNACK); returns
 * its packet id (> 0, as in MQTT_EV_PUBACK); MOTE_EAGAIN when the in-flight
 * store is full now, MOTE_ENOMEM when it could never hold the message.
 * MOTE_EINVAL: invalid topic, qos > 1.
 */
int mqtt_client_publish(struct mqtt_client *c, const char *topic, size_t topic_len,
                        const void *payload, size_t len, int qos, int retain, uint64_t now);
/*
 * Subscribe to `filter` at up to `qos` (0 or 1), now if connected and after
 * every CONNACK. Subscribing again to the same filter changes its QoS.
 * 0, MOTE_EINVAL (bad filter or qos), MOTE_ENOMEM (store or tx too small).
 */
int mqtt_client_subscribe(struct mqtt_client *c, const char *filter, size_t len, int qos,
                          uint64_t now);
/* Forget a subscription (UNSUBSCRIBE now if connected): 0 or MOTE_ENOENT. */
int mqtt_client_unsubscribe(struct mqtt_client *c, const char *filter, size_t len, uint64_t now);

/* enum mote_mqtt_state of the client. */
int mqtt_client_state(const struct mqtt_client *c);
/* Messages waiting for their PUBACK. */
unsigned mqtt_client_queued(const struct mqtt_client *c);
/* The text of an enum mote_mqtt_reason. */
const char *mqtt_reason_str(int reason);

#endif
