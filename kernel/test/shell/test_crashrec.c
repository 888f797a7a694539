/*
 * Crash records on a simulated flash that can lose power after any byte of
 * a write: a record, its state marker, which copy a new record goes to.
 */
#include "check.h"
#include <mote.h>
#include <shell/shell.h>

struct sim_flash {
    uint8_t bytes[CRASH_AREA_SIZE];
    long budget;        /* bytes that may still be written before the power cut; -1: unlimited */
};

static int sim_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct sim_flash *f = ctx;
    if (off + len > CRASH_AREA_SIZE)
        return MOTE_EINVAL;
    memcpy(buf, f->bytes + off, len);
    return 0;
}

static int sim_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    struct sim_flash *f = ctx;
    if (off + len > CRASH_AREA_SIZE)
        return MOTE_EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (f->budget == 0)
            return MOTE_EIO;
        f->bytes[off + i] = ((const uint8_t *)buf)[i];
        if (f->budget > 0)
            f->budget--;
    }
    return 0;
}

static uint8_t rec[CRASH_RECORD_MAX];

/* Save a record with this text the way crash.c does; returns its seq (0 on failure). */
static uint32_t save(struct flash_io *io, const char *text, uint8_t *copy_out, uint16_t *lost_out)
{
    uint8_t copy;
    uint32_t seq;
    uint16_t lost;
    if (crash_next(io, &copy, &seq, &lost))
        return 0;
    size_t n = strlen(text);
    memcpy(rec + CRASH_HDR_SIZE, text, n);
    if (copy_out)
        *copy_out = copy;
    if (lost_out)
        *lost_out = lost;
    return crash_write(io, copy, seq, lost, 0, rec, n) ? 0 : seq;
}

static const char text1[] =
    "crash seq=1 kind=null-pointer addr=0x4 thread=main uptime_ms=1234 version=1.0.0 "
    "build=0011223344556677 slot=a test=0 lost=0\n*** FAULT in thread 'main': null pointer\n"
    "backtrace:\n  #0  0x0000000040101104 sensor_store+0x10\n";

void test_crashrec_round_trip_and_state(void)
{
    static struct sim_flash f;
    memset(f.bytes, 0xff, sizeof(f.bytes));
    f.budget = -1;
    struct flash_io io = { sim_read, sim_write, &f };
    struct crash_info ci[2];
    CHECK(crash_list(&io, ci) == 0);
    uint8_t copy;
    uint16_t lost;
    CHECK(save(&io, text1, &copy, &lost) == 1);
    CHECK(copy == 0 && lost == 0);
    CHECK(crash_list(&io, ci) == 1);
    CHECK(ci[0].seq == 1 && ci[0].text_len == strlen(text1) && ci[0].state == 0 && ci[0].copy == 0);
    static char buf[CRASH_TEXT_MAX + 1];
    CHECK(crash_read(&io, 1, buf, sizeof(buf)) == (int)strlen(text1));
    CHECK_STR(buf, text1);
    CHECK(crash_read(&io, 2, buf, sizeof(buf)) == MOTE_ENOENT);
    char v[32];
    CHECK(crash_field(buf, "kind", v, sizeof(v)) == 0);
    CHECK_STR(v, "null-pointer");
    CHECK(crash_field(buf, "version", v, sizeof(v)) == 0);
    CHECK_STR(v, "1.0.0");
    CHECK(crash_field(buf, "thread", v, 3) == 0);
    CHECK_STR(v, "ma");
    CHECK(crash_field(buf, "backtrace", v, sizeof(v)) == MOTE_ENOENT);   /* first line only */
    CHECK(crash_field(buf, "kin", v, sizeof(v)) == MOTE_ENOENT);
    CHECK(crash_mark(&io, 1, CRASH_S_SEEN) == 0);
    CHECK(crash_list(&io, ci) == 1 && ci[0].state == CRASH_S_SEEN);
    CHECK(crash_mark(&io, 1, CRASH_S_ACKED) == 0);
    CHECK(crash_list(&io, ci) == 1 && ci[0].state == (CRASH_S_SEEN | CRASH_S_ACKED));
    CHECK(crash_mark(&io, 9, CRASH_S_ACKED) == MOTE_ENOENT);
    /* a flipped bit anywhere in the record makes it no record */
    f.bytes[CRASH_HDR_SIZE + 20] ^= 0x10;
    CHECK(crash_list(&io, ci) == 0);
    f.bytes[CRASH_HDR_SIZE + 20] ^= 0x10;
    CHECK(crash_list(&io, ci) == 1);
    /* the longest text fits; one byte more is refused */
    static char big[CRASH_TEXT_MAX + 2];
    memset(big, 'x', CRASH_TEXT_MAX);
    CHECK(crash_write(&io, 1, 5, 0, CRASH_F_TEST, rec, CRASH_TEXT_MAX) == 0);
    CHECK(crash_write(&io, 1, 6, 0, 0, rec, CRASH_TEXT_MAX + 1) == MOTE_EINVAL);
    CHECK(crash_list(&io, ci) == 2 && ci[1].seq == 5 && ci[1].flags == CRASH_F_TEST);
}

