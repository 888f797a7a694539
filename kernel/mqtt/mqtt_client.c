/*
 * mqtt_client.c - the MQTT 3.1.1 client session (mqtt.h): connect,
 * subscribe, publish QoS 0/1 both ways, keep-alive, reconnect with backoff.
 * A pure state machine over the callbacks in struct mqtt_env, with the
 * time passed in; compiled into the kernel and the host tests.
 */
#include <mote.h>
#include "mqtt.h"

/* Session states, in order: everything from MQ_SUBSCRIBING on has had its CONNACK. */
enum { MQ_STOPPED, MQ_WAITING, MQ_OPENING, MQ_CONNECTING, MQ_SUBSCRIBING, MQ_UP };

/* Store entries: [id:2][flags:1][qos:1][len:4, big-endian][len bytes]. */
#define ENT_HDR 8
#define ENT_SENT 1      /* in-flight: sent at least once, so a re-send carries DUP */
#define ENT_PENDING 1   /* subscription: SUBSCRIBE sent, SUBACK awaited */
#define DUP_BIT 0x08    /* in a PUBLISH's first byte */

static uint16_t ent_id(const uint8_t *e)
{
    return (uint16_t)(e[0] << 8 | e[1]);
}

static size_t ent_len(const uint8_t *e)
{
    return (size_t)e[4] << 24 | (size_t)e[5] << 16 | (size_t)e[6] << 8 | e[7];
}

/* The entry with these bytes (p != NULL), else the one with this id; NULL if none. */
static __attribute__((noinline)) uint8_t *store_find(const struct mqtt_store *s, uint16_t id, const void *p, size_t n)
{
    for (size_t o = 0; o < s->used; o += ENT_HDR + ent_len(s->buf + o)) {
        uint8_t *e = s->buf + o;
        if (p ? ent_len(e) == n && !memcmp(e + ENT_HDR, p, n) : ent_id(e) == id)
            return e;
    }
    return NULL;
}

/* Append an entry with room for n bytes; NULL if the store is too full. */
static uint8_t *store_add(struct mqtt_store *s, uint16_t id, uint8_t qos, size_t n)
{
    if (s->size - s->used < ENT_HDR || s->size - s->used - ENT_HDR < n)
        return NULL;
    uint8_t *e = s->buf + s->used;
    e[0] = (uint8_t)(id >> 8);
    e[1] = (uint8_t)id;
    e[2] = 0;
    e[3] = qos;
    for (int i = 0; i < 4; i++)
        e[4 + i] = (uint8_t)(n >> (24 - 8 * i));
    s->used += ENT_HDR + n;
    return e;
}

static void store_remove(struct mqtt_store *s, uint8_t *e)
{
    size_t size = ENT_HDR + ent_len(e), off = (size_t)(e - s->buf);
    memmove(e, e + size, s->used - off - size);
    s->used -= size;
}

/* A packet id no stored message or subscription uses; 0 if all are taken. */
static __attribute__((noinline)) uint16_t new_id(struct mqtt_client *c)
{
    for (uint32_t tries = 0; tries < 0xffff; tries++) {
        if (++c->next_id == 0)
            c->next_id = 1;
        if (!store_find(&c->inflight, c->next_id, NULL, 0) &&
            !store_find(&c->subs, c->next_id, NULL, 0))
            return c->next_id;
    }
    return 0;
}

static __attribute__((noinline)) void emit(struct mqtt_client *c, struct mqtt_event ev)
{
    if (c->env.on_event)
        c->env.on_event(c->env.ctx, &ev);
}

/* The next reconnect delay: uniform in [0, min(max, min_delay * 2^attempt)] (full jitter). */
static uint32_t backoff(struct mqtt_client *c)
{
    uint64_t ceiling = (uint64_t)c->cfg.backoff_min_ms << c->attempt;
    if (ceiling > c->cfg.backoff_max_ms)
        ceiling = c->cfg.backoff_max_ms;
    else
        c->attempt++;
    return (uint32_t)(c->env.random32(c->env.ctx) % (ceiling + 1));
}

/*
 * The current attempt or connection is over (its transport already closed
 * or never opened): stay stopped, or wait for the next attempt; tell the app.
 */
