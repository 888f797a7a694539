/*
 * The MQTT session in virtual time, against a fake transport (mqtt_fake.c)
 * where the test plays the broker: connect and subscribe, keep-alive,
 * dead links, timeouts, backoff, refusals, QoS 1 both ways, oversize and
 * malformed input, callbacks that call back in.
 */
#include <stdlib.h>
#include "check.h"
#include "mqtt_fake.h"
#include <mote.h>

#define SUB_DOWN "mote/dev/d1/down/#"

/* Run the timer at the next deadline only. */
static void step(struct mfake *f)
{
    f->now = mqtt_client_next_deadline(&f->c);
    mqtt_client_timer(&f->c, f->now);
}

static uint8_t next_type(struct mfake *f)
{
    uint8_t first;
    const uint8_t *body;
    size_t len;
    return mfake_next_sent(f, &first, &body, &len) ? first : 0;
}

void test_mqtt_session_connect_and_subscribe(void)
{
    static struct mfake f;
    mfake_init(&f, 30);
    CHECK(mqtt_client_state(&f.c) == MOTE_MQTT_STOPPED);
    CHECK(mqtt_client_next_deadline(&f.c) == UINT64_MAX);
    CHECK(mqtt_client_subscribe(&f.c, SUB_DOWN, strlen(SUB_DOWN), 1, 0) == 0);
    CHECK(mqtt_client_subscribe(&f.c, "x/+", 3, 0, 0) == 0);
    CHECK(f.sent_len == 0);                          /* nothing to send to yet */

    f.now = 1000;
    mqtt_client_start(&f.c, f.now);
    CHECK(f.opens == 1 && mqtt_client_state(&f.c) == MOTE_MQTT_CONNECTING);
    CHECK(mqtt_client_next_deadline(&f.c) == 11000);  /* connect timeout */
    mqtt_client_transport_up(&f.c, f.now);

    /* CONNECT exactly as the codec writes it for the config */
    uint8_t want[128], first;
    const uint8_t *body;
    size_t len;
    int n = mqtt_encode_connect(want, sizeof(want), &f.c.cfg.connect);
    CHECK(n > 0 && f.sent_len == (size_t)n && !memcmp(f.sent, want, (size_t)n));
    CHECK(want[9] == 0xee);                          /* user, password, will retain, QoS 1, will, clean */
    mfake_drain(&f);

    SRV(&f, "\x20\x02\x00\x00");
    CHECK(mqtt_client_state(&f.c) == MOTE_MQTT_CONNECTING);   /* SUBACKs still to come */
    CHECK(f.ups == 0);
    /* both subscriptions in one SUBSCRIBE: one round trip */
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x82);
    uint16_t id = mfake_id(first, body);
    CHECK(id && !mfake_next_sent(&f, &first, &body, &len));
    CHECK(len == 2 + (2 + strlen(SUB_DOWN) + 1) + (2 + 3 + 1));
    CHECK(body[4 + strlen(SUB_DOWN)] == 1 && !memcmp(body + len - 4, "x/+", 3) && body[len - 1] == 0);

    uint8_t ack[] = { 0x90, 4, (uint8_t)(id >> 8), (uint8_t)id, 1, 0x80 };
    mfake_srv(&f, ack, sizeof(ack));
    CHECK(f.subacks == 2 && f.last_granted == -1 && f.c.stats.subs_refused == 1);
    CHECK(f.ups == 1 && mqtt_client_state(&f.c) == MOTE_MQTT_CONNECTED);
    CHECK(f.c.stats.connects == 1 && f.downs == 0);

    /* a subscription added while up goes out at once; a SUBACK for no one is ignored */
    CHECK(mqtt_client_subscribe(&f.c, "y", 1, 1, f.now) == 0);
    CHECK(next_type(&f) == 0x82);
    SRV(&f, "\x90\x03\x7f\x7f\x01");
    CHECK(f.subacks == 2 && mqtt_client_state(&f.c) == MOTE_MQTT_CONNECTED);
}

/* PINGREQ whenever nothing was sent or heard for keep-alive; answered, the link stays up for hours. */
void test_mqtt_session_keepalive_schedule(void)
{
    static struct mfake f;
    mfake_init(&f, 10);
    mfake_connect(&f);
    mfake_drain(&f);
    uint64_t start = f.now, last_send = f.now;
    int pings = 0;
    while (f.now < start + 3600 * 1000) {
        size_t before = f.sent_len;
        mfake_run_until(&f, mqtt_client_next_deadline(&f.c));
        if (f.sent_len != before) {
            CHECK(next_type(&f) == 0xc0);
            CHECK(f.now - last_send <= 10000);
            last_send = f.now;
            pings++;
            f.now += 40;                            /* the broker answers 40 ms later */
            SRV(&f, "\xd0\x00");
        }
    }
    CHECK(pings >= 355 && pings <= 361);
    CHECK(f.downs == 0 && f.c.stats.pings == (uint32_t)pings);

    /* the device only publishes (QoS 0, every second) and the broker says nothing:
     * pings still go out every keep-alive, so the answers prove the link alive */
    pings = 0;
    start = f.now;
    while (f.now < start + 600 * 1000) {
        f.now += 1000;
        mfake_run_until(&f, f.now);
        CHECK(mqtt_client_publish(&f.c, "t", 1, "v", 1, 0, 0, f.now) == 0);
        uint8_t first;
        const uint8_t *body;
        size_t len;
        while (mfake_next_sent(&f, &first, &body, &len)) {
            if (first == 0xc0) {
                pings++;
                SRV(&f, "\xd0\x00");
            }
        }
    }
    CHECK(pings >= 55 && pings <= 61 && f.downs == 0);
}

