/*
 * mote/mqtt.h's pure half (glue.h): an app's config turned into the
 * session's, and the subscription handlers messages are dispatched to.
 * No kernel calls: compiled into the kernel and the host tests.
 */
#include <mote.h>
#include "glue.h"

/* The handler of exactly `filter`, or NULL. */
static struct mqtt_handler *find(struct mqtt_handlers *t, const char *filter)
{
    for (unsigned i = 0; i < t->n; i++)
        if (!strcmp(t->h[i].filter, filter))
            return &t->h[i];
    return NULL;
}

int mqtt_handlers_add(struct mqtt_handlers *t, const char *filter, mote_mqtt_handler fn, void *arg)
{
    size_t len = filter ? strlen(filter) : 0;
    if (!fn || !len || len > MQTT_FILTER_MAX || !mqtt_filter_valid(filter, len))
        return MOTE_EINVAL;
    struct mqtt_handler *h = find(t, filter);
    if (!h) {
        if (t->n == MQTT_HANDLERS_MAX)
            return MOTE_ENOMEM;
        h = &t->h[t->n++];
        memcpy(h->filter, filter, len + 1);
    }
    h->fn = fn;
    h->arg = arg;
    return 0;
}

int mqtt_handlers_remove(struct mqtt_handlers *t, const char *filter)
{
    struct mqtt_handler *h = filter ? find(t, filter) : NULL;
    if (!h)
        return MOTE_ENOENT;
    size_t i = (size_t)(h - t->h);
    memmove(h, h + 1, (t->n - i - 1) * sizeof(*h));
    t->n--;
    return 0;
}

/*
 * By index, re-reading the count: a handler may add or remove handlers
 * (a removed one's successor may then be skipped once, never called twice
 * for one message unless it was re-added).
 */
int mqtt_handlers_dispatch(const struct mqtt_handlers *t, const struct mqtt_message *m)
{
    struct mote_mqtt_message msg = { m->topic, m->topic_len, m->payload, m->len, m->qos,
                                     m->retain != 0 };
    int taken = 0;
    for (unsigned i = 0; i < t->n; i++) {
        const struct mqtt_handler *h = &t->h[i];
        if (mqtt_topic_match(h->filter, strlen(h->filter), m->topic, m->topic_len)) {
            h->fn(&msg, h->arg);
            taken++;
        }
    }
    return taken;
}

static size_t str_field(const char *s)
{
    return s ? 2 + strlen(s) : 0;
}

int mqtt_app_config(const struct mote_mqtt_config *cfg, struct mqtt_config *out, struct mqtt_sizes *sz)
{
    memset(out, 0, sizeof(*out));
    if (!cfg->host || !cfg->host[0] || !cfg->client_id || !cfg->client_id[0] ||
        (cfg->password && !cfg->username) || cfg->will_qos < 0 || cfg->will_qos > 1)
        return MOTE_EINVAL;
    if (cfg->will_topic &&
        (!mqtt_topic_valid(cfg->will_topic, strlen(cfg->will_topic)) ||
         (cfg->will_message && strlen(cfg->will_message) > 65535)))
        return MOTE_EINVAL;
    struct mqtt_connect *c = &out->connect;
    c->client_id = cfg->client_id;
    c->keepalive_s = cfg->keepalive_s ? cfg->keepalive_s : 60;
    c->clean_session = 1;
    c->will_topic = cfg->will_topic;
    c->will_msg = cfg->will_topic ? (cfg->will_message ? cfg->will_message : "") : NULL;
    c->will_len = (uint16_t)(c->will_msg ? strlen(c->will_msg) : 0);
    c->will_qos = (uint8_t)cfg->will_qos;
    c->will_retain = cfg->will_topic && cfg->will_retain;
    c->username = cfg->username;
    c->password = cfg->password;
    c->password_len = (uint16_t)(cfg->password ? strlen(cfg->password) : 0);
    out->connect_timeout_ms = cfg->connect_timeout_ms ? cfg->connect_timeout_ms : 10000;
    out->fresh_resend = 1;      /* clean sessions: a re-send is a new publication (mqtt.h) */
    size_t max = cfg->max_message ? cfg->max_message : MQTT_APP_MAX_MESSAGE;
    size_t queue = cfg->queue_bytes ? cfg->queue_bytes : MQTT_APP_QUEUE;
    /* CONNECT: fixed header 5, variable header 10, then each string with its length */
    size_t connect = 15 + str_field(cfg->client_id) + str_field(cfg->username) +
                     str_field(cfg->password) + str_field(cfg->will_topic) +
                     (cfg->will_topic ? 2 + c->will_len : 0);
    sz->rx = max + 4;           /* + topic length and packet id */
    sz->tx = connect > MQTT_APP_TX_MIN ? connect : MQTT_APP_TX_MIN;
    sz->inflight = queue;
    sz->subs = MQTT_HANDLERS_MAX * (8 + MQTT_FILTER_MAX);
    return 0;
}