static __attribute__((noinline)) void settle(struct mqtt_client *c, uint64_t now, int reason, int stop)
{
    uint32_t delay = 0;
    if (c->state >= MQ_SUBSCRIBING && reason != MOTE_MQTT_CLOSED)
        c->stats.drops++;
    if (c->up_since && now - c->up_since >= c->cfg.stable_ms)
        c->attempt = 0;         /* that one stayed up: start again from the shortest delay */
    c->up_since = 0;
    c->reason = reason;
    c->state = stop ? MQ_STOPPED : MQ_WAITING;
    if (!stop) {
        delay = backoff(c);
        c->deadline = now + delay;
    }
    emit(c, (struct mqtt_event){ .kind = MQTT_EV_DOWN, .reason = reason, .retry_ms = delay });
}

/* Close an opened transport and settle. */
static __attribute__((noinline)) void leave(struct mqtt_client *c, uint64_t now, int reason, int stop)
{
    c->gen++;
    c->env.close(c->env.ctx);
    settle(c, now, reason, stop);
}

/* Send one piece of a packet (more: the rest follows). 0, or MOTE_ENOTCONN after dropping the link. */
static __attribute__((noinline)) int out(struct mqtt_client *c, const void *buf, size_t len, int more, uint64_t now)
{
    int r = c->env.send(c->env.ctx, buf, len, more);
    if (r < 0 || (size_t)r != len) {
        leave(c, now, MOTE_MQTT_SEND_FAILED, 0);
        return MOTE_ENOTCONN;
    }
    c->last_tx = now;
    return 0;
}

static void do_open(struct mqtt_client *c, uint64_t now)
{
    uint32_t gen = ++c->gen;
    c->state = MQ_OPENING;
    c->deadline = now + c->cfg.connect_timeout_ms;
    if (c->env.open(c->env.ctx) < 0 && c->gen == gen)
        settle(c, now, MOTE_MQTT_TRANSPORT, 0);     /* nothing opened: nothing to close */
}

/*
 * Send SUBSCRIBE for the subscriptions from store offset `from` on: as many
 * as fit in tx (up to SUB_BATCH) share one packet and its id, each entry
 * remembering its place (flags >> 1) for the SUBACK's return codes. One
 * round trip for a session's subscriptions instead of one each. Returns
 * the offset after the last one sent.
 */
#define SUB_BATCH 16
static __attribute__((noinline)) size_t send_subscribes(struct mqtt_client *c, size_t from, int all, uint64_t now)
{
    struct mqtt_filter f[SUB_BATCH];
    uint8_t *ents[SUB_BATCH];
    uint16_t id = new_id(c);
    size_t o = from;
    int n = 0, len = 0;
    while (n < SUB_BATCH && o < c->subs.used && (all || n == 0)) {
        uint8_t *e = c->subs.buf + o;
        f[n] = (struct mqtt_filter){ (const char *)e + ENT_HDR, (uint16_t)ent_len(e), e[3] };
        if (mqtt_encode_subscribe(c->tx, c->tx_size, id, f, (size_t)n + 1) < 0)
            break;                  /* each fits alone (checked when added): n > 0 here */
        ents[n++] = e;
        o += ENT_HDR + ent_len(e);
    }
    len = mqtt_encode_subscribe(c->tx, c->tx_size, id, f, (size_t)n);
    if (len < 0)
        return c->subs.used;
    for (int i = 0; i < n; i++) {
        ents[i][0] = (uint8_t)(id >> 8);
        ents[i][1] = (uint8_t)id;
        ents[i][2] = (uint8_t)(ENT_PENDING | i << 1);
    }
    out(c, c->tx, (size_t)len, 0, now);
    return o;
}

/* After CONNACK: up once no SUBACK is awaited. */
static __attribute__((noinline)) void check_ready(struct mqtt_client *c, uint8_t session_present)
{
    if (c->state != MQ_SUBSCRIBING)
        return;
    for (size_t o = 0; o < c->subs.used; o += ENT_HDR + ent_len(c->subs.buf + o))
        if (c->subs.buf[o + 2] & ENT_PENDING)
            return;
    c->state = MQ_UP;
    emit(c, (struct mqtt_event){ .kind = MQTT_EV_UP, .session_present = session_present });
}

