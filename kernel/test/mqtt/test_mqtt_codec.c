/*
 * The MQTT codec: golden packets written from the MQTT 3.1.1 spec, the
 * remaining-length boundaries, the decoder fed in every split, and every
 * malformed input it must refuse.
 */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include <mqtt/mqtt_codec.h>
#include <mote.h>

/* A byte string literal and its length (literals are split where a hex escape would run on). */
#define V(s) (const uint8_t *)(s), sizeof(s) - 1

/* out[0..n) == want[0..wn), with a hex dump of both on failure. */
static int same(const uint8_t *got, long n, const uint8_t *want, size_t wn, int line)
{
    if (n == (long)wn && !memcmp(got, want, wn))
        return 1;
    check_failures++;
    fprintf(stderr, "test_mqtt_codec.c:%d: encoded %ld bytes:", line, n);
    for (long i = 0; i < n; i++)
        fprintf(stderr, " %02x", got[i]);
    fprintf(stderr, "\n  want %zu bytes:", wn);
    for (size_t i = 0; i < wn; i++)
        fprintf(stderr, " %02x", want[i]);
    fprintf(stderr, "\n");
    return 0;
}
#define SAME(got, n, want) same(got, n, V(want), __LINE__)

/*
 * Encode with a buffer exactly the packet's size (it must fit) and one byte
 * short (MOTE_ENOMEM), both heap blocks of that size so ASan sees any
 * write past them.
 */
#define ENCODE_EXACT(call_with_cap, want) do { \
        size_t wn_ = sizeof(want) - 1; \
        uint8_t *b_ = malloc(wn_); \
        uint8_t *out = b_; size_t cap = wn_; \
        long n_ = call_with_cap; \
        SAME(b_, n_, want); \
        free(b_); \
        b_ = malloc(wn_ ? wn_ - 1 : 1); out = b_; cap = wn_ - 1; \
        CHECK((call_with_cap) == MOTE_ENOMEM); \
        free(b_); \
    } while (0)

void test_mqtt_encode_connect_golden(void)
{
    /* [MQTT-3.1.2.10]'s example flags 0xce: user, password, will QoS 1, will, clean; keep-alive 10 */
    struct mqtt_connect c = {
        .client_id = "d1", .keepalive_s = 10, .clean_session = 1,
        .will_topic = "mote/dev/d1/up/status", .will_msg = "offline", .will_len = 7, .will_qos = 1,
        .username = "d1", .password = "pw", .password_len = 2,
    };
    ENCODE_EXACT(mqtt_encode_connect(out, cap, &c),
                 "\x10\x36" "\x00\x04MQTT\x04\xce\x00\x0a" "\x00\x02" "d1"
                 "\x00\x15" "mote/dev/d1/up/status" "\x00\x07" "offline" "\x00\x02" "d1"
                 "\x00\x02" "pw");

    /* the minimal one: client id, clean session, keep-alive 60 */
    struct mqtt_connect m = { .client_id = "a", .keepalive_s = 60, .clean_session = 1 };
    ENCODE_EXACT(mqtt_encode_connect(out, cap, &m),
                 "\x10\x0d\x00\x04MQTT\x04\x02\x00\x3c\x00\x01" "a");

    /* will QoS 0 retained, user without password, persistent session, keep-alive off */
    struct mqtt_connect w = { .client_id = "c", .will_topic = "t", .will_msg = "", .will_retain = 1,
                              .username = "u" };
    ENCODE_EXACT(mqtt_encode_connect(out, cap, &w),
                 "\x10\x15\x00\x04MQTT\x04\xa4\x00\x00\x00\x01" "c" "\x00\x01" "t" "\x00\x00"
                 "\x00\x01" "u");

    /* will QoS 2 and a binary password with a zero byte */
    struct mqtt_connect b = { .client_id = "c", .clean_session = 1, .will_topic = "t",
                              .will_msg = "x", .will_len = 1, .will_qos = 2, .username = "u",
                              .password = "\x00\xff", .password_len = 2 };
    ENCODE_EXACT(mqtt_encode_connect(out, cap, &b),
                 "\x10\x1a\x00\x04MQTT\x04\xd6\x00\x00\x00\x01" "c" "\x00\x01" "t\x00\x01x"
                 "\x00\x01" "u" "\x00\x02\x00\xff");
}

