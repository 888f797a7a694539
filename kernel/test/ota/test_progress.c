/*
 * The progress record (progress.c) on a simulated persist region that can
 * lose power after any byte of a write, like test_bootstate.c.
 */
#include <stdint.h>
#include <update/bootstate.h>
#include "check.h"
#include "hex.h"
#include <mote.h>
#include <ota/progress.h>

struct sim_flash {
    uint8_t bytes[PROGRESS_REGION];
    long budget;        /* bytes that may still be written before the power cut; -1: unlimited */
};

static int sim_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct sim_flash *f = ctx;
    memcpy(buf, f->bytes + off, len);
    return 0;
}

static int sim_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    struct sim_flash *f = ctx;
    for (size_t i = 0; i < len; i++) {
        if (f->budget == 0)
            return MOTE_EIO;
        f->bytes[off + i] = ((const uint8_t *)buf)[i];
        if (f->budget > 0)
            f->budget--;
    }
    return 0;
}

static void sample(struct progress *p, uint32_t have)
{
    memset(p, 0, sizeof(*p));
    p->phase = PROGRESS_DOWNLOADING;
    p->slot = SLOT_B;
    p->job = 7;
    p->size = 1048952;
    p->have = have;
    p->counter = 2;
    p->chunk = 16384;
    p->window = 4;
    for (int i = 0; i < 32; i++)
        p->sha256[i] = (uint8_t)(0x90 + i);
    strcpy(p->version, "1.1.0");
}

static bool same(const struct progress *a, const struct progress *b)
{
    return a->seq == b->seq && a->phase == b->phase && a->slot == b->slot &&
           a->status == b->status && a->job == b->job && a->size == b->size &&
           a->have == b->have && a->counter == b->counter && a->chunk == b->chunk &&
           a->window == b->window && !memcmp(a->sha256, b->sha256, 32) &&
           !strcmp(a->version, b->version) && !strcmp(a->reason, b->reason);
}

void test_progress_round_trip_and_alternating_copies(void)
{
    static struct sim_flash f = { .budget = -1 };
    struct flash_io io = { sim_read, sim_write, &f };
    struct progress p, got;
    CHECK(progress_load(&io, &p) == MOTE_ENOENT);           /* blank */
    CHECK(p.phase == PROGRESS_NONE && p.seq == 0);
    sample(&p, 0);
    CHECK(progress_store(&io, &p) == 0 && p.seq == 1);     /* seq 1: copy 1 */
    CHECK(progress_load(&io, &got) == 0 && same(&p, &got));
    p.have = 65536;
    CHECK(progress_store(&io, &p) == 0 && p.seq == 2);     /* seq 2: copy 0 */
    CHECK(progress_load(&io, &got) == 0 && got.have == 65536 && got.seq == 2);
    memset(&p, 0, sizeof(p));
    p.seq = got.seq;
    p.phase = PROGRESS_ENDED;
    p.job = 7;
    p.status = OTA_ROLLEDBACK;
    strcpy(p.version, "1.0.0");
    strcpy(p.reason, "new image did not confirm; running slot a again");
    CHECK(progress_store(&io, &p) == 0);
    CHECK(progress_load(&io, &got) == 0 && same(&p, &got));
    /* damage the newest copy: the one before it comes back */
    f.bytes[PROGRESS_COPY_STRIDE + 20] ^= 1;
    CHECK(progress_load(&io, &got) == 0 && got.seq == 2 && got.have == 65536);
}

/* Cut the power after every possible number of bytes of a write. */
void test_progress_torn_writes_never_lose_the_state(void)
{
    static struct sim_flash base = { .budget = -1 };
    struct flash_io io = { sim_read, sim_write, &base };
    struct progress p, want;
    sample(&p, 0);
    progress_store(&io, &p);
    p.have = 131072;
    progress_store(&io, &p);                      /* seq 2 (have 128 KiB) is the state to protect */
    want = p;
    for (long cut = 0; cut <= PROGRESS_SIZE; cut++) {
        static struct sim_flash f;
        f = base;
        struct flash_io fio = { sim_read, sim_write, &f };
        struct progress next, after;
        CHECK(progress_load(&fio, &next) == 0 && same(&next, &want));
        next.have = 196608;
        f.budget = cut;
        int err = progress_store(&fio, &next);
        CHECK(progress_load(&fio, &after) == 0);
        if (cut == PROGRESS_SIZE) {
            CHECK(!err && after.seq == 3 && after.have == 196608);
        } else {
            CHECK(err == MOTE_EIO && same(&after, &want));
            CHECK(next.seq == 2);                 /* a retry goes over the same copy */
            f.budget = -1;
            CHECK(progress_store(&fio, &next) == 0 && next.seq == 3);
            CHECK(progress_load(&fio, &after) == 0 && after.have == 196608);
        }
    }
}

