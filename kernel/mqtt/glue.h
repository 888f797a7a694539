/*
 * glue.h - the kernel's MQTT connections: mote/mqtt.h for apps, and the
 * same connection shared with kernel services (the OTA agent). Two files:
 *
 * mqtt_app.c (pure, host-tested): an app's config turned into the
 *   session's (defaults, buffer sizes), and the table of subscription
 *   handlers that received messages are dispatched to.
 * mqtt_conn.c: one connection = the session (mqtt.h) + one TCP socket +
 *   the thread that owns both. The thread resolves the host, connects,
 *   reads the socket and runs the session's timers; every call into the
 *   session is made with the connection's lock held, and the callbacks of
 *   a service and the handlers run in that thread with the lock held.
 *   Calls of mote/mqtt.h made from that thread (a handler publishing)
 *   take no lock and never wait.
 */
#ifndef MQTT_GLUE_H
#define MQTT_GLUE_H

#include <stddef.h>
#include <stdint.h>
#include <mote/mqtt.h>
#include "mqtt.h"

#define MQTT_HANDLERS_MAX 8        /* subscriptions per connection */
#define MQTT_FILTER_MAX 128        /* bytes of one topic filter */
#define MQTT_APP_TX_MIN 256        /* tx besides CONNECT: SUBSCRIBE of the longest filter */
#define MQTT_APP_MAX_MESSAGE 1024  /* default largest incoming topic + payload */
#define MQTT_APP_QUEUE 2048        /* default QoS 1 queue */

/* ---- mqtt_app.c ---- */
struct mqtt_handler {
    char filter[MQTT_FILTER_MAX + 1];
    mote_mqtt_handler fn;
    void *arg;
};

struct mqtt_handlers {
    struct mqtt_handler h[MQTT_HANDLERS_MAX];
    unsigned n;
};

/* Handle `filter` with fn(arg) (replacing the handler of the same filter). 0, MOTE_EINVAL, MOTE_ENOMEM. */
int mqtt_handlers_add(struct mqtt_handlers *t, const char *filter, mote_mqtt_handler fn, void *arg);
/* Forget the handler of exactly `filter`: 0 or MOTE_ENOENT. */
int mqtt_handlers_remove(struct mqtt_handlers *t, const char *filter);
/* Give m to every handler whose filter matches its topic; returns how many took it. */
int mqtt_handlers_dispatch(const struct mqtt_handlers *t, const struct mqtt_message *m);

/* What a connection needs for an app's config. */
struct mqtt_sizes {
    size_t rx, tx, inflight, subs;
};

/*
 * Check an app's config and fill the session's (its strings point into
 * cfg: copy them first) and the buffer sizes. 0, or MOTE_EINVAL naming
 * nothing: no host, no client id, a password without a user name, a will
 * topic that is not a valid topic, will_qos > 1, a will message over 65535
 * bytes.
 */
int mqtt_app_config(const struct mote_mqtt_config *cfg, struct mqtt_config *out, struct mqtt_sizes *sz);

/* ---- mqtt_conn.c ---- */
/*
 * A kernel service sharing a connection: called in the connection's thread
 * with its lock held, so it may call mqtt_client_* on mqtt_conn_client()
 * directly. Any callback may be NULL.
 */
struct mqtt_service {
    void (*up)(void *arg, uint64_t now);        /* connected and subscribed */
    void (*down)(void *arg);                    /* the connection ended */
    void (*timer)(void *arg, uint64_t now);     /* at service deadline (or earlier) */
    uint64_t (*deadline)(void *arg);            /* UINT64_MAX: none */
    void *arg;
    /* Subscribed (QoS 1) before the connection first starts, so nothing on them is missed. */
    const char *const *filters;
    unsigned nfilters;
    mote_mqtt_handler message;                  /* for messages on those filters (arg as above) */
};

/*
 * Start a connection for cfg (strings copied) with an optional service, not
 * waiting for it: 0 and *out, MOTE_EINVAL, MOTE_ENOMEM.
 */
int mqtt_conn_start(const struct mote_mqtt_config *cfg, const struct mqtt_service *svc,
                    struct mote_mqtt **out);
/* The session, for a service's callbacks (lock held, in the connection's thread). */
struct mqtt_client *mqtt_conn_client(struct mote_mqtt *m);
/* Hold the connection's lock to read what its service keeps (not in the connection's thread). */
void mqtt_conn_lock(struct mote_mqtt *m);
void mqtt_conn_unlock(struct mote_mqtt *m);

#endif