void test_mqtt_encode_connect_refusals(void)
{
    uint8_t out[256];
    struct mqtt_connect c = { .client_id = "a", .clean_session = 1 };
    CHECK(mqtt_encode_connect(out, sizeof(out), &c) == 15);
    c.password = "p";                       /* password without a user name [MQTT-3.1.2-22] */
    c.password_len = 1;
    CHECK(mqtt_encode_connect(out, sizeof(out), &c) == MOTE_EINVAL);
    c.password = NULL;
    c.clean_session = 0;
    c.client_id = "";                       /* empty id only with a clean session [MQTT-3.1.3-7] */
    CHECK(mqtt_encode_connect(out, sizeof(out), &c) == MOTE_EINVAL);
    c.clean_session = 1;
    CHECK(mqtt_encode_connect(out, sizeof(out), &c) == 14);
    c.will_topic = "a/#";                   /* a will topic is a topic name: no wildcards */
    CHECK(mqtt_encode_connect(out, sizeof(out), &c) == MOTE_EINVAL);
    c.will_topic = "a";
    c.will_qos = 3;
    CHECK(mqtt_encode_connect(out, sizeof(out), &c) == MOTE_EINVAL);
    c.will_qos = 0;
    c.will_len = 3;                         /* a length without the message */
    CHECK(mqtt_encode_connect(out, sizeof(out), &c) == MOTE_EINVAL);
    char *longid = malloc(70000);
    memset(longid, 'x', 69999);
    longid[69999] = 0;
    struct mqtt_connect l = { .client_id = longid, .clean_session = 1 };
    CHECK(mqtt_encode_connect(out, sizeof(out), &l) == MOTE_EINVAL);
    free(longid);
}

void test_mqtt_encode_publish_golden(void)
{
    struct mqtt_publish p = { .topic = "a/b", .topic_len = 3, .payload = "hi", .len = 2 };
    ENCODE_EXACT(mqtt_encode_publish(out, cap, &p), "\x30\x07\x00\x03" "a/bhi");
    /* QoS 1, retain, DUP, packet id 10 */
    p.qos = 1, p.retain = 1, p.dup = 1, p.id = 10;
    ENCODE_EXACT(mqtt_encode_publish(out, cap, &p), "\x3b\x09\x00\x03" "a/b\x00\x0a" "hi");
    /* the header alone: the payload follows on the wire, but counts in the length */
    ENCODE_EXACT(mqtt_encode_publish_header(out, cap, &p), "\x3b\x09\x00\x03" "a/b\x00\x0a");
    /* empty payload, QoS 2, UTF-8 topic */
    struct mqtt_publish q = { .topic = "\xc3\xa9t\xc3\xa9", .topic_len = 5, .qos = 2, .id = 0xfffe };
    ENCODE_EXACT(mqtt_encode_publish(out, cap, &q), "\x34\x09\x00\x05\xc3\xa9t\xc3\xa9\xff\xfe");
}

void test_mqtt_encode_publish_refusals(void)
{
    uint8_t out[64];
    struct mqtt_publish p = { .topic = "a/+", .topic_len = 3 };
    CHECK(mqtt_encode_publish(out, sizeof(out), &p) == MOTE_EINVAL);     /* wildcard */
    p.topic = "a/#";
    CHECK(mqtt_encode_publish(out, sizeof(out), &p) == MOTE_EINVAL);
    p.topic_len = 0;                                                    /* empty */
    CHECK(mqtt_encode_publish(out, sizeof(out), &p) == MOTE_EINVAL);
    p.topic = "a\0b";                                                   /* U+0000 */
    p.topic_len = 3;
    CHECK(mqtt_encode_publish(out, sizeof(out), &p) == MOTE_EINVAL);
    p.topic = "a/b";
    p.qos = 1;                                                          /* id 0 with QoS 1 */
    CHECK(mqtt_encode_publish(out, sizeof(out), &p) == MOTE_EINVAL);
    p.qos = 3, p.id = 1;
    CHECK(mqtt_encode_publish(out, sizeof(out), &p) == MOTE_EINVAL);
    p.qos = 0, p.dup = 1;                                               /* DUP with QoS 0 */
    CHECK(mqtt_encode_publish(out, sizeof(out), &p) == MOTE_EINVAL);
    p.dup = 0;
    p.len = MQTT_MAX_REMAINING;                                         /* longer than MQTT allows */
    CHECK(mqtt_encode_publish_header(out, sizeof(out), &p) == MOTE_EINVAL);
    p.len = MQTT_MAX_REMAINING - 5;                                     /* just fits the length field */
    CHECK(mqtt_encode_publish_header(out, sizeof(out), &p) == 10);
    CHECK(!memcmp(out, "\x30\xff\xff\xff\x7f", 5));
}