/* What progress_store writes: magic, format, length and CRC filled in. */
static void seal(struct progress *p)
{
    p->magic = PROGRESS_MAGIC;
    p->format = PROGRESS_VERSION;
    p->length = PROGRESS_SIZE;
    p->crc = crc32(p, PROGRESS_SIZE - 4);
}

void test_progress_refuses_damaged_or_strange_records(void)
{
    struct progress p, bad;
    sample(&p, 4096);
    p.seq = 5;
    seal(&p);
    CHECK(progress_valid(&p));
    /* every single bit flip is caught */
    for (int i = 0; i < PROGRESS_SIZE * 8; i++) {
        memcpy(&bad, &p, sizeof(bad));
        ((uint8_t *)&bad)[i / 8] ^= (uint8_t)(1 << (i % 8));
        if (progress_valid(&bad)) {
            fprintf(stderr, "bit %d flipped and the record is still valid\n", i);
            check_failures++;
        }
    }
    /* valid CRCs over invalid contents */
    bad = p;
    bad.phase = 5;
    seal(&bad);
    CHECK(!progress_valid(&bad));
    bad = p;
    bad.slot = 2;
    seal(&bad);
    CHECK(!progress_valid(&bad));
    bad = p;
    bad.have = bad.size + 1;
    seal(&bad);
    CHECK(!progress_valid(&bad));
    bad = p;
    bad.phase = PROGRESS_ENDED;
    bad.status = OTA_REBOOTING;          /* not an ending status */
    seal(&bad);
    CHECK(!progress_valid(&bad));
    bad = p;
    memset(bad.reason, 'x', sizeof(bad.reason));   /* no NUL */
    seal(&bad);
    CHECK(!progress_valid(&bad));
    bad = p;
    bad.format = 2;                      /* a later format */
    bad.crc = crc32(&bad, PROGRESS_SIZE - 4);
    CHECK(!progress_valid(&bad));
    memset(&bad, 0xff, sizeof(bad));     /* erased flash */
    CHECK(!progress_valid(&bad));
    progress_clear(&p);
    CHECK(p.seq == 5 && p.phase == PROGRESS_NONE && p.job == 0 && p.magic == 0);
}

/*
 * The layout of docs/ota-protocol.md, byte for byte: job 7 at seq 3,
 * downloading into slot B, 64 KiB of 1048952 held, counter 2, chunk 16384,
 * window 4, sha256 90 91 .. af, version 1.1.0.
 */
void test_progress_golden_record(void)
{
    static const char golden[] =
        "4d4f5450" "0100" "0001" "03000000" "01" "01" "00" "00"
        "07000000" "78011000" "00000100" "02000000" "00400000" "04000000"
        "909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
        "312e312e30000000000000000000000000000000000000000000000000000000";
    struct progress p;
    char hex[2 * PROGRESS_SIZE + 1];
    sample(&p, 65536);
    p.seq = 3;
    seal(&p);
    const uint8_t *buf = (const uint8_t *)&p;
    hex_encode(hex, buf, PROGRESS_SIZE);
    CHECK(strlen(golden) == 2 * 104);
    CHECK(!strncmp(hex, golden, strlen(golden)));
    for (size_t i = strlen(golden) / 2; i < PROGRESS_SIZE - 4; i++)
        CHECK(buf[i] == 0);                    /* reason empty, reserved zero */
    uint32_t crc = crc32(buf, PROGRESS_SIZE - 4);
    CHECK(buf[252] == (crc & 0xff) && buf[255] == crc >> 24);
}
