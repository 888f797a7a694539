/*
 * Random and mutated input for the agent: control lines (valid ones with
 * bytes changed, inserted, cut or repeated; random grammar; random bytes)
 * and chunks (right ones, ones with a field changed, random ones), mixed
 * with time passing, lost connections, reboots and confirms. Nothing may
 * crash, hang, leak (ASan) or break an invariant, and everything the agent
 * says must be a valid control line. OTA_FUZZ_ITERS sets the number of
 * steps (default 20000), OTA_FUZZ_SEED the seed.
 *
 * The parser is also checked line by line against a model of the server's
 * Control.parse, written the way the Java is (indexOf and substring).
 */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include <ota/control.h>
#include "fake.h"
#include <mote.h>

static uint64_t seed;

static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (uint32_t)(seed >> 11);
}

static unsigned long env_number(const char *name, unsigned long dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtoul(v, NULL, 10) : dflt;
}

/* ---- a model of Control.parse: 1 if the Java accepts the line ---- */

static int index_of(const char *s, size_t len, char c, size_t from)
{
    for (size_t i = from; i < len; i++)
        if (s[i] == c)
            return (int)i;
    return -1;
}

static int java_token(const char *s, size_t n)
{
    if (n == 0 || n > 128)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] > ' ' && s[i] < 0x7f) || s[i] == '=')
            return 0;
    return 1;
}

static int java_parse(const char *s, size_t len)
{
    if (len == 0 || len > 512)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] > ' ' && s[i] < 0x7f) || s[i] == ' '))
            return 0;
    int sp = index_of(s, len, ' ', 0);
    size_t verb = sp < 0 ? len : (size_t)sp;
    if (!java_token(s, verb))
        return 0;
    size_t keys[300], klens[300], nkeys = 0;
    size_t at = sp < 0 ? len : (size_t)sp + 1;
    while (at < len) {
        int eq = index_of(s, len, '=', at);
        if (eq <= (int)at)
            return 0;
        if (!java_token(s + at, (size_t)eq - at))
            return 0;
        size_t kl = (size_t)eq - at;
        int end = kl == 6 && !memcmp(s + at, "reason", 6) ? (int)len : index_of(s, len, ' ', (size_t)eq);
        end = end < 0 ? (int)len : end;
        if (end == eq + 1)
            return 0;
        for (size_t k = 0; k < nkeys; k++)
            if (klens[k] == kl && !memcmp(s + keys[k], s + at, kl))
                return 0;
        keys[nkeys] = at;
        klens[nkeys++] = kl;
        at = (size_t)end + 1;
    }
    return 1;
}

/* ---- input generators ---- */

static const char *const verbs[] = { "offer", "cancel", "hello", "state", "req", "x", "offer=" };
static const char *const keys[] = { "job", "sha256", "size", "version", "counter", "chunk",
                                    "window", "deadline", "reason", "off", "len", "x", "" };
static const char *const values[] = {
    "0", "1", "7", "8", "255", "256", "4096", "16384", "65536", "65537", "4294967295",
    "4294967296", "999999999999999999", "1000000000000000000", "1.1.0", "", "a b", "=", "-1",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static size_t random_grammar(char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "%s", verbs[rnd() % N(verbs)]);
    for (unsigned f = rnd() % 12; f && n < cap; f--)
        n += (size_t)snprintf(out + n, cap - n, "%s%s=%s", rnd() % 20 ? " " : "  ",
                              keys[rnd() % N(keys)], values[rnd() % N(values)]);
    return n < cap ? n : cap - 1;
}