/* The remaining-length field at each boundary of its 1..4-byte forms. */
void test_mqtt_remaining_length_boundaries(void)
{
    static const struct { uint32_t rem; const char *bytes; int n; } b[] = {
        { 0, "\x00", 1 }, { 127, "\x7f", 1 }, { 128, "\x80\x01", 2 }, { 16383, "\xff\x7f", 2 },
        { 16384, "\x80\x80\x01", 3 }, { 2097151, "\xff\xff\x7f", 3 },
        { 2097152, "\x80\x80\x80\x01", 4 }, { 268435455, "\xff\xff\xff\x7f", 4 },
    };
    CHECK(mqtt_length_size(268435456) == 0);
    for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
        CHECK(mqtt_length_size(b[i].rem) == b[i].n);
        if (b[i].rem < 5)
            continue;
        /* a PUBLISH to "t" at QoS 0 with rem - 3 payload bytes */
        size_t plen = b[i].rem - 3;
        uint8_t hdr[16];
        struct mqtt_publish p = { .topic = "t", .topic_len = 1, .len = plen };
        int hs = mqtt_encode_publish_header(hdr, sizeof(hdr), &p);
        CHECK(hs == 1 + b[i].n + 3);
        CHECK(hdr[0] == 0x30 && !memcmp(hdr + 1, b[i].bytes, (size_t)b[i].n));
        if (b[i].rem > 2097152)
            continue;
        /* and decoded back whole, in one piece and in pieces of 1000 */
        uint8_t *pkt = malloc((size_t)hs + plen), *rx = malloc(b[i].rem);
        memcpy(pkt, hdr, (size_t)hs);
        for (size_t k = 0; k < plen; k++)
            pkt[hs + k] = (uint8_t)(k * 7);
        size_t steps[2] = { 1000, (size_t)hs + plen };
        for (int si = 0; si < 2; si++) {
            size_t step = steps[si];
            struct mqtt_decoder d;
            struct mqtt_packet pk;
            mqtt_decoder_init(&d, rx, b[i].rem);
            int r = 0;
            size_t off = 0, used;
            while (off < (size_t)hs + plen && r == 0) {
                size_t n = (size_t)hs + plen - off < step ? (size_t)hs + plen - off : step;
                r = mqtt_decoder_feed(&d, pkt + off, n, &used, &pk);
                off += used;
            }
            CHECK(r == 1 && off == (size_t)hs + plen);
            CHECK(pk.len == b[i].rem && pk.payload_len == plen && pk.topic_len == 1);
            CHECK(pk.payload && !memcmp(pk.payload, pkt + hs, plen));
        }
        free(pkt);
        free(rx);
    }
}

void test_mqtt_encode_subscribe_unsubscribe_golden(void)
{
    struct mqtt_filter f[2] = { { "a/#", 3, 1 }, { "+/x", 3, 0 } };
    ENCODE_EXACT(mqtt_encode_subscribe(out, cap, 1, f, 2),
                 "\x82\x0e\x00\x01\x00\x03" "a/#\x01\x00\x03+/x\x00");
    ENCODE_EXACT(mqtt_encode_unsubscribe(out, cap, 2, f, 1), "\xa2\x07\x00\x02\x00\x03" "a/#");
    ENCODE_EXACT(mqtt_encode_unsubscribe(out, cap, 0x1234, f, 2),
                 "\xa2\x0c\x12\x34\x00\x03" "a/#\x00\x03+/x");
    ENCODE_EXACT(mqtt_encode_puback(out, cap, 0x1234), "\x40\x02\x12\x34");
    ENCODE_EXACT(mqtt_encode_pingreq(out, cap), "\xc0\x00");
    ENCODE_EXACT(mqtt_encode_disconnect(out, cap), "\xe0\x00");

    uint8_t out[64];
    CHECK(mqtt_encode_subscribe(out, sizeof(out), 0, f, 1) == MOTE_EINVAL);    /* id 0 */
    CHECK(mqtt_encode_subscribe(out, sizeof(out), 1, f, 0) == MOTE_EINVAL);    /* no filter */
    CHECK(mqtt_encode_puback(out, sizeof(out), 0) == MOTE_EINVAL);
    struct mqtt_filter bad[] = { { "a#", 2, 0 }, { "a/#/b", 5, 0 }, { "a+/b", 4, 0 },
                                 { "", 0, 0 }, { "a", 1, 3 } };
    for (size_t i = 0; i < 5; i++)
        CHECK(mqtt_encode_subscribe(out, sizeof(out), 1, &bad[i], 1) == MOTE_EINVAL);
}