void test_crashrec_copy_choice_and_lost_count(void)
{
    static struct sim_flash f;
    memset(f.bytes, 0, sizeof(f.bytes));     /* blank as zeros this time */
    f.budget = -1;
    struct flash_io io = { sim_read, sim_write, &f };
    struct crash_info ci[2];
    uint8_t copy;
    uint16_t lost;
    CHECK(save(&io, "crash seq=1 kind=panic\n", &copy, &lost) == 1 && copy == 0);
    CHECK(save(&io, "crash seq=2 kind=panic\n", &copy, &lost) == 2 && copy == 1);
    /* both unacknowledged: the older goes, and the new record says one was lost */
    CHECK(save(&io, "crash seq=3 kind=panic\n", &copy, &lost) == 3 && copy == 0 && lost == 1);
    CHECK(crash_list(&io, ci) == 2 && ci[0].seq == 2 && ci[1].seq == 3 && ci[1].lost == 1);
    /* lost carries over only through the record overwritten: summed over the records the
       server gets, it counts every record that never reached it (seq 1 and 2 here) */
    CHECK(save(&io, "crash seq=4 kind=panic\n", &copy, &lost) == 4 && copy == 1 && lost == 1);
    /* the server has the newest: the next record goes over it, nothing lost */
    CHECK(crash_mark(&io, 4, CRASH_S_ACKED) == 0);
    CHECK(save(&io, "crash seq=5 kind=panic\n", &copy, &lost) == 5 && copy == 1 && lost == 0);
    CHECK(crash_list(&io, ci) == 2 && ci[0].seq == 3 && ci[1].seq == 5);
    /* a damaged copy is used first, and its marker's seq is never reused */
    CHECK(crash_mark(&io, 5, CRASH_S_ACKED) == 0);
    memset(f.bytes + CRASH_COPY_SIZE, 0, CRASH_HDR_SIZE);   /* copy 1's record gone, marker kept */
    CHECK(save(&io, "crash seq=6 kind=panic\n", &copy, &lost) == 6 && copy == 1 && lost == 0);
    CHECK(crash_list(&io, ci) == 2 && ci[1].seq == 6 && ci[1].state == 0);
}

/* Cut the power after every possible number of bytes of a record's write. */
void test_crashrec_torn_record_writes_lose_only_that_record(void)
{
    static struct sim_flash base, f;
    memset(base.bytes, 0xff, sizeof(base.bytes));
    base.budget = -1;
    struct flash_io bio = { sim_read, sim_write, &base };
    CHECK(save(&bio, text1, 0, 0) == 1);
    CHECK(save(&bio, "crash seq=2 kind=watchdog\nsecond\n", 0, 0) == 2);
    static char newtext[1500];
    memset(newtext, 'n', sizeof(newtext) - 1);
    memcpy(newtext, "crash seq=3 kind=panic\n", 23);
    size_t total = CRASH_HDR_SIZE + strlen(newtext);
    static char buf[CRASH_TEXT_MAX + 1];
    for (size_t cut = 0; cut <= total; cut++) {
        f = base;
        f.budget = (long)cut;
        struct flash_io io = { sim_read, sim_write, &f };
        uint32_t seq = save(&io, newtext, 0, 0);
        CHECK((seq == 3) == (cut == total));
        struct crash_info ci[2];
        int n = crash_list(&io, ci);
        CHECK(n >= 1);
        int have2 = 0;
        for (int i = 0; i < n; i++) {
            CHECK(ci[i].seq == 1 || ci[i].seq == 2 || (ci[i].seq == 3 && cut == total));
            CHECK(crash_read(&io, ci[i].seq, buf, sizeof(buf)) >= 0);
            if (ci[i].seq == 1)
                CHECK_STR(buf, text1);
            if (ci[i].seq == 2) {
                have2 = 1;
                CHECK_STR(buf, "crash seq=2 kind=watchdog\nsecond\n");
            }
            if (ci[i].seq == 3)
                CHECK_STR(buf, newtext);
        }
        CHECK(have2);
        /* the device carries on: the next record is written whole */
        f.budget = -1;
        CHECK(save(&io, "crash kind=panic\n", 0, 0) != 0);
    }
}

/* Cut the power during a state marker's write: the old or the new state, the record intact. */
void test_crashrec_torn_state_writes(void)
{
    static struct sim_flash base, f;
    memset(base.bytes, 0xff, sizeof(base.bytes));
    base.budget = -1;
    struct flash_io bio = { sim_read, sim_write, &base };
    CHECK(save(&bio, text1, 0, 0) == 1);
    CHECK(crash_mark(&bio, 1, CRASH_S_SEEN) == 0);
    for (long cut = 0; cut <= (long)CRASH_STATE_SIZE; cut++) {
        f = base;
        f.budget = cut;
        struct flash_io io = { sim_read, sim_write, &f };
        int err = crash_mark(&io, 1, CRASH_S_ACKED);
        CHECK((err == 0) == (cut == (long)CRASH_STATE_SIZE));
        struct crash_info ci[2];
        CHECK(crash_list(&io, ci) == 1 && ci[0].seq == 1);
        /* torn: no marker (state 0) or the old one; never a half-written state */
        CHECK(ci[0].state == 0 || ci[0].state == CRASH_S_SEEN ||
              (ci[0].state == (CRASH_S_SEEN | CRASH_S_ACKED) && cut == (long)CRASH_STATE_SIZE));
    }
}