static size_t mutate(char *buf, size_t len, size_t cap)
{
    for (unsigned m = 1 + rnd() % 4; m; m--) {
        size_t at = len ? rnd() % len : 0;
        switch (rnd() % 6) {
        case 0:
            if (len)
                buf[at] ^= (char)(1 << (rnd() % 8));
            break;
        case 1:
            if (len < cap) {
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = (char)(rnd() % 3 ? ' ' + rnd() % 95 : rnd());
                len++;
            }
            break;
        case 2:
            if (len) {
                memmove(buf + at, buf + at + 1, len - at - 1);
                len--;
            }
            break;
        case 3:
            len = at;
            break;
        case 4: {
            size_t n = len - at < 40 ? len - at : 40;
            if (len + n <= cap) {
                memmove(buf + at + n, buf + at, len - at);
                len += n;
            }
            break;
        }
        default:
            if (len)
                buf[at] = (char)"0 =9a"[rnd() % 5];
            break;
        }
    }
    return len;
}

static void send_raw_chunk(struct fake *f, const struct fake_image *img)
{
    static uint8_t msg[12 + 70000];
    uint32_t len = rnd() % 4 ? rnd() % 20000 : rnd() % 70000;
    uint32_t job = rnd() % 3 ? 7 + rnd() % 2 : rnd();
    uint32_t off = rnd() % 2 ? (rnd() % 64) * 256 : rnd();
    if (rnd() % 2 && off + len <= img->size)
        memcpy(msg + 12, img->bytes + off, len);
    else
        for (uint32_t i = 0; i < len; i++)
            msg[12 + i] = (uint8_t)rnd();
    uint32_t crc = rnd() % 2 ? crc32(msg + 12, len) : rnd();
    uint32_t hdr[3] = { job, off, crc };
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 4; b++)
            msg[4 * i + b] = (uint8_t)(hdr[i] >> (24 - 8 * b));
    size_t total = 12 + len;
    if (rnd() % 8 == 0)
        total = rnd() % 14;   /* too short for a header */
    ota_agent_message(&f->a, "chunk", msg, total, f->now);
}

static void check_said(struct fake *f)
{
    const char *line;
    while (*(line = fake_next(f))) {
        struct ctl c;
        size_t n = strlen(line);
        if (ctl_parse(&c, line, n) || !java_parse(line, n) ||
            !(ctl_verb_is(&c, "hello") || ctl_verb_is(&c, "state") || ctl_verb_is(&c, "req"))) {
            fprintf(stderr, "the agent said a bad line: '%s'\n", line);
            check_failures++;
        }
    }
}

static void check_invariants(const struct fake *f)
{
    const struct ota_agent *a = &f->a;
    CHECK(a->phase <= OTA_TESTING);
    if (a->phase == OTA_FETCHING) {
        CHECK(a->dl.nreqs <= DL_OUTSTANDING && dl_have(&a->dl) <= a->dl.size);
        CHECK(a->rec.size <= FAKE_SLOT_SIZE && a->rec.slot == (a->slot ^ 1));
        CHECK(a->rec.have <= dl_have(&a->dl));
    }
    CHECK(a->rec.phase <= PROGRESS_ENDED);
}

void test_fuzz_parser_matches_the_java_model(void)
{
    seed = env_number("OTA_FUZZ_SEED", 1) * 0x9e3779b97f4a7c15ull | 1;
    unsigned long iters = env_number("OTA_FUZZ_ITERS", 20000) * 5;
    static char buf[700];
    for (unsigned long i = 0; i < iters; i++) {
        size_t len = random_grammar(buf, 600);
        if (rnd() % 2)
            len = mutate(buf, len, 600);
        struct ctl c;
        int mine = ctl_parse(&c, buf, len) == 0, java = java_parse(buf, len);
        if (mine != java) {
            fprintf(stderr, "parser differs from Java (C %d, Java %d): '%.*s'\n", mine, java,
                    (int)len, buf);
            check_failures++;
            return;
        }
    }
}

