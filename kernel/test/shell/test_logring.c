/* The log ring: the newest records kept, numbered, readable across drops. */
#include "check.h"
#include <mote.h>
#include <shell/shell.h>

void test_logring_keeps_the_newest_records(void)
{
    static uint8_t mem[256];
    struct log_ring r;
    struct log_rec rec;
    char text[64], line[300];
    logring_init(&r, mem, sizeof(mem));
    CHECK(logring_get(&r, 1, &rec) == MOTE_ENOENT);
    logring_put(&r, 1234, MOTE_LOG_WARN, "main: hello", 11);
    CHECK(logring_get(&r, 0, &rec) == 0);
    CHECK(rec.seq == 1 && rec.t_ms == 1234 && rec.level == MOTE_LOG_WARN && rec.len == 11);
    CHECK_STR(rec.text, "main: hello");
    log_format(&rec, line, sizeof(line));
    CHECK_STR(line, "1.234 W main: hello");
    /* fill far past the capacity: records wrap around the buffer's end */
    for (int i = 2; i <= 100; i++) {
        int n = snprintf(text, sizeof(text), "record %d %.*s", i, i % 23, "xxxxxxxxxxxxxxxxxxxxxxxxxxx");
        logring_put(&r, (uint64_t)i << 33, i % 4 + 1, text, (size_t)n);
        CHECK(r.used <= r.cap);
    }
    CHECK(r.next_seq == 101);
    CHECK(r.first_seq > 1);
    for (uint64_t s = r.first_seq; s < r.next_seq; s++) {
        CHECK(logring_get(&r, s, &rec) == 0);
        CHECK(rec.seq == s);
        int n = snprintf(text, sizeof(text), "record %d %.*s", (int)s, (int)s % 23, "xxxxxxxxxxxxxxxxxxxxxxxxxxx");
        CHECK(rec.len == (size_t)n && !memcmp(rec.text, text, rec.len));
        CHECK(rec.t_ms == s << 33 && rec.level == (int)(s % 4 + 1));
    }
    /* text over LOG_TEXT_MAX is cut; a record larger than the ring is dropped */
    static uint8_t big[1024];
    char longtext[400];
    memset(longtext, 'L', sizeof(longtext));
    logring_init(&r, big, sizeof(big));
    logring_put(&r, 1, MOTE_LOG_INFO, longtext, sizeof(longtext));
    CHECK(logring_get(&r, 1, &rec) == 0 && rec.len == LOG_TEXT_MAX);
    static uint8_t tiny[16];
    logring_init(&r, tiny, sizeof(tiny));
    logring_put(&r, 1, MOTE_LOG_INFO, longtext, 10);
    CHECK(logring_get(&r, 1, &rec) == MOTE_ENOENT);
    CHECK(log_level_char(MOTE_LOG_ERROR) == 'E' && log_level_char(MOTE_LOG_DEBUG) == 'D');
    CHECK(log_level_char(9) == '?');
}

void test_logring_reader_carries_on_after_drops(void)
{
    static uint8_t mem[128];
    struct log_ring r;
    struct log_rec rec;
    logring_init(&r, mem, sizeof(mem));
    logring_put(&r, 1, MOTE_LOG_INFO, "aaaaaaaaaa", 10);   /* 20 bytes each */
    uint64_t cursor = 1;
    CHECK(logring_get(&r, cursor, &rec) == 0);
    cursor = rec.seq + 1;
    for (int i = 0; i < 20; i++)
        logring_put(&r, 2, MOTE_LOG_INFO, "bbbbbbbbbb", 10);
    /* seq 2 was dropped: the reader gets the oldest held and sees the gap */
    CHECK(logring_get(&r, cursor, &rec) == 0);
    CHECK(rec.seq > cursor && rec.seq == r.first_seq);
    CHECK(r.next_seq - r.first_seq == 6);                /* 6 x 20 bytes fit in 128 */
}