void test_mqtt_topic_rules(void)
{
    static const char *ok_filters[] = { "#", "+", "a/#", "+/+", "/+", "a//b", "+/a/#", "$SYS/#",
                                        "sport/+/player1", "\xe2\x82\xac/+" };
    static const char *bad_filters[] = { "", "a#", "#/a", "a/#/", "++", "a+", "+a/b", "a/b#",
                                         "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80",
                                         "\xe2\x82", "\xf8\x88\x80\x80\x80" };
    for (size_t i = 0; i < sizeof(ok_filters) / sizeof(ok_filters[0]); i++)
        CHECK(mqtt_filter_valid(ok_filters[i], strlen(ok_filters[i])));
    for (size_t i = 0; i < sizeof(bad_filters) / sizeof(bad_filters[0]); i++)
        CHECK(!mqtt_filter_valid(bad_filters[i], strlen(bad_filters[i])));
    CHECK(mqtt_topic_valid("a/b", 3) && mqtt_topic_valid("/", 1) && mqtt_topic_valid("\xf0\x9f\x98\x80", 4));
    CHECK(!mqtt_topic_valid("a/+", 3) && !mqtt_topic_valid("#", 1) && !mqtt_topic_valid("a\0", 2));

    static const struct { const char *f, *t; int match; } m[] = {
        { "a/b", "a/b", 1 }, { "a/b", "a/c", 0 }, { "a/b", "a/b/c", 0 }, { "a/b/c", "a/b", 0 },
        { "#", "a/b", 1 }, { "a/#", "a", 1 }, { "a/#", "a/b/c", 1 }, { "a/#", "ab", 0 },
        { "+", "a", 1 }, { "+", "a/b", 0 }, { "+/+", "/x", 1 }, { "a/+", "a/", 1 },
        { "a/+", "a", 0 }, { "+/#", "a", 1 }, { "a/+/c", "a/b/c", 1 }, { "a/+/c", "a/b/d", 0 },
        { "#", "$SYS/x", 0 }, { "+/x", "$SYS/x", 0 }, { "$SYS/#", "$SYS/x", 1 },
        { "mote/dev/d1/down/#", "mote/dev/d1/down/chunk", 1 },
        { "mote/dev/d1/down/#", "mote/dev/d12/down/chunk", 0 },
    };
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
        int got = mqtt_topic_match(m[i].f, strlen(m[i].f), m[i].t, strlen(m[i].t));
        if (got != m[i].match) {
            check_failures++;
            fprintf(stderr, "match(%s, %s) = %d\n", m[i].f, m[i].t, got);
        }
    }
}

/* ---- decoding ---- */

/*
 * Everything a server sends, one of each: CONNACK (accepted, session
 * present, refused 1..5), SUBACK, UNSUBACK, PUBLISH QoS 0/1/2 (retained,
 * DUP), PUBACK, PUBREC, PUBREL, PUBCOMP, PINGRESP, a PUBLISH with an empty payload.
 */
static const uint8_t server_stream[] =
    "\x20\x02\x00\x00" "\x20\x02\x01\x00" "\x20\x02\x00\x01" "\x20\x02\x00\x02"
    "\x20\x02\x00\x03" "\x20\x02\x00\x04" "\x20\x02\x00\x05"
    "\x90\x05\x00\x01\x01\x00\x80" "\xb0\x02\x00\x02"
    "\x30\x07\x00\x03" "a/bhi" "\x3b\x0a\x00\x03" "a/b\x00\x0a" "hi!" "\x34\x06\x00\x01" "t\x12\x34" "z"
    "\x40\x02\x00\x07" "\x50\x02\x00\x08" "\x62\x02\x00\x09" "\x70\x02\x00\x0a" "\xd0\x00"
    "\x32\x05\x00\x01" "e\x00\x01";