void test_fuzz_agent_survives_anything(void)
{
    seed = env_number("OTA_FUZZ_SEED", 2) * 0x2545f4914f6cdd1dull | 1;
    unsigned long iters = env_number("OTA_FUZZ_ITERS", 20000);
    struct fake_image imgs[3];
    fake_image_make(&imgs[0], 3000, NULL, 1, "1.1.0", 0xa7, 1);
    fake_image_make(&imgs[1], 40000, NULL, 2, "1.2.0", 0xa7, 2);
    fake_image_make(&imgs[2], 20000, NULL, 1, "1.3.0", 0x33, 3);   /* untrusted key */
    struct fake *f = fake_new("1.0.0", 1);
    fake_connect(f);
    static char line[700];
    unsigned completed = 0;
    int failures = check_failures;
    for (unsigned long i = 0; i < iters; i++) {
        const struct fake_image *img = &imgs[rnd() % 3];
        unsigned what = rnd() % 100;
        if (what < 15) {                      /* a real offer, maybe spoiled */
            static const unsigned chunks[] = { 256, 1024, 4096, 16384, 32768 };
            unsigned chunk = chunks[rnd() % N(chunks)];
            snprintf(line, sizeof(line),
                     "offer job=%u sha256=%s size=%u version=%s counter=%u chunk=%u window=%u "
                     "deadline=600", 7 + rnd() % 2, img->sha_hex, img->size, img->version,
                     rnd() % 3, chunk, 1 + rnd() % 6);
            size_t len = strlen(line);
            if (rnd() % 3 == 0) {
                len = mutate(line, len, 600);
            } else {
                fake_drop_queue(f);           /* the server now serves this image */
                f->img = img;
                f->chunk = chunk;
            }
            ota_agent_message(&f->a, "job", line, len, f->now);
        } else if (what < 20) {               /* cancel */
            snprintf(line, sizeof(line), "cancel job=%u", 6 + rnd() % 3);
            fake_job(f, line);
        } else if (what < 30) {               /* grammar and garbage */
            size_t len;
            if (rnd() % 4) {
                len = random_grammar(line, 600);
                len = mutate(line, len, 600);
            } else {
                len = rnd() % 600;
                for (size_t k = 0; k < len; k++)
                    line[k] = (char)rnd();
            }
            ota_agent_message(&f->a, rnd() % 10 ? "job" : "chunk", line, len, f->now);
        } else if (what < 70) {               /* the server's chunks, in some order */
            if (f->img && f->chunk) {
                fake_serve(f);
                if (f->qlen)
                    fake_deliver(f, rnd() % 4 ? 0 : rnd() % f->qlen);
            }
        } else if (what < 80) {
            if (f->img)
                send_raw_chunk(f, f->img);
        } else if (what < 90) {
            fake_wait(f, rnd() % 7000);
        } else if (what < 94) {
            fake_drop_queue(f);
        } else if (what < 97) {
            if (f->a.connected)
                fake_disconnect(f);
            else
                fake_connect(f);
        } else if (what < 98) {
            if (rnd() % 2)
                f->confirmed = rnd() % 2;
            else
                f->budget = rnd() % 300;      /* the power is going: writes stop landing */
        } else {                              /* power cut or reboot, then power on */
            completed += f->rebooted;
            fake_boot(f, (uint8_t)(rnd() % 2), rnd() % 2, rnd() % 2 ? "1.0.0" : "1.1.0");
            f->confirmed = false;
            fake_connect(f);
        }
        if (!f->a.connected && rnd() % 8 == 0)
            fake_connect(f);
        check_said(f);
        check_invariants(f);
        if (check_failures != failures) {
            fprintf(stderr, "fuzz: failed at step %lu (OTA_FUZZ_SEED as given)\n", i);
            break;
        }
    }
    const struct ota_stats *s = &f->a.stats;
    printf("fuzz: %lu steps; last boot: %u bad lines, %u bad chunks, %u dropped, %u timeouts, "
           "%u saves; %u reboots into a new image overall\n", iters, s->bad_lines, s->bad_chunks,
           s->dropped_chunks, s->timeouts, s->saves, completed);
    for (int i = 0; i < 3; i++)
        fake_image_free(&imgs[i]);
    fake_free(f);
}