/* No PINGRESP: the link is dead 1.5 x keep-alive after the broker was last heard. */
void test_mqtt_session_dead_link(void)
{
    static struct mfake f;
    mfake_init(&f, 10);
    f.now = 5000;
    mfake_connect(&f);
    uint64_t heard = f.now;
    mfake_drain(&f);
    CHECK(mqtt_client_next_deadline(&f.c) == heard + 10000);
    mfake_run_until(&f, heard + 10000);
    CHECK(next_type(&f) == 0xc0 && f.downs == 0);
    CHECK(mqtt_client_next_deadline(&f.c) == heard + 15000);
    mfake_run_until(&f, heard + 14999);
    CHECK(f.downs == 0);
    mfake_run_until(&f, heard + 15000);
    CHECK(f.downs == 1 && f.last_reason == MOTE_MQTT_DEAD_LINK && f.closes == 1);
    CHECK(mqtt_client_state(&f.c) == MOTE_MQTT_WAITING && f.last_retry <= 1000);
    CHECK(f.c.stats.drops == 1);
    CHECK(!strcmp(mqtt_reason_str(MOTE_MQTT_DEAD_LINK), "dead link: nothing heard for 1.5x keep-alive"));

    /* bytes of a packet still arriving count as life: a slow 16 KiB chunk does not kill the link */
    mfake_connect(&f);
    heard = f.now;
    mfake_drain(&f);
    SRV(&f, "\x30\x80\x01\x00\x01" "t");                 /* 128-byte PUBLISH, 4 bytes of it */
    for (int i = 1; i <= 10; i++) {
        mfake_run_until(&f, heard + (uint64_t)i * 12000);
        SRV(&f, "xxxxxxxxxxxx");
    }
    CHECK(f.downs == 1);
    mfake_run_until(&f, f.now + 15000);
    CHECK(f.downs == 2 && f.last_reason == MOTE_MQTT_DEAD_LINK);
}

void test_mqtt_session_connect_timeouts(void)
{
    static struct mfake f;
    mfake_init(&f, 10);
    mqtt_client_start(&f.c, 0);
    mfake_run_until(&f, 9999);
    CHECK(f.downs == 0);
    mfake_run_until(&f, 10000);                       /* TCP never came up */
    CHECK(f.downs == 1 && f.last_reason == MOTE_MQTT_TIMEOUT && f.closes == 1);

    f.now = mqtt_client_next_deadline(&f.c);
    mqtt_client_timer(&f.c, f.now);
    CHECK(f.opens == 2);
    mqtt_client_transport_up(&f.c, f.now);           /* up, but no CONNACK */
    mfake_run_until(&f, f.now + 10000);
    CHECK(f.downs == 2 && f.last_reason == MOTE_MQTT_TIMEOUT && f.closes == 2);

    f.open_fail = 1;                                 /* open fails at once: nothing to close */
    step(&f);
    CHECK(f.downs == 3 && f.last_reason == MOTE_MQTT_TRANSPORT && f.closes == 2);
    f.open_fail = 0;
    step(&f);
    CHECK(f.opens == 3);
    mqtt_client_transport_down(&f.c, f.now, MOTE_MQTT_DNS);
    CHECK(f.downs == 4 && f.last_reason == MOTE_MQTT_DNS && f.closes == 3);
    CHECK(!strcmp(mqtt_reason_str(MOTE_MQTT_DNS), "host name did not resolve"));
    CHECK(!strcmp(mqtt_reason_str(99), "unknown"));
    /* a late transport_up / input for the abandoned attempt changes nothing */
    size_t sent = f.sent_len;
    mqtt_client_transport_up(&f.c, f.now);
    SRV(&f, "\x20\x02\x00\x00");
    CHECK(mqtt_client_state(&f.c) == MOTE_MQTT_WAITING && f.sent_len == sent && f.closes == 3);
}

