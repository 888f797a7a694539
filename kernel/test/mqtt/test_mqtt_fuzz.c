/*
 * Fuzzing the decoder and the session with random and mutated streams: no
 * crash, overread, leak or hang (ASan/UBSan watch), the decoder's results
 * the same for any split, and the session's invariants kept. The count is
 * MQTT_FUZZ_ITERS (default 3000 per fuzzer); MQTT_FUZZ_SEED picks the start.
 */
#include <stdlib.h>
#include "check.h"
#include "mqtt_fake.h"
#include <mote.h>

static uint64_t rng;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static uint32_t below(uint32_t n)
{
    return n ? rnd() % n : 0;
}

static long env_num(const char *name, long dflt)
{
    const char *s = getenv(name);
    return s && *s ? strtol(s, NULL, 0) : dflt;
}

/* Well-formed packets a server sends, to mutate. */
static const struct { const char *b; size_t n; } corpus[] = {
#define C(s) { s, sizeof(s) - 1 }
    C("\x20\x02\x00\x00"), C("\x20\x02\x00\x05"), C("\x90\x03\x00\x01\x01"),
    C("\x90\x05\x00\x02\x00\x01\x80"), C("\xb0\x02\x00\x02"), C("\x40\x02\x00\x01"),
    C("\x40\x02\x00\x02"), C("\xd0\x00"), C("\x30\x07\x00\x03" "a/bhi"),
    C("\x32\x09\x00\x03" "a/b\x00\x01" "hi"), C("\x3a\x09\x00\x03" "a/b\x00\x01" "hi"),
    C("\x33\x0b\x00\x05" "\xc3\xa9/\xe2\x82\x00\x02" "xy"), C("\x34\x06\x00\x01" "t\x12\x34" "z"),
    C("\x62\x02\x00\x09"), C("\x30\x82\x01\x00\x01" "t"),
#undef C
};

/* A stream of n bytes: random, or corpus packets concatenated and mutated. */
static size_t make_stream(uint8_t *s, size_t cap)
{
    size_t n = 0;
    if (below(4) == 0) {
        n = below((uint32_t)cap);
        for (size_t i = 0; i < n; i++)
            s[i] = (uint8_t)rnd();
        return n;
    }
    for (int k = (int)below(8) + 1; k > 0; k--) {
        size_t i = below(sizeof(corpus) / sizeof(corpus[0]));
        if (n + corpus[i].n > cap)
            break;
        memcpy(s + n, corpus[i].b, corpus[i].n);
        n += corpus[i].n;
    }
    for (int m = (int)below(4); m > 0 && n; m--) {
        size_t at = below((uint32_t)n);
        switch (below(5)) {
        case 0: s[at] ^= (uint8_t)(1u << below(8)); break;
        case 1: s[at] = (uint8_t)rnd(); break;
        case 2: memmove(s + at, s + at + 1, n - at - 1); n--; break;               /* delete */
        case 3: if (n < cap) { memmove(s + at + 1, s + at, n - at); s[at] = (uint8_t)rnd(); n++; }
                break;                                                            /* insert */
        default: n = at; break;                                                   /* truncate */
        }
    }
    return n;
}

/* Decode s[0..n) in pieces (split 0: random sizes) into a summary; checks every result. */
static void decode(const uint8_t *s, size_t n, size_t cap, size_t split, char *sum, size_t sumcap)
{
    uint8_t *buf = malloc(cap ? cap : 1);
    struct mqtt_decoder d;
    mqtt_decoder_init(&d, buf, cap);
    size_t off = 0, k = 0;
    sum[0] = 0;
    while (off < n) {
        size_t len = split ? split : 1 + below(40);
        if (len > n - off)
            len = n - off;
        uint8_t *piece = malloc(len);
        memcpy(piece, s + off, len);
        for (size_t pos = 0; pos < len;) {
            struct mqtt_packet p;
            size_t used = 99999;
            int r = mqtt_decoder_feed(&d, piece + pos, len - pos, &used, &p);
            CHECK(used <= len - pos);
            CHECK(r != 0 || used == len - pos);         /* 0: it took everything */
            pos += used;
            if (r == 1 || r == MQTT_ETOOBIG) {
                CHECK(p.type >= MQTT_CONNACK && p.type <= MQTT_PINGRESP);
                if (p.topic)
                    CHECK((const uint8_t *)p.topic >= buf && (const uint8_t *)p.topic + p.topic_len <= buf + cap);
                if (p.payload)
                    CHECK(p.payload >= buf && p.payload + p.payload_len <= buf + cap);
                if (r == 1)
                    CHECK(p.len <= cap);
                k += (size_t)snprintf(sum + k, sumcap - k, "%d:%d:%u:%u:%zu|", r, p.type, p.id,
                                      p.len, p.payload_len);
            } else if (r < 0) {
                CHECK(r == MQTT_EMALFORMED);
                k += (size_t)snprintf(sum + k, sumcap - k, "E");
                pos = len;
                off = n;
            }
            if (k >= sumcap - 64)
                k = 0;      /* summaries of very long streams only compare their tails */
        }
        free(piece);
        if (off < n)
            off += len;
    }
    free(buf);
}