static const char server_summary[] =
    "CONNACK sp=0 rc=0|CONNACK sp=1 rc=0|CONNACK sp=0 rc=1|CONNACK sp=0 rc=2|CONNACK sp=0 rc=3|"
    "CONNACK sp=0 rc=4|CONNACK sp=0 rc=5|SUBACK id=1 codes=01,00,80|UNSUBACK id=2|"
    "PUBLISH q0 r0 d0 a/b 'hi'|PUBLISH q1 r1 d1 id=10 a/b 'hi!'|PUBLISH q2 r0 d0 id=4660 t 'z'|"
    "PUBACK id=7|PUBREC id=8|PUBREL id=9|PUBCOMP id=10|PINGRESP|PUBLISH q1 r0 d0 id=1 e ''|";

static void describe(char *s, size_t cap, const struct mqtt_packet *p)
{
    static const char *names[] = { "?", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC",
                                    "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE",
                                    "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "?" };
    size_t n = strlen(s);
    n += (size_t)snprintf(s + n, cap - n, "%s", names[p->type & 15]);
    if (p->type == MQTT_CONNACK)
        n += (size_t)snprintf(s + n, cap - n, " sp=%d rc=%d", p->session_present, p->rc);
    else if (p->type == MQTT_PUBLISH)
        n += (size_t)snprintf(s + n, cap - n, " q%d r%d d%d", p->qos, p->retain, p->dup);
    if (p->id)
        n += (size_t)snprintf(s + n, cap - n, " id=%d", p->id);
    if (p->type == MQTT_PUBLISH)
        n += (size_t)snprintf(s + n, cap - n, " %.*s '%.*s'", p->topic_len, p->topic,
                              (int)p->payload_len, (const char *)p->payload);
    if (p->type == MQTT_SUBACK)
        for (size_t i = 0; i < p->payload_len; i++)
            n += (size_t)snprintf(s + n, cap - n, "%s%02x", i ? "," : " codes=", p->payload[i]);
    snprintf(s + n, cap - n, "|");
}

static unsigned lcg(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16;
}

/*
 * Feed in[0..n) in pieces whose sizes come from `split` (0: random 1..17,
 * else that size), each piece copied to a heap block of exactly its size so
 * ASan sees any read past it. Appends a summary of each packet (or "E<err>|")
 * to sum; stops at the first malformed error. Returns the last result.
 */
static int feed_pieces(struct mqtt_decoder *d, const uint8_t *in, size_t n, size_t split,
                       char *sum, size_t cap, unsigned *seed)
{
    int r = 0;
    size_t off = 0;
    while (off < n) {
        size_t len = split ? split : 1 + (size_t)(lcg(seed) % 17);
        if (len > n - off)
            len = n - off;
        uint8_t *piece = malloc(len);
        memcpy(piece, in + off, len);
        size_t pos = 0;
        while (pos < len) {
            struct mqtt_packet p;
            size_t used = 0;
            r = mqtt_decoder_feed(d, piece + pos, len - pos, &used, &p);
            CHECK(used <= len - pos);
            pos += used;
            if (r == 1) {
                describe(sum, cap, &p);
            } else if (r < 0) {
                size_t k = strlen(sum);
                snprintf(sum + k, cap - k, "E%d|", r);
                if (r == MQTT_EMALFORMED) {
                    free(piece);
                    return r;
                }
            } else {
                CHECK(pos == len);
            }
        }
        free(piece);
        off += len;
    }
    return r;
}

void test_mqtt_decode_golden_any_split(void)
{
    uint8_t buf[64];
    unsigned seed = 1;
    size_t n = sizeof(server_stream) - 1;
    for (size_t split = 0; split <= n; split++) {
        for (int rep = 0; rep < (split ? 1 : 50); rep++) {
            char sum[1024] = "";
            struct mqtt_decoder d;
            mqtt_decoder_init(&d, buf, sizeof(buf));
            feed_pieces(&d, server_stream, n, split, sum, sizeof(sum), &seed);
            if (strcmp(sum, server_summary)) {
                check_failures++;
                fprintf(stderr, "split %zu:\n got %s\nwant %s\n", split, sum, server_summary);
                return;
            }
        }
    }
}

/* Each alone must be refused as malformed, fed whole and a byte at a time. */
void test_mqtt_decode_malformed(void)
{
    static const struct { const char *bytes; size_t n; const char *why; } bad[] = {
#define B(s, why) { s, sizeof(s) - 1, why }
        B("\x00\x00", "reserved type 0"), B("\xf0\x00", "reserved type 15"),
        B("\x10\x00", "CONNECT from a server"), B("\x82\x00", "SUBSCRIBE from a server"),
        B("\xa2\x00", "UNSUBSCRIBE from a server"), B("\xc0\x00", "PINGREQ from a server"),
        B("\xe0\x00", "DISCONNECT from a server"),
        B("\x21\x02\x00\x00", "CONNACK flags"), B("\x41\x02\x00\x01", "PUBACK flags"),
        B("\x60\x02\x00\x01", "PUBREL without its flag 2"), B("\x92\x03\x00\x01\x00", "SUBACK flags"),
        B("\xb8\x02\x00\x01", "UNSUBACK flags"), B("\xd1\x00", "PINGRESP flags"),
        B("\x36\x05\x00\x01" "a\x00\x01", "PUBLISH QoS 3"),
        B("\x30\x80\x80\x80\x80\x01", "a fifth length byte"),
        B("\x20\x03\x00\x00\x00", "CONNACK too long"), B("\x20\x01\x00", "CONNACK too short"),
        B("\xd0\x01\x00", "PINGRESP with a body"), B("\x40\x03\x00\x01\x00", "PUBACK too long"),
        B("\x40\x02\x00\x00", "PUBACK id 0"), B("\xb0\x02\x00\x00", "UNSUBACK id 0"),
        B("\x90\x02\x00\x01", "SUBACK without codes"), B("\x90\x03\x00\x01\x03", "SUBACK code 3"),
        B("\x90\x03\x00\x00\x01", "SUBACK id 0"),
        B("\x20\x02\x00\x06", "CONNACK code 6"), B("\x20\x02\x02\x00", "CONNACK flag bit 1"),
        B("\x20\x02\x01\x05", "session present with a refusal"),
        B("\x30\x05\x00\x09" "abc", "topic past the packet"),
        B("\x30\x02\x00\x00", "PUBLISH shorter than a topic"),
        B("\x30\x04\x00\x00" "hi", "zero-length topic"),
        B("\x30\x05\x00\x03" "a/#", "wildcard topic #"), B("\x30\x05\x00\x03" "+/a", "wildcard topic +"),
        B("\x30\x05\x00\x03" "a\x00" "b", "U+0000 in the topic"),
        B("\x30\x04\x00\x02\xc0\x80", "overlong UTF-8"), B("\x30\x05\x00\x03\xed\xa0\x80", "surrogate"),
        B("\x30\x06\x00\x04\xf4\x90\x80\x80", "above U+10FFFF"), B("\x30\x03\x00\x01\x80", "stray continuation"),
        B("\x30\x04\x00\x02\xe2\x82", "cut UTF-8"),
        B("\x32\x05\x00\x03" "abc", "QoS 1 without its id"),
        B("\x32\x07\x00\x03" "abc\x00\x00", "QoS 1 id 0"),
        B("\x38\x04\x00\x01" "ax", "DUP at QoS 0"),
#undef B
    };
    uint8_t buf[32];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (size_t split = 1; split <= bad[i].n; split += bad[i].n - 1 ? bad[i].n - 1 : 1) {
            struct mqtt_decoder d;
            char sum[256] = "";
            unsigned seed = 1;
            mqtt_decoder_init(&d, buf, sizeof(buf));
            int r = feed_pieces(&d, (const uint8_t *)bad[i].bytes, bad[i].n, split, sum, sizeof(sum), &seed);
            if (r != MQTT_EMALFORMED) {
                check_failures++;
                fprintf(stderr, "%s (split %zu): %d %s\n", bad[i].why, split, r, sum);
            }
            /* lost until reset: even a good packet is refused */
            struct mqtt_packet p;
            size_t used;
            CHECK(mqtt_decoder_feed(&d, (const uint8_t *)"\xd0\x00", 2, &used, &p) == MQTT_EMALFORMED);
            CHECK(mqtt_decoder_feed(&d, NULL, 0, &used, &p) == MQTT_EMALFORMED && used == 0);
            mqtt_decoder_init(&d, buf, sizeof(buf));
            CHECK(mqtt_decoder_feed(&d, (const uint8_t *)"\xd0\x00", 2, &used, &p) == 1 && used == 2);
        }
    }
}