/* Delays: uniform in [0, min(60 s, 1 s x 2^n)]; n starts again after a connection that stayed up. */
void test_mqtt_session_backoff_sequence(void)
{
    static const uint32_t ceiling[] = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000 };
    enum { N = sizeof(ceiling) / sizeof(ceiling[0]), RUNS = 400 };
    uint32_t lo[N], hi[N];
    for (int i = 0; i < N; i++)
        lo[i] = UINT32_MAX, hi[i] = 0;
    static struct mfake f;
    for (int run = 0; run < RUNS; run++) {
        mfake_init(&f, 10);
        f.rnd = 0x9e3779b9u * (uint32_t)(run + 1);
        f.open_fail = 1;
        mqtt_client_start(&f.c, 0);
        for (int i = 0; i < N; i++) {
            CHECK(f.downs == i + 1 && f.last_reason == MOTE_MQTT_TRANSPORT);
            uint32_t d = f.last_retry;
            CHECK(d <= ceiling[i]);
            CHECK(mqtt_client_next_deadline(&f.c) == f.now + d);
            lo[i] = d < lo[i] ? d : lo[i];
            hi[i] = d > hi[i] ? d : hi[i];
            f.now += d;
            mqtt_client_timer(&f.c, f.now);          /* the next attempt, failing at once */
        }
    }
    for (int i = 0; i < N; i++)                      /* jitter fills the range */
        CHECK(lo[i] <= ceiling[i] / 20 && hi[i] >= ceiling[i] - ceiling[i] / 20);

    /* the ceilings exactly: random32 = UINT32_MAX gives UINT32_MAX % (ceiling + 1) */
    mfake_init(&f, 10);
    f.rnd_max = 1;
    f.open_fail = 1;
    mqtt_client_start(&f.c, 0);
    for (int i = 0; i < N; i++) {
        CHECK(f.last_retry == UINT32_MAX % (ceiling[i] + 1));
        f.now += f.last_retry;
        mqtt_client_timer(&f.c, f.now);
    }
    /* a connection that lasts 5 s does not reset the delay; one that lasts 10 s does */
    f.open_fail = 0;
    mfake_connect(&f);
    f.now += 5000;
    mqtt_client_transport_down(&f.c, f.now, 0);
    CHECK(f.last_retry == UINT32_MAX % 60001 && f.last_reason == MOTE_MQTT_TRANSPORT);
    mfake_connect(&f);
    f.now += 10000;
    mqtt_client_transport_down(&f.c, f.now, 0);
    CHECK(f.last_retry == UINT32_MAX % 1001);
    /* so does stop/start */
    mqtt_client_stop(&f.c, f.now);
    f.open_fail = 1;
    mqtt_client_start(&f.c, f.now);
    CHECK(f.last_retry == UINT32_MAX % 1001);
}

/* Refused CONNACKs: each reason reported as such, the link closed, and the retry backs off. */
void test_mqtt_session_connack_refusals(void)
{
    static const char *text[] = { "", "broker refused the protocol version",
                                  "broker refused the client id", "broker unavailable",
                                  "bad user name or password", "not authorised" };
    static struct mfake f;
    mfake_init(&f, 10);
    f.rnd_max = 1;
    uint32_t ceiling = 1000;
    for (uint8_t rc = 1; rc <= 5; rc++) {
        if (rc == 1)
            mqtt_client_start(&f.c, f.now);
        else
            step(&f);
        mqtt_client_transport_up(&f.c, f.now);
        uint8_t connack[4] = { 0x20, 2, 0, rc };
        mfake_srv(&f, connack, 4);
        CHECK(f.downs == rc && f.last_reason == rc && f.closes == rc);
        CHECK(!strcmp(mqtt_reason_str(f.last_reason), text[rc]));
        CHECK(f.last_retry == UINT32_MAX % (ceiling + 1));
        CHECK(mqtt_client_state(&f.c) == MOTE_MQTT_WAITING && f.c.reason == rc);
        ceiling *= 2;
    }
    CHECK(f.c.stats.refusals == 5 && f.c.stats.connects == 0 && f.ups == 0);
}

static int has_dup(const struct mfake *f, size_t at)
{
    return (f->sent[at] & 0x08) != 0;
}