static void connack(struct mqtt_client *c, const struct mqtt_packet *p, uint64_t now)
{
    uint32_t gen = c->gen;
    if (p->rc) {
        c->stats.refusals++;
        leave(c, now, p->rc, 0);    /* the broker's reason, 1..5, is a mote_mqtt_reason */
        return;
    }
    c->stats.connects++;
    c->state = MQ_SUBSCRIBING;
    c->up_since = now;
    c->reason = MOTE_MQTT_OK;
    memset(c->seen, 0, sizeof(c->seen));
    for (size_t o = 0; o < c->subs.used && c->gen == gen;)
        o = send_subscribes(c, o, 1, now);
    /* Unacknowledged QoS 1 messages, oldest first [MQTT-4.6.0-1]; DUP on those sent before. */
    for (size_t o = 0; o < c->inflight.used && c->gen == gen;
         o += ENT_HDR + ent_len(c->inflight.buf + o)) {
        uint8_t *e = c->inflight.buf + o;
        if ((e[2] & ENT_SENT) && !(c->cfg.fresh_resend && c->cfg.connect.clean_session))
            e[ENT_HDR] |= DUP_BIT;
        e[2] |= ENT_SENT;
        out(c, e + ENT_HDR, ent_len(e), 0, now);
    }
    if (c->gen == gen)
        check_ready(c, p->session_present);
}

/* The pending subscription with this packet id and place in its SUBSCRIBE; NULL if none. */
static uint8_t *pending_sub(struct mqtt_client *c, uint16_t id, size_t place)
{
    for (size_t o = 0; o < c->subs.used; o += ENT_HDR + ent_len(c->subs.buf + o)) {
        uint8_t *e = c->subs.buf + o;
        if (ent_id(e) == id && (e[2] & ENT_PENDING) && (size_t)(e[2] >> 1) == place)
            return e;
    }
    return NULL;
}

/* SUBACK: return code i answers the i-th filter of that SUBSCRIBE (gone ones: unsubscribed meanwhile). */
static void suback(struct mqtt_client *c, const struct mqtt_packet *p)
{
    uint32_t gen = c->gen;
    for (size_t i = 0; i < p->payload_len && c->gen == gen; i++) {
        uint8_t *e = pending_sub(c, p->id, i);
        if (!e)
            continue;
        e[2] = 0;
        int granted = p->payload[i] == MQTT_SUBACK_FAILURE ? -1 : p->payload[i];
        if (granted < 0)
            c->stats.subs_refused++;
        emit(c, (struct mqtt_event){ .kind = MQTT_EV_SUBACK, .granted = granted,
                                     .topic = (const char *)e + ENT_HDR, .topic_len = ent_len(e) });
    }
    if (c->gen == gen)
        check_ready(c, 0);
}

/* An application message: deliver, then PUBACK a QoS 1 one. */
static void publish_in(struct mqtt_client *c, const struct mqtt_packet *p, uint64_t now)
{
    uint32_t gen = c->gen;
    int dup = 0;
    for (int i = 0; p->qos && p->dup && i < 8; i++)
        dup |= c->seen[i] == p->id;     /* a re-send of one delivered on this connection */
    c->stats.received++;
    if (dup) {
        c->stats.dups_dropped++;
    } else {
        struct mqtt_message m = { p->topic, p->topic_len, p->payload, p->payload_len,
                                  p->qos, p->retain, p->dup };
        c->env.on_message(c->env.ctx, &m);
    }
    if (!p->qos || c->gen != gen)
        return;                     /* the callback ended this connection: no PUBACK on the next */
    c->seen[c->seen_next++ & 7] = p->id;
    uint8_t ack[4];
    mqtt_encode_puback(ack, sizeof(ack), p->id);
    out(c, ack, sizeof(ack), 0, now);
}