void test_mqtt_fuzz_decoder(void)
{
    long iters = env_num("MQTT_FUZZ_ITERS", 3000);
    rng = (uint64_t)env_num("MQTT_FUZZ_SEED", 1) * 0x9e3779b97f4a7c15ull + 1;
    static uint8_t s[2048];
    static char whole[8192], pieces[8192];
    long results[3] = { 0 };
    for (long it = 0; it < iters; it++) {
        uint64_t seed = rng;
        size_t n = make_stream(s, sizeof(s));
        size_t cap = below(4) ? below(64) : below(2048);
        decode(s, n, cap, n ? n : 1, whole, sizeof(whole));
        decode(s, n, cap, 0, pieces, sizeof(pieces));
        if (strcmp(whole, pieces)) {
            check_failures++;
            fprintf(stderr, "iteration %ld (state %llx): split changes the result\n %s\n %s\n", it,
                    (unsigned long long)seed, whole, pieces);
            return;
        }
        results[strchr(whole, 'E') ? 2 : whole[0] ? 1 : 0]++;
    }
    if (getenv("MQTT_FUZZ_VERBOSE"))
        fprintf(stderr, "decoder fuzz: %ld streams: %ld nothing, %ld packets only, %ld malformed\n",
                iters, results[0], results[1], results[2]);
}

/* ---- the session ---- */

/*
 * A server packet for the fuzzed session: mostly one that fits its state
 * (f->c.state: 3 waits for CONNACK, 4 for SUBACKs), sometimes junk.
 */
static size_t server_packet(struct mfake *f, uint8_t *s, size_t cap)
{
    uint16_t id = (uint16_t)(below(3) ? f->c.next_id - below(4) : rnd());
    uint32_t kind = below(10);
    if (f->c.state == 3 && below(4))
        kind = 0;
    else if (f->c.state == 4 && below(2))
        kind = 1;
    else if (f->c.state == 5 && below(8))
        kind = 2 + below(4);
    switch (kind) {
    case 0: s[0] = 0x20, s[1] = 2, s[2] = 0, s[3] = (uint8_t)(below(4) ? 0 : below(6)); return 4;
    case 1: s[0] = 0x90, s[1] = 3, s[2] = (uint8_t)(id >> 8), s[3] = (uint8_t)id,
            s[4] = below(4) ? (uint8_t)below(2) : 0x80; return 5;
    case 2: s[0] = 0x40, s[1] = 2, s[2] = (uint8_t)(id >> 8), s[3] = (uint8_t)id; return 4;
    case 3: s[0] = 0xd0, s[1] = 0; return 2;
    case 4: case 5: {       /* a PUBLISH of 0..600 bytes (rx is 256), QoS 0 or 1, maybe DUP */
        struct mqtt_publish p = { .topic = "a/b", .topic_len = 3, .payload = s + 100,
                                  .len = below(600), .qos = (uint8_t)below(2), .id = id ? id : 1 };
        p.dup = p.qos && below(3) == 0;
        uint8_t hdr[16];
        int hs = mqtt_encode_publish_header(hdr, sizeof(hdr), &p);
        if (hs < 0 || (size_t)hs + p.len > cap)
            return 0;
        memmove(s + hs, s + 100, p.len);
        memcpy(s, hdr, (size_t)hs);
        return (size_t)hs + p.len;
    }
    default: return make_stream(s, cap);
    }
}