/* QoS 1 out: kept until PUBACK, re-sent in order after a reconnect with DUP on those sent before. */
void test_mqtt_session_qos1_resend_with_dup(void)
{
    static struct mfake f;
    uint8_t first;
    const uint8_t *body;
    size_t len;
    mfake_init(&f, 10);
    CHECK(mqtt_client_subscribe(&f.c, SUB_DOWN, strlen(SUB_DOWN), 1, 0) == 0);
    mfake_connect(&f);
    mfake_drain(&f);
    int a = mqtt_client_publish(&f.c, "up/a", 4, "AAA", 3, 1, 0, f.now);
    int b = mqtt_client_publish(&f.c, "up/b", 4, "BBB", 3, 1, 1, f.now);
    CHECK(a > 0 && b > 0 && a != b);
    size_t at_a = f.sent_read;
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x32 && mfake_id(first, body) == a);
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x33 && mfake_id(first, body) == b);
    uint8_t orig_a[32];
    memcpy(orig_a, f.sent + at_a, 13);
    CHECK(mqtt_client_queued(&f.c) == 2);

    f.now += 1000;
    mqtt_client_transport_down(&f.c, f.now, 0);
    int c = mqtt_client_publish(&f.c, "up/c", 4, "CCC", 3, 1, 0, f.now);   /* queued while down */
    CHECK(c > 0 && f.sent_read == f.sent_len);
    CHECK(mqtt_client_publish(&f.c, "up/q0", 5, "x", 1, 0, 0, f.now) == MOTE_ENOTCONN);

    /* reconnect by hand to see the order: CONNECT, SUBSCRIBE, then a, b (DUP), c (first time) */
    f.now = mqtt_client_next_deadline(&f.c);
    mqtt_client_timer(&f.c, f.now);
    mqtt_client_transport_up(&f.c, f.now);
    CHECK(next_type(&f) == 0x10);
    SRV(&f, "\x20\x02\x00\x00");
    CHECK(next_type(&f) == 0x82);
    size_t at = f.sent_read;
    CHECK(mfake_next_sent(&f, &first, &body, &len) && mfake_id(first, body) == a && first == 0x3a);
    CHECK(has_dup(&f, at) && !memcmp(f.sent + at + 1, orig_a + 1, 12));      /* same but DUP */
    CHECK(mfake_next_sent(&f, &first, &body, &len) && mfake_id(first, body) == b && first == 0x3b);
    CHECK(mfake_next_sent(&f, &first, &body, &len) && mfake_id(first, body) == c && first == 0x32);
    CHECK(len == 2 + 4 + 2 + 3 && !memcmp(body + 8, "CCC", 3));

    /* PUBACKs in any order; unknown ids ignored */
    uint8_t ack[4] = { 0x40, 2, (uint8_t)(b >> 8), (uint8_t)b };
    mfake_srv(&f, ack, 4);
    CHECK(f.pubacks == 1 && f.last_puback == b && mqtt_client_queued(&f.c) == 2);
    mfake_srv(&f, ack, 4);
    CHECK(f.pubacks == 1);
    ack[2] = (uint8_t)(a >> 8), ack[3] = (uint8_t)a;
    mfake_srv(&f, ack, 4);
    ack[2] = (uint8_t)(c >> 8), ack[3] = (uint8_t)c;
    mfake_srv(&f, ack, 4);
    CHECK(f.pubacks == 3 && mqtt_client_queued(&f.c) == 0);

    /* after another reconnect nothing is re-sent */
    mqtt_client_transport_down(&f.c, f.now, 0);
    mfake_connect(&f);
    CHECK(f.sent_read == f.sent_len);
}

static uint32_t sent_at_callback;
static void note_sent(struct mfake *f, const struct mqtt_message *m)
{
    (void)m;
    sent_at_callback = (uint32_t)f->sent_len;
}

/* QoS 1 in: PUBACK only after on_message returned; a DUP re-send of one delivered is acknowledged, not delivered. */
void test_mqtt_session_qos1_in(void)
{
    static struct mfake f;
    uint8_t first;
    const uint8_t *body;
    size_t len;
    mfake_init(&f, 10);
    mfake_connect(&f);
    mfake_drain(&f);
    f.on_msg = note_sent;
    size_t before = f.sent_len;
    SRV(&f, "\x32\x09\x00\x03" "a/b\x00\x07" "hi");
    CHECK(f.msgs == 1 && !strcmp(f.last_msg, "a/b=hi"));
    CHECK(sent_at_callback == before);                   /* nothing acknowledged during the call */
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x40 && len == 2 && mfake_id(first, body) == 7);

    SRV(&f, "\x3a\x09\x00\x03" "a/b\x00\x07" "hi");      /* DUP, same id: a re-send */
    CHECK(f.msgs == 1 && f.c.stats.dups_dropped == 1);
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x40 && mfake_id(first, body) == 7);
    SRV(&f, "\x3a\x09\x00\x03" "a/b\x00\x08" "ho");      /* DUP of one never seen: delivered */
    CHECK(f.msgs == 2 && !strcmp(f.last_msg, "a/b=ho"));
    CHECK(next_type(&f) == 0x40);
    SRV(&f, "\x32\x09\x00\x03" "a/b\x00\x07" "h2");      /* id 7 again without DUP: a new message */
    CHECK(f.msgs == 3 && !strcmp(f.last_msg, "a/b=h2"));
    CHECK(next_type(&f) == 0x40);
    SRV(&f, "\x31\x07\x00\x03" "a/bq0");                 /* QoS 0, retained: no PUBACK */
    CHECK(f.msgs == 4 && f.sent_read == f.sent_len);

    /* a new connection forgets: the broker's re-send after a reconnect is delivered */
    mqtt_client_transport_down(&f.c, f.now, 0);
    mfake_connect(&f);
    mfake_drain(&f);
    SRV(&f, "\x3a\x09\x00\x03" "a/b\x00\x07" "h2");
    CHECK(f.msgs == 5 && next_type(&f) == 0x40);
    CHECK(f.c.stats.received == 6);          /* the dropped DUP counts as received */
}