/* A packet longer than rx was skipped: a PUBLISH is refused (acknowledged), anything else is an error. */
static void too_big(struct mqtt_client *c, const struct mqtt_packet *p, uint64_t now)
{
    uint32_t gen = c->gen;
    if (p->type != MQTT_PUBLISH || p->qos > 1 || (p->qos && !p->id) || c->state < MQ_SUBSCRIBING) {
        leave(c, now, MOTE_MQTT_PROTOCOL, 0);
        return;
    }
    c->stats.too_big++;
    emit(c, (struct mqtt_event){ .kind = MQTT_EV_TOO_BIG, .topic = p->topic,
                                 .topic_len = p->topic_len, .len = p->len });
    if (p->qos && c->gen == gen) {
        uint8_t ack[4];
        mqtt_encode_puback(ack, sizeof(ack), p->id);
        out(c, ack, sizeof(ack), 0, now);
    }
}

static void handle(struct mqtt_client *c, const struct mqtt_packet *p, uint64_t now)
{
    /* CONNACK comes first and only once [MQTT-3.2.0-1] */
    if ((p->type == MQTT_CONNACK) != (c->state == MQ_CONNECTING)) {
        leave(c, now, MOTE_MQTT_PROTOCOL, 0);
        return;
    }
    uint8_t *e;
    switch (p->type) {
    case MQTT_CONNACK:
        connack(c, p, now);
        return;
    case MQTT_PUBLISH:
        if (p->qos > 1)
            break;                  /* we subscribe at QoS 1 at most */
        publish_in(c, p, now);
        return;
    case MQTT_PUBACK:
        e = store_find(&c->inflight, p->id, NULL, 0);
        if (e) {
            store_remove(&c->inflight, e);
            emit(c, (struct mqtt_event){ .kind = MQTT_EV_PUBACK, .id = p->id });
        }
        return;
    case MQTT_SUBACK:
        suback(c, p);
        return;
    case MQTT_UNSUBACK:
        return;
    case MQTT_PINGRESP:
        c->ping_out = 0;
        return;
    default:
        break;                      /* PUBREC, PUBREL, PUBCOMP: we never use QoS 2 */
    }
    leave(c, now, MOTE_MQTT_PROTOCOL, 0);
}

int mqtt_client_init(struct mqtt_client *c, const struct mqtt_config *cfg,
                     const struct mqtt_env *env, const struct mqtt_buffers *b)
{
    memset(c, 0, sizeof(*c));
    c->cfg = *cfg;
    if (!c->cfg.connect_timeout_ms)
        c->cfg.connect_timeout_ms = 10000;
    if (!c->cfg.backoff_min_ms)
        c->cfg.backoff_min_ms = 1000;
    if (!c->cfg.backoff_max_ms)
        c->cfg.backoff_max_ms = 60000;
    if (!c->cfg.stable_ms)
        c->cfg.stable_ms = 10000;
    c->env = *env;
    c->tx = b->tx;
    c->tx_size = b->tx_size;
    c->inflight = (struct mqtt_store){ b->inflight, b->inflight_size, 0 };
    c->subs = (struct mqtt_store){ b->subs, b->subs_size, 0 };
    mqtt_decoder_init(&c->dec, b->rx, b->rx_size);
    if (b->rx_size < 16)
        return MOTE_ENOMEM;
    int n = mqtt_encode_connect(c->tx, c->tx_size, &c->cfg.connect);
    return n < 0 ? n : 0;
}

void mqtt_client_start(struct mqtt_client *c, uint64_t now)
{
    if (c->state == MQ_STOPPED) {
        c->attempt = 0;
        do_open(c, now);
    }
}

/* DISCONNECT if connected (best effort), then close and settle. */
static void end(struct mqtt_client *c, uint64_t now, int stop)
{
    if (c->state >= MQ_SUBSCRIBING) {
        uint8_t d[2];
        mqtt_encode_disconnect(d, sizeof(d));
        c->env.send(c->env.ctx, d, sizeof(d), 0);
    }
    if (c->state >= MQ_OPENING)
        leave(c, now, MOTE_MQTT_CLOSED, stop);
    else if (stop)
        c->state = MQ_STOPPED;
}

void mqtt_client_stop(struct mqtt_client *c, uint64_t now)
{
    end(c, now, 1);
}

