/* The fake transport of mqtt_fake.h. */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "mqtt_fake.h"

static int f_open(void *ctx)
{
    struct mfake *f = ctx;
    if (f->open_fail)
        return -1;
    f->opens++;
    return 0;
}

static int f_send(void *ctx, const void *buf, size_t len, int more)
{
    struct mfake *f = ctx;
    CHECK(f->opens == f->closes + 1);           /* only on an open transport */
    if (f->send_fail)
        return -1;
    if (len > sizeof(f->sent) - f->sent_len)
        return -1;
    memcpy(f->sent + f->sent_len, buf, len);
    f->sent_len += len;
    f->sends_with_more += more;
    return (int)len;
}

static void f_close(void *ctx)
{
    struct mfake *f = ctx;
    f->closes++;
    CHECK(f->closes == f->opens);               /* exactly one close per open */
}

static uint32_t f_random(void *ctx)
{
    struct mfake *f = ctx;
    if (f->rnd_max)
        return UINT32_MAX;
    f->rnd ^= f->rnd << 13;
    f->rnd ^= f->rnd >> 17;
    f->rnd ^= f->rnd << 5;
    return f->rnd;
}

static void f_message(void *ctx, const struct mqtt_message *m)
{
    struct mfake *f = ctx;
    f->msgs++;
    snprintf(f->last_msg, sizeof(f->last_msg), "%.*s=%.*s", (int)m->topic_len, m->topic,
             (int)m->len, (const char *)m->payload);
    if (f->on_msg)
        f->on_msg(f, m);
}

static void f_event(void *ctx, const struct mqtt_event *ev)
{
    struct mfake *f = ctx;
    switch (ev->kind) {
    case MQTT_EV_UP:
        f->ups++;
        break;
    case MQTT_EV_DOWN:
        f->downs++;
        f->last_reason = ev->reason;
        f->last_retry = ev->retry_ms;
        break;
    case MQTT_EV_SUBACK:
        f->subacks++;
        f->last_granted = ev->granted;
        break;
    case MQTT_EV_PUBACK:
        f->pubacks++;
        f->last_puback = ev->id;
        break;
    case MQTT_EV_TOO_BIG:
        f->too_bigs++;
        break;
    }
    if (f->on_ev)
        f->on_ev(f, ev);
}

void mfake_init(struct mfake *f, uint16_t ka_s)
{
    memset(f, 0, sizeof(*f));
    f->rnd = 0x12345678;
    struct mqtt_config cfg = {
        .connect = { .client_id = "d1", .keepalive_s = ka_s, .clean_session = 1,
                     .will_topic = "mote/dev/d1/up/status", .will_msg = "offline", .will_len = 7,
                     .will_qos = 1, .will_retain = 1, .username = "d1", .password = "pw",
                     .password_len = 2 },
    };
    struct mqtt_env env = { f_open, f_send, f_close, f_random, f_message, f_event, f };
    struct mqtt_buffers b = { f->rx, f->tx, f->inflight, f->subs,
                              sizeof(f->rx), sizeof(f->tx), sizeof(f->inflight), sizeof(f->subs) };
    CHECK(mqtt_client_init(&f->c, &cfg, &env, &b) == 0);
}

void mfake_srv(struct mfake *f, const void *bytes, size_t n)
{
    mqtt_client_input(&f->c, bytes, n, f->now);
}

int mfake_next_sent(struct mfake *f, uint8_t *first, const uint8_t **body, size_t *len)
{
    size_t o = f->sent_read, rem = 0;
    if (o + 2 > f->sent_len)
        return 0;
    *first = f->sent[o++];
    for (int shift = 0;; shift += 7) {
        uint8_t b = f->sent[o++];
        rem |= (size_t)(b & 127) << shift;
        if (!(b & 128))
            break;
    }
    CHECK(o + rem <= f->sent_len);
    *body = f->sent + o;
    *len = rem;
    f->sent_read = o + rem;
    return 1;
}

void mfake_drain(struct mfake *f)
{
    f->sent_read = f->sent_len;
}

uint16_t mfake_id(uint8_t first, const uint8_t *body)
{
    if (first >> 4 == MQTT_PUBLISH) {
        size_t tl = (size_t)(body[0] << 8 | body[1]);
        return (uint16_t)(body[2 + tl] << 8 | body[3 + tl]);
    }
    return (uint16_t)(body[0] << 8 | body[1]);
}

void mfake_connect(struct mfake *f)
{
    if (mqtt_client_state(&f->c) == MOTE_MQTT_STOPPED)
        mqtt_client_start(&f->c, f->now);
    if (mqtt_client_state(&f->c) == MOTE_MQTT_WAITING) {
        f->now = mqtt_client_next_deadline(&f->c);
        mqtt_client_timer(&f->c, f->now);
    }
    mqtt_client_transport_up(&f->c, f->now);
    uint8_t first;
    const uint8_t *body;
    size_t len;
    CHECK(mfake_next_sent(f, &first, &body, &len) && first == 0x10);
    SRV(f, "\x20\x02\x00\x00");
    while (mfake_next_sent(f, &first, &body, &len)) {
        if (first == 0x82) {            /* grant every filter its QoS */
            uint8_t ack[4 + 64] = { 0x90, 2, body[0], body[1] };
            for (size_t o = 2; o + 2 < len && ack[1] < 2 + 64; ack[1]++) {
                o += 2 + (size_t)(body[o] << 8 | body[o + 1]);
                ack[2 + ack[1]] = body[o++];
            }
            mfake_srv(f, ack, 2u + ack[1]);
        }
    }
    CHECK(mqtt_client_state(&f->c) == MOTE_MQTT_CONNECTED);
}

void mfake_run_until(struct mfake *f, uint64_t until)
{
    for (int guard = 0; guard < 100000; guard++) {
        uint64_t t = mqtt_client_next_deadline(&f->c);
        if (t > until)
            break;
        CHECK(t >= f->now);
        f->now = t;
        mqtt_client_timer(&f->c, t);
    }
    f->now = until;
}