/* A PUBLISH larger than rx is refused whole and reported; QoS 1 is acknowledged; the link stays. */
void test_mqtt_session_too_big(void)
{
    static struct mfake f;
    uint8_t first;
    const uint8_t *body;
    size_t len;
    static uint8_t pkt[600], payload[300];
    mfake_init(&f, 10);
    mfake_connect(&f);
    mfake_drain(&f);
    struct mqtt_publish p = { .topic = "big", .topic_len = 3, .payload = payload, .len = 300,
                              .qos = 1, .id = 99 };
    int n = mqtt_encode_publish(pkt, sizeof(pkt), &p);
    for (int i = 0; i < n; i++)                          /* a byte at a time */
        mfake_srv(&f, pkt + i, 1);
    CHECK(f.too_bigs == 1 && f.msgs == 0 && f.c.stats.too_big == 1);
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x40 && mfake_id(first, body) == 99);
    SRV(&f, "\x30\x05\x00\x01" "aok");
    CHECK(f.msgs == 1 && !strcmp(f.last_msg, "a=ok") && f.downs == 0);

    /* QoS 0: just reported */
    p.qos = 0;
    n = mqtt_encode_publish(pkt, sizeof(pkt), &p);
    mfake_srv(&f, pkt, (size_t)n);
    CHECK(f.too_bigs == 2 && f.sent_read == f.sent_len && f.downs == 0);

    /* QoS 1 whose topic does not even fit: it cannot be acknowledged, so the link goes */
    static char topic[300];
    memset(topic, 't', sizeof(topic));
    p.topic = topic, p.topic_len = 300, p.qos = 1, p.len = 0;
    n = mqtt_encode_publish(pkt, sizeof(pkt), &p);
    mfake_srv(&f, pkt, (size_t)n);
    CHECK(f.downs == 1 && f.last_reason == MOTE_MQTT_PROTOCOL);

    /* any other packet too long for rx is a protocol error */
    mfake_connect(&f);
    static uint8_t suback[300] = { 0x90, 0xa0, 0x02, 0x00, 0x01 };
    mfake_srv(&f, suback, 3 + 0x120);
    CHECK(f.downs == 2 && f.last_reason == MOTE_MQTT_PROTOCOL);
}

/*
 * A SUBACK's codes answer the SUBSCRIBE's filters by place: one unsubscribed
 * before the SUBACK leaves the others' codes where they were, and the
 * session is up once every remaining one is answered.
 */
void test_mqtt_session_suback_by_place(void)
{
    static struct mfake f;
    uint8_t first;
    const uint8_t *body;
    size_t len;
    mfake_init(&f, 30);
    CHECK(mqtt_client_subscribe(&f.c, "a", 1, 1, 0) == 0);
    CHECK(mqtt_client_subscribe(&f.c, "b", 1, 0, 0) == 0);
    CHECK(mqtt_client_subscribe(&f.c, "c", 1, 1, 0) == 0);
    mqtt_client_start(&f.c, f.now);
    mqtt_client_transport_up(&f.c, f.now);
    mfake_drain(&f);
    SRV(&f, "\x20\x02\x00\x00");
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x82 && len == 2 + 3 * 4);
    uint16_t id = mfake_id(first, body);
    CHECK(mqtt_client_unsubscribe(&f.c, "b", 1, f.now) == 0);
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0xa2);
    uint8_t part[] = { 0x90, 3, (uint8_t)(id >> 8), (uint8_t)id, 1 };   /* only "a" answered */
    mfake_srv(&f, part, sizeof(part));
    CHECK(f.subacks == 1 && f.last_granted == 1 && mqtt_client_state(&f.c) == MOTE_MQTT_CONNECTING);
    uint8_t all[] = { 0x90, 5, (uint8_t)(id >> 8), (uint8_t)id, 1, 0, 0x80 };
    mfake_srv(&f, all, sizeof(all));                  /* "a" again: already answered, ignored */
    CHECK(f.subacks == 2 && f.last_granted == -1 && f.c.stats.subs_refused == 1);
    CHECK(f.ups == 1 && mqtt_client_state(&f.c) == MOTE_MQTT_CONNECTED);
}