void mqtt_client_reconnect(struct mqtt_client *c, uint64_t now)
{
    end(c, now, 0);
}

void mqtt_client_transport_up(struct mqtt_client *c, uint64_t now)
{
    if (c->state != MQ_OPENING)
        return;
    c->state = MQ_CONNECTING;
    mqtt_decoder_init(&c->dec, c->dec.buf, c->dec.cap);
    c->last_rx = now;
    c->ping_out = 0;
    int n = mqtt_encode_connect(c->tx, c->tx_size, &c->cfg.connect);   /* fits: checked at init */
    out(c, c->tx, (size_t)n, 0, now);
}

void mqtt_client_transport_down(struct mqtt_client *c, uint64_t now, int reason)
{
    if (c->state >= MQ_OPENING)
        leave(c, now, reason ? reason : MOTE_MQTT_TRANSPORT, 0);
}

void mqtt_client_input(struct mqtt_client *c, const void *bytes, size_t n, uint64_t now)
{
    const uint8_t *in = bytes;
    uint32_t gen = c->gen;
    if (c->state < MQ_CONNECTING)
        return;                     /* late bytes of a connection already given up */
    c->last_rx = now;
    while (n && c->gen == gen) {
        struct mqtt_packet p;
        size_t used;
        int r = mqtt_decoder_feed(&c->dec, in, n, &used, &p);
        in += used;
        n -= used;
        if (r == 1)
            handle(c, &p, now);
        else if (r == MQTT_ETOOBIG)
            too_big(c, &p, now);
        else if (r < 0)
            leave(c, now, MOTE_MQTT_PROTOCOL, 0);
    }
}

/* Connected: when the link counts as dead, and when the next PINGREQ is due. */
static void keepalive_times(const struct mqtt_client *c, uint64_t *dead, uint64_t *ping)
{
    uint64_t ka = (uint64_t)c->cfg.connect.keepalive_s * 1000;
    uint64_t quiet = c->last_tx < c->last_rx ? c->last_tx : c->last_rx;
    *dead = c->last_rx + ka + ka / 2;
    *ping = (c->ping_out ? c->last_tx : quiet) + ka;
}

uint64_t mqtt_client_next_deadline(const struct mqtt_client *c)
{
    uint64_t dead, ping;
    if (c->state == MQ_STOPPED)
        return UINT64_MAX;
    if (c->state < MQ_SUBSCRIBING)
        return c->deadline;
    if (!c->cfg.connect.keepalive_s)
        return UINT64_MAX;
    keepalive_times(c, &dead, &ping);
    return dead < ping ? dead : ping;
}

void mqtt_client_timer(struct mqtt_client *c, uint64_t now)
{
    uint64_t dead, ping;
    if (now < mqtt_client_next_deadline(c))
        return;
    if (c->state == MQ_WAITING) {
        do_open(c, now);
    } else if (c->state < MQ_SUBSCRIBING) {
        leave(c, now, MOTE_MQTT_TIMEOUT, 0);
    } else {
        keepalive_times(c, &dead, &ping);
        if (now >= dead) {
            leave(c, now, MOTE_MQTT_DEAD_LINK, 0);
        } else if (now >= ping) {
            uint8_t req[2];
            mqtt_encode_pingreq(req, sizeof(req));
            c->ping_out = 1;
            c->stats.pings++;
            out(c, req, sizeof(req), 0, now);
        }
    }
}