/* A packet longer than the buffer is skipped whole and reported; the stream stays in step. */
void test_mqtt_decode_too_big(void)
{
    uint8_t *pkt = malloc(300);
    size_t n = 0;
    /* PUBLISH QoS 1 retained "big/t" id 0x0102, 200 bytes of payload: rem = 2 + 5 + 2 + 200 */
    memcpy(pkt, "\x33\xd1\x01\x00\x05" "big/t\x01\x02", 12);
    n = 12;
    memset(pkt + n, 'x', 200);
    n += 200;
    memcpy(pkt + n, "\xd0\x00" "\x30\x05\x00\x01" "aok", 9);        /* then PINGRESP, a small PUBLISH */
    n += 9;
    for (size_t cap = 0; cap <= 16; cap++) {
        for (size_t split = 1; split <= n; split = split == 1 ? 7 : split == 7 ? n : n + 1) {
            uint8_t *buf = malloc(cap ? cap : 1);
            struct mqtt_decoder d;
            mqtt_decoder_init(&d, buf, cap);
            size_t off = 0;
            int results[8], k = 0;
            struct mqtt_packet big = { 0 }, small = { 0 };
            while (off < n && k < 8) {
                size_t len = split < n - off ? split : n - off, used;
                struct mqtt_packet p;
                int r = mqtt_decoder_feed(&d, pkt + off, len, &used, &p);
                off += used;
                if (r) {
                    results[k++] = r;
                    if (k == 1) {       /* its topic is valid until the next call: check it now */
                        big = p;
                        CHECK(cap >= 9 ? big.id == 0x0102 && big.topic_len == 5 &&
                                             !memcmp(big.topic, "big/t", 5)
                                       : big.id == 0 && big.topic == NULL);
                    }
                    else if (p.type == MQTT_PUBLISH)
                        small = p;
                }
            }
            CHECK(k == 3);
            CHECK(results[0] == MQTT_ETOOBIG);
            CHECK(big.type == MQTT_PUBLISH && big.len == 209 && big.qos == 1 && big.retain == 1);
            CHECK(big.payload == NULL && big.payload_len == 0);
            CHECK(results[1] == 1 && results[2] == (cap >= 5 ? 1 : MQTT_ETOOBIG));
            if (cap >= 5) {     /* the small PUBLISH (rem 5) fits from 5 on; PINGRESP always */
                CHECK(small.topic_len == 1 && small.payload_len == 2 && !memcmp(small.payload, "ok", 2));
            }
            free(buf);
        }
    }
    /* a SUBACK too long for the buffer is skipped and reported too (the session drops the link for it) */
    uint8_t buf[4];
    struct mqtt_decoder d;
    struct mqtt_packet p;
    size_t used;
    mqtt_decoder_init(&d, buf, sizeof(buf));
    CHECK(mqtt_decoder_feed(&d, V("\x90\x06\x00\x01\x00\x01\x00\x01"), &used, &p) == MQTT_ETOOBIG);
    CHECK(used == 8 && p.type == MQTT_SUBACK && p.len == 6);
    free(pkt);
}

/* Remaining lengths in non-minimal form are accepted (3.1.1 does not forbid them); 4 bytes at most. */
void test_mqtt_decode_length_forms(void)
{
    uint8_t buf[16];
    struct mqtt_decoder d;
    struct mqtt_packet p;
    size_t used;
    mqtt_decoder_init(&d, buf, sizeof(buf));
    CHECK(mqtt_decoder_feed(&d, V("\xd0\x80\x80\x80\x00"), &used, &p) == 1 && p.type == MQTT_PINGRESP);
    CHECK(mqtt_decoder_feed(&d, V("\x40\x82\x00\x00\x05"), &used, &p) == 1 && p.id == 5);
    /* the largest length: the body is being skipped, nothing is wrong yet */
    CHECK(mqtt_decoder_feed(&d, V("\x30\xff\xff\xff\x7f\x00\x01"), &used, &p) == 0 && used == 7);
}