void test_mqtt_fuzz_session(void)
{
    long iters = env_num("MQTT_FUZZ_ITERS", 3000);
    rng = (uint64_t)env_num("MQTT_FUZZ_SEED", 1) * 0x2545f4914f6cdd1dull + 7;
    static struct mfake f;
    static uint8_t s[1024];
    static const char *filters[] = { "a/#", "a/b", "+/x", "mote/dev/d1/down/#" };
    long seen[4] = { 0 }, msgs = 0, pubacks = 0, too_big = 0;
    for (long run = 0; run < iters / 30 + 1; run++) {
        mfake_init(&f, (uint16_t)below(20));
        mqtt_client_start(&f.c, 0);
        for (int op = 0; op < 300; op++) {
            uint32_t what = below(100);
            if (f.sent_read == f.sent_len)
                f.sent_read = f.sent_len = 0;
            f.send_fail = below(200) == 0;
            if (what < 40) {
                size_t n = server_packet(&f, s, sizeof(s));
                size_t off = 0;
                while (off < n) {                       /* in random pieces */
                    size_t len = 1 + below((uint32_t)(n - off));
                    mfake_srv(&f, s + off, len);
                    off += len;
                }
            } else if (what < 55) {         /* time passes */
                uint64_t t = mqtt_client_next_deadline(&f.c);
                f.now = t != UINT64_MAX && below(2) ? t : f.now + below(20000);
                uint64_t before = mqtt_client_next_deadline(&f.c);
                mqtt_client_timer(&f.c, f.now);
                int guard = 0;
                while (mqtt_client_next_deadline(&f.c) <= f.now && guard < 100) {
                    mqtt_client_timer(&f.c, f.now);     /* catch up: must settle quickly */
                    guard++;
                }
                CHECK(guard < 100);
                (void)before;
            } else if (what < 70) {
                size_t len = below(300);
                int r = mqtt_client_publish(&f.c, "up/x", 4, s, len, (int)below(2), (int)below(2), f.now);
                CHECK(r >= 0 || r == MOTE_EAGAIN || r == MOTE_ENOTCONN || r == MOTE_ENOMEM);
            } else if (what < 76) {
                const char *flt = filters[below(4)];
                if (below(3))
                    mqtt_client_subscribe(&f.c, flt, strlen(flt), (int)below(2), f.now);
                else
                    mqtt_client_unsubscribe(&f.c, flt, strlen(flt), f.now);
            } else if (what < 88) {
                mqtt_client_transport_up(&f.c, f.now);
            } else if (what < 93) {
                mqtt_client_transport_down(&f.c, f.now, 0);
            } else if (what < 94) {
                mqtt_client_stop(&f.c, f.now);
            } else if (what < 98) {
                mqtt_client_start(&f.c, f.now);
            } else {
                mqtt_client_reconnect(&f.c, f.now);
            }
            CHECK(f.opens == f.closes || f.opens == f.closes + 1);
            CHECK(f.c.inflight.used <= f.c.inflight.size && f.c.subs.used <= f.c.subs.size);
            int st = mqtt_client_state(&f.c);
            CHECK(st >= MOTE_MQTT_STOPPED && st <= MOTE_MQTT_CONNECTED);
            seen[st & 3]++;
            CHECK((st == MOTE_MQTT_STOPPED || st == MOTE_MQTT_WAITING) == (f.opens == f.closes));
        }
        msgs += f.msgs, pubacks += f.pubacks, too_big += f.too_bigs;
        mqtt_client_stop(&f.c, f.now);
        CHECK(f.opens == f.closes);
        if (check_failures) {
            fprintf(stderr, "session fuzz failed in run %ld\n", run);
            return;
        }
    }
    if (getenv("MQTT_FUZZ_VERBOSE"))
        fprintf(stderr, "session fuzz: steps stopped %ld waiting %ld connecting %ld connected %ld; "
                "%ld messages, %ld PUBACKs, %ld too big\n", seen[0], seen[1], seen[2], seen[3],
                msgs, pubacks, too_big);
}