int mqtt_client_publish(struct mqtt_client *c, const char *topic, size_t topic_len,
                        const void *payload, size_t len, int qos, int retain, uint64_t now)
{
    if (qos < 0 || qos > 1 || !mqtt_topic_valid(topic, topic_len))
        return MOTE_EINVAL;
    struct mqtt_publish p = { topic, (uint16_t)topic_len, payload, len, (uint8_t)qos,
                              (uint8_t)(retain ? 1 : 0), 0, 0 };
    uint64_t rem = 2 + (uint64_t)topic_len + 2 * (unsigned)qos + len;
    if (rem > MQTT_MAX_REMAINING)
        return MOTE_EINVAL;
    if (!qos) {
        if (c->state < MQ_SUBSCRIBING)
            return MOTE_ENOTCONN;
        int hs = mqtt_encode_publish_header(c->tx, c->tx_size, &p);
        if (hs < 0)
            return hs;
        c->stats.sent++;
        if (len <= c->tx_size - (size_t)hs) {
            if (len)
                memcpy(c->tx + hs, payload, len);
            return out(c, c->tx, (size_t)hs + len, 0, now);
        }
        int r = out(c, c->tx, (size_t)hs, 1, now);
        return r ? r : out(c, payload, len, 0, now);
    }
    size_t need = 1 + (size_t)mqtt_length_size((uint32_t)rem) + (size_t)rem;
    if (need > c->inflight.size || c->inflight.size - need < ENT_HDR)
        return MOTE_ENOMEM;         /* could never be held */
    p.id = new_id(c);
    uint8_t *e = p.id ? store_add(&c->inflight, p.id, 1, need) : NULL;
    if (!e)
        return MOTE_EAGAIN;
    mqtt_encode_publish(e + ENT_HDR, need, &p);
    c->stats.sent++;
    if (c->state >= MQ_SUBSCRIBING) {
        e[2] |= ENT_SENT;
        out(c, e + ENT_HDR, need, 0, now);  /* if this fails it goes again after the reconnect */
    }
    return p.id;
}

int mqtt_client_subscribe(struct mqtt_client *c, const char *filter, size_t len, int qos,
                          uint64_t now)
{
    if (qos < 0 || qos > 1 || !mqtt_filter_valid(filter, len))
        return MOTE_EINVAL;
    uint32_t rem = (uint32_t)len + 5;   /* id, length, filter, QoS */
    if (1 + (size_t)mqtt_length_size(rem) + rem > c->tx_size)
        return MOTE_ENOMEM;
    uint8_t *e = store_find(&c->subs, 0, filter, len);
    if (!e) {
        e = store_add(&c->subs, 0, 0, len);
        if (!e)
            return MOTE_ENOMEM;
        memcpy(e + ENT_HDR, filter, len);
    }
    e[3] = (uint8_t)qos;
    if (c->state >= MQ_SUBSCRIBING)
        send_subscribes(c, (size_t)(e - c->subs.buf), 0, now);
    return 0;
}

int mqtt_client_unsubscribe(struct mqtt_client *c, const char *filter, size_t len, uint64_t now)
{
    uint8_t *e = store_find(&c->subs, 0, filter, len);
    if (!e)
        return MOTE_ENOENT;
    int n = 0;
    if (c->state >= MQ_SUBSCRIBING) {
        struct mqtt_filter f = { (const char *)e + ENT_HDR, (uint16_t)len, 0 };
        n = mqtt_encode_unsubscribe(c->tx, c->tx_size, new_id(c), &f, 1);
    }
    store_remove(&c->subs, e);
    if (n > 0)
        out(c, c->tx, (size_t)n, 0, now);
    if (c->state == MQ_SUBSCRIBING)
        check_ready(c, 0);
    return 0;
}

int mqtt_client_state(const struct mqtt_client *c)
{
    static const uint8_t map[] = { MOTE_MQTT_STOPPED, MOTE_MQTT_WAITING, MOTE_MQTT_CONNECTING,
                                   MOTE_MQTT_CONNECTING, MOTE_MQTT_CONNECTING, MOTE_MQTT_CONNECTED };
    return map[c->state];
}

unsigned mqtt_client_queued(const struct mqtt_client *c)
{
    unsigned n = 0;
    for (size_t o = 0; o < c->inflight.used; o += ENT_HDR + ent_len(c->inflight.buf + o))
        n++;
    return n;
}

const char *mqtt_reason_str(int reason)
{
    static const char *const text[] = {
        "ok", "broker refused the protocol version", "broker refused the client id",
        "broker unavailable", "bad user name or password", "not authorised",
        "host name did not resolve", "connection failed or closed",
        "no answer to CONNECT in time", "dead link: nothing heard for 1.5x keep-alive",
        "broker broke the protocol", "send failed", "closed by this side",
    };
    if (reason < 0 || reason >= (int)(sizeof(text) / sizeof(text[0])))
        return "unknown";
    return text[reason];
}