/* Anything a broker may not send now drops the connection, and the rest of that input is ignored. */
void test_mqtt_session_protocol_errors(void)
{
    static const struct { const char *bytes; size_t n; int before_connack; } bad[] = {
#define B(s, pre) { s, sizeof(s) - 1, pre }
        B("\x30\x05\x00\x01" "ahi", 1), B("\xd0\x00", 1), B("\x90\x03\x00\x01\x00", 1),
        B("\x20\x02\x00\x00", 0), B("\x34\x06\x00\x01" "a\x00\x01" "x", 0),
        B("\x50\x02\x00\x01", 0), B("\x62\x02\x00\x01", 0), B("\x70\x02\x00\x01", 0),
        B("\x30\x04\x00\x00" "hi", 0), B("\xff", 0), B("\xff", 1),
#undef B
    };
    static struct mfake f;
    mfake_init(&f, 10);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int downs = f.downs, msgs = f.msgs;
        if (bad[i].before_connack) {
            if (mqtt_client_state(&f.c) == MOTE_MQTT_STOPPED)
                mqtt_client_start(&f.c, f.now);
            else
                step(&f);
            mqtt_client_transport_up(&f.c, f.now);
        } else {
            mfake_connect(&f);
        }
        uint8_t in[64];
        memcpy(in, bad[i].bytes, bad[i].n);
        memcpy(in + bad[i].n, "\x30\x05\x00\x01" "aok", 7);     /* must not be delivered */
        mfake_srv(&f, in, bad[i].n + 7);
        if (f.downs != downs + 1 || f.last_reason != MOTE_MQTT_PROTOCOL || f.msgs != msgs) {
            check_failures++;
            fprintf(stderr, "bad packet %zu: downs %d reason %d msgs %d\n", i, f.downs - downs,
                    f.last_reason, f.msgs - msgs);
        }
        CHECK(f.closes == f.opens && mqtt_client_state(&f.c) == MOTE_MQTT_WAITING);
    }
}

static void publish_from_callback(struct mfake *f, const struct mqtt_message *m)
{
    (void)m;
    CHECK(mqtt_client_publish(&f->c, "r/1", 3, "one", 3, 1, 0, f->now) > 0);
    CHECK(mqtt_client_publish(&f->c, "r/0", 3, "zero", 4, 0, 0, f->now) == 0);
}

static void stop_from_callback(struct mfake *f, const struct mqtt_message *m)
{
    (void)m;
    mqtt_client_stop(&f->c, f->now);
}

static void stop_on_down(struct mfake *f, const struct mqtt_event *ev)
{
    if (ev->kind == MQTT_EV_DOWN && ev->reason != MOTE_MQTT_CLOSED)
        mqtt_client_stop(&f->c, f->now);
}

void test_mqtt_session_reentrant_callbacks(void)
{
    static struct mfake f;
    mfake_init(&f, 10);
    mfake_connect(&f);
    mfake_drain(&f);
    f.on_msg = publish_from_callback;                    /* answer a message with messages */
    SRV(&f, "\x32\x07\x00\x01" "q\x00\x05" "xy");
    CHECK(next_type(&f) == 0x32 && next_type(&f) == 0x30 && next_type(&f) == 0x40);

    f.on_msg = stop_from_callback;                       /* stop in the middle of input */
    SRV(&f, "\x32\x07\x00\x01" "q\x00\x06" "xy" "\x30\x05\x00\x01" "aok");
    CHECK(f.msgs == 2 && next_type(&f) == 0xe0 && next_type(&f) == 0);   /* DISCONNECT, no PUBACK */
    CHECK(mqtt_client_state(&f.c) == MOTE_MQTT_STOPPED && f.closes == f.opens);
    CHECK(mqtt_client_next_deadline(&f.c) == UINT64_MAX);
    CHECK(mqtt_client_queued(&f.c) == 1);                /* r/1 is kept for the next start */

    f.on_msg = NULL;                                     /* stop when the link drops */
    f.on_ev = stop_on_down;
    mfake_connect(&f);
    mqtt_client_transport_down(&f.c, f.now, 0);
    CHECK(mqtt_client_state(&f.c) == MOTE_MQTT_STOPPED && f.closes == f.opens);
    CHECK(mqtt_client_next_deadline(&f.c) == UINT64_MAX);
}

void test_mqtt_session_send_failure(void)
{
    static struct mfake f;
    uint8_t first;
    const uint8_t *body;
    size_t len;
    mfake_init(&f, 10);
    mfake_connect(&f);
    mfake_drain(&f);
    f.send_fail = 1;
    int id = mqtt_client_publish(&f.c, "t", 1, "p", 1, 1, 0, f.now);
    CHECK(id > 0 && f.downs == 1 && f.last_reason == MOTE_MQTT_SEND_FAILED && f.closes == 1);
    f.send_fail = 0;
    size_t mark = f.sent_len;
    mfake_connect(&f);                                    /* re-sent with DUP after the reconnect */
    f.sent_read = mark;
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x10);
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x3a && mfake_id(first, body) == id);
    f.send_fail = 1;
    CHECK(mqtt_client_publish(&f.c, "t", 1, "p", 1, 0, 0, f.now) == MOTE_ENOTCONN);
    CHECK(f.downs == 2 && f.last_reason == MOTE_MQTT_SEND_FAILED);
    f.send_fail = 0;
    /* a failure while sending CONNECT */
    step(&f);
    f.send_fail = 1;
    mqtt_client_transport_up(&f.c, f.now);
    CHECK(f.downs == 3 && f.closes == f.opens);
}

void test_mqtt_session_stop_and_reconnect(void)
{
    static struct mfake f;
    mfake_init(&f, 10);
    mfake_connect(&f);
    mfake_drain(&f);
    mqtt_client_stop(&f.c, f.now);
    CHECK(next_type(&f) == 0xe0 && f.closes == 1 && f.last_reason == MOTE_MQTT_CLOSED);
    CHECK(mqtt_client_state(&f.c) == MOTE_MQTT_STOPPED && f.c.stats.drops == 0);
    mqtt_client_stop(&f.c, f.now);                       /* again: nothing */
    CHECK(f.closes == 1 && f.downs == 1);
    mqtt_client_start(&f.c, f.now);
    CHECK(f.opens == 2);
    mqtt_client_start(&f.c, f.now);                      /* already started: nothing */
    CHECK(f.opens == 2);
    mqtt_client_stop(&f.c, f.now);                       /* stop while opening: close, no DISCONNECT */
    CHECK(f.closes == 2 && next_type(&f) == 0);

    mfake_connect(&f);
    mfake_drain(&f);
    mqtt_client_reconnect(&f.c, f.now);                  /* DISCONNECT, then a new connection */
    CHECK(next_type(&f) == 0xe0 && mqtt_client_state(&f.c) == MOTE_MQTT_WAITING);
    CHECK(f.last_reason == MOTE_MQTT_CLOSED && f.last_retry <= 1000);
    mfake_connect(&f);
    CHECK(f.opens == 4);
    /* stop while waiting: no more attempts */
    mqtt_client_transport_down(&f.c, f.now, 0);
    mqtt_client_stop(&f.c, f.now);
    mfake_run_until(&f, f.now + 3600000);
    CHECK(f.opens == 4 && mqtt_client_state(&f.c) == MOTE_MQTT_STOPPED);
}

void test_mqtt_session_limits(void)
{
    static struct mfake f;
    static uint8_t big[600];
    uint8_t first;
    const uint8_t *body;
    size_t len;
    mfake_init(&f, 10);
    CHECK(mqtt_client_publish(&f.c, "a/+", 3, "x", 1, 1, 0, 0) == MOTE_EINVAL);
    CHECK(mqtt_client_publish(&f.c, "a", 1, "x", 1, 2, 0, 0) == MOTE_EINVAL);
    CHECK(mqtt_client_publish(&f.c, "a", 1, big, 600, 1, 0, 0) == MOTE_ENOMEM);  /* never fits 512 */
    CHECK(mqtt_client_publish(&f.c, "a", 1, "x", 1, 0, 0, 0) == MOTE_ENOTCONN);
    /* 100-byte messages: entry 8 + packet 2 + 3 + 2 + 100 = 115 bytes; four fit in 512 */
    int ids[5];
    for (int i = 0; i < 4; i++)
        CHECK((ids[i] = mqtt_client_publish(&f.c, "a", 1, big, 100, 1, 0, 0)) > 0);
    CHECK(mqtt_client_publish(&f.c, "a", 1, big, 100, 1, 0, 0) == MOTE_EAGAIN);
    CHECK(mqtt_client_queued(&f.c) == 4);
    mfake_connect(&f);
    uint8_t ack[4] = { 0x40, 2, (uint8_t)(ids[1] >> 8), (uint8_t)ids[1] };
    mfake_srv(&f, ack, 4);
    CHECK((ids[4] = mqtt_client_publish(&f.c, "a", 1, big, 100, 1, 0, f.now)) > 0);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < i; j++)
            CHECK(i == 1 || j == 1 || ids[i] != ids[j]);

    /* a QoS 0 payload larger than tx goes in two pieces of one packet */
    mfake_drain(&f);
    int more = f.sends_with_more;
    for (int i = 0; i < 600; i++)
        big[i] = (uint8_t)i;
    CHECK(mqtt_client_publish(&f.c, "big", 3, big, 600, 0, 1, f.now) == 0);
    CHECK(f.sends_with_more == more + 1);
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x31 && len == 605);
    CHECK(!memcmp(body + 5, big, 600));

    /* subscriptions: bad ones, the store (128 bytes) filling up, changing a QoS, unsubscribing */
    CHECK(mqtt_client_subscribe(&f.c, "a/#/b", 5, 1, f.now) == MOTE_EINVAL);
    CHECK(mqtt_client_subscribe(&f.c, "a", 1, 2, f.now) == MOTE_EINVAL);
    static char longf[300];
    memset(longf, 'f', sizeof(longf));
    CHECK(mqtt_client_subscribe(&f.c, longf, 250, 1, f.now) == MOTE_ENOMEM);   /* tx 256 */
    int added = 0;
    char name[16];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "s/%02d", i);
        if (mqtt_client_subscribe(&f.c, name, 4, 0, f.now) == 0)
            added++;
    }
    CHECK(added == 128 / 12);
    mfake_drain(&f);
    CHECK(mqtt_client_subscribe(&f.c, "s/00", 4, 1, f.now) == 0);              /* QoS change */
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0x82 && body[len - 1] == 1);
    CHECK(mqtt_client_unsubscribe(&f.c, "s/00", 4, f.now) == 0);
    CHECK(mfake_next_sent(&f, &first, &body, &len) && first == 0xa2 && len == 8);
    CHECK(mqtt_client_unsubscribe(&f.c, "s/00", 4, f.now) == MOTE_ENOENT);
    SRV(&f, "\xb0\x02\x00\x01");                                                /* UNSUBACK */
    CHECK(f.downs == 0 && mqtt_client_state(&f.c) == MOTE_MQTT_CONNECTED);

    /* unsubscribing the last pending one makes the session ready */
    mqtt_client_transport_down(&f.c, f.now, 0);
    step(&f);
    mqtt_client_transport_up(&f.c, f.now);
    SRV(&f, "\x20\x02\x00\x00");
    int ups = f.ups;
    CHECK(mqtt_client_state(&f.c) == MOTE_MQTT_CONNECTING);
    for (int i = 1; i < added; i++) {
        snprintf(name, sizeof(name), "s/%02d", i);
        CHECK(mqtt_client_unsubscribe(&f.c, name, 4, f.now) == 0);
    }
    CHECK(f.ups == ups + 1 && mqtt_client_state(&f.c) == MOTE_MQTT_CONNECTED);

    /* init refuses what cannot work */
    struct mqtt_client c;
    struct mqtt_config cfg = { .connect = { .client_id = "x", .clean_session = 1 } };
    uint8_t rx[16], tx[15];
    struct mqtt_env env = f.c.env;
    struct mqtt_buffers b = { rx, tx, NULL, NULL, sizeof(rx), 13, 0, 0 };
    CHECK(mqtt_client_init(&c, &cfg, &env, &b) == MOTE_ENOMEM);                /* CONNECT is 15 */
    b.tx_size = 15;
    CHECK(mqtt_client_init(&c, &cfg, &env, &b) == 0);
    b.rx_size = 15;
    CHECK(mqtt_client_init(&c, &cfg, &env, &b) == MOTE_ENOMEM);
    b.rx_size = 16;
    cfg.connect.password = "p";
    CHECK(mqtt_client_init(&c, &cfg, &env, &b) == MOTE_EINVAL);
    /* a client without stores: QoS 1 and subscriptions refused, QoS 0 fine */
    cfg.connect.password = NULL;
    CHECK(mqtt_client_init(&c, &cfg, &env, &b) == 0);
    CHECK(mqtt_client_publish(&c, "a", 1, "x", 1, 1, 0, 0) == MOTE_ENOMEM);
    CHECK(mqtt_client_subscribe(&c, "a", 1, 0, 0) == MOTE_ENOMEM);
}

/*
 * fresh_resend (what the device glue sets): after a clean-session
 * reconnect the unacknowledged QoS 1 messages go again in order, with
 * their ids, but without DUP: Moquette 0.17 drops a session loop on a DUP
 * PUBLISH it never saw (mqtt.h).
 */
void test_mqtt_session_qos1_fresh_resend_after_clean_reconnect(void)
{
    static struct mfake f;
    uint8_t first;
    const uint8_t *body;
    size_t len;
    mfake_init(&f, 10);
    f.c.cfg.fresh_resend = 1;
    mfake_connect(&f);
    mfake_drain(&f);
    int a = mqtt_client_publish(&f.c, "up/a", 4, "AAA", 3, 1, 0, f.now);
    int b = mqtt_client_publish(&f.c, "up/b", 4, "BBB", 3, 1, 1, f.now);
    CHECK(a > 0 && b > 0);
    mfake_drain(&f);
    f.now += 1000;
    mqtt_client_transport_down(&f.c, f.now, 0);
    f.now = mqtt_client_next_deadline(&f.c);
    mqtt_client_timer(&f.c, f.now);
    mqtt_client_transport_up(&f.c, f.now);
    CHECK(next_type(&f) == 0x10);
    SRV(&f, "\x20\x02\x00\x00");
    CHECK(mfake_next_sent(&f, &first, &body, &len) && mfake_id(first, body) == a && first == 0x32);
    CHECK(mfake_next_sent(&f, &first, &body, &len) && mfake_id(first, body) == b && first == 0x33);
    CHECK(mqtt_client_queued(&f.c) == 2);
    /* with a session the broker kept (clean_session 0) DUP stays */
    mfake_init(&f, 10);
    f.c.cfg.fresh_resend = 1;
    f.c.cfg.connect.clean_session = 0;
    mfake_connect(&f);
    mfake_drain(&f);
    a = mqtt_client_publish(&f.c, "up/a", 4, "AAA", 3, 1, 0, f.now);
    mfake_drain(&f);
    f.now += 1000;
    mqtt_client_transport_down(&f.c, f.now, 0);
    f.now = mqtt_client_next_deadline(&f.c);
    mqtt_client_timer(&f.c, f.now);
    mqtt_client_transport_up(&f.c, f.now);
    CHECK(next_type(&f) == 0x10);
    SRV(&f, "\x20\x02\x00\x00");
    CHECK(mfake_next_sent(&f, &first, &body, &len) && mfake_id(first, body) == a && first == 0x3a);
}
