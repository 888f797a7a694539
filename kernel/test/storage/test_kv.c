/*
 * The key-value store on a simulated flash that can lose power after any
 * byte of a write: every operation, including the ones that move to a new
 * sector and collect the oldest, is cut at every byte, the store mounted
 * again, and every key checked against a model (the cut key: old or new).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "check.h"
#include <mote.h>
#include <storage/storage.h>

#define MAX_SECTORS 8
#define NKEYS 12

struct sim_flash {
    uint8_t bytes[MAX_SECTORS * KV_SECTOR];
    long budget;                     /* bytes that may still be written; -1: unlimited */
    long written;                    /* bytes written so far */
    long sector_writes[MAX_SECTORS]; /* write calls per sector (wear) */
};

static int sim_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct sim_flash *f = ctx;
    if (off + len > sizeof f->bytes)
        return MOTE_EINVAL;
    memcpy(buf, f->bytes + off, len);
    return 0;
}

static int sim_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    struct sim_flash *f = ctx;
    if (off + len > sizeof f->bytes)
        return MOTE_EINVAL;
    f->sector_writes[off / KV_SECTOR]++;
    for (size_t i = 0; i < len; i++) {
        if (f->budget == 0)
            return MOTE_EIO;        /* the power is gone: the rest never reaches the flash */
        f->bytes[off + i] = ((const uint8_t *)buf)[i];
        f->written++;
        if (f->budget > 0)
            f->budget--;
    }
    return 0;
}

static int mount(struct kv *kv, struct sim_flash *f, uint32_t sectors)
{
    struct kv_io io = { sim_read, sim_write, f };
    return kv_mount(kv, &io, sectors);
}

/* What the store should hold: per key, a value or absent (len -1). */
struct model {
    int len[NKEYS];
    uint8_t val[NKEYS][MOTE_KV_VALUE_MAX];
};

static void key_name(int k, char *buf)
{
    snprintf(buf, 32, "key-%d%s", k, k % 3 ? "" : "-with-a-longer-name");
}

/* The value of key k must be what `m` says; returns 1 if so. */
static int key_matches(struct kv *kv, const struct model *m, int k)
{
    char key[32];
    uint8_t buf[MOTE_KV_VALUE_MAX];
    key_name(k, key);
    int r = kv_get(kv, key, buf, sizeof buf);
    if (m->len[k] < 0)
        return r == MOTE_ENOENT;
    return r == m->len[k] && !memcmp(buf, m->val[k], (size_t)r);
}

static int all_match(struct kv *kv, const struct model *m, int except)
{
    for (int k = 0; k < NKEYS; k++)
        if (k != except && !key_matches(kv, m, k))
            return 0;
    return 1;
}

/* One step of the workload: a set (length varies) or, now and then, a delete. */
struct op {
    int key, len, del;
    uint8_t seed;
};

static struct op op_make(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    struct op o = { (int)((*seed >> 8) % NKEYS), (int)((*seed >> 12) % 300), (*seed >> 24) % 7 == 0,
                    (uint8_t)(*seed >> 16) };
    return o;
}

static int op_apply(struct kv *kv, const struct op *o)
{
    char key[32];
    uint8_t v[MOTE_KV_VALUE_MAX];
    key_name(o->key, key);
    if (o->del)
        return kv_delete(kv, key);
    for (int i = 0; i < o->len; i++)
        v[i] = (uint8_t)(o->seed + 7 * i);
    return kv_set(kv, key, v, (size_t)o->len);
}

static void model_apply(struct model *m, const struct op *o)
{
    if (o->del) {
        m->len[o->key] = -1;
        return;
    }
    m->len[o->key] = o->len;
    for (int i = 0; i < o->len; i++)
        m->val[o->key][i] = (uint8_t)(o->seed + 7 * i);
}

void test_kv_set_get_delete(void)
{
    static struct sim_flash f = { .budget = -1 };
    struct kv kv;
    char buf[64];
    CHECK(mount(&kv, &f, 1) == MOTE_EINVAL);
    CHECK(mount(&kv, &f, 2) == 0);                         /* blank: formatted */
    CHECK(kv_get(&kv, "boots", buf, sizeof buf) == MOTE_ENOENT);
    CHECK(kv_set(&kv, "boots", "1", 1) == 0);
    CHECK(kv_set(&kv, "name", "sensor-7", 8) == 0);
    CHECK(kv_get(&kv, "boots", buf, sizeof buf) == 1 && buf[0] == '1');
    CHECK(kv_set(&kv, "boots", "22", 2) == 0);
    CHECK(kv_get(&kv, "boots", buf, sizeof buf) == 2 && !memcmp(buf, "22", 2));
    CHECK(kv_get(&kv, "name", buf, 3) == 8 && !memcmp(buf, "sen", 3));   /* truncated: full length */
    CHECK(kv_set(&kv, "empty", "", 0) == 0);
    CHECK(kv_get(&kv, "empty", buf, sizeof buf) == 0);
    long before = f.written;
    CHECK(kv_set(&kv, "name", "sensor-7", 8) == 0);
    CHECK(f.written == before);                             /* the same value: nothing written */
    CHECK(kv_delete(&kv, "name") == 0);
    CHECK(kv_get(&kv, "name", buf, sizeof buf) == MOTE_ENOENT);
    CHECK(kv_delete(&kv, "name") == MOTE_ENOENT);
    CHECK(kv_delete(&kv, "never") == MOTE_ENOENT);
    CHECK(kv_set(&kv, "", "x", 1) == MOTE_EINVAL);
    CHECK(kv_set(&kv, "0123456789012345678901234567890123", "x", 1) == MOTE_EINVAL);
    CHECK(kv_set(&kv, "big", buf, MOTE_KV_VALUE_MAX + 1) == MOTE_EINVAL);
    CHECK(kv_set(&kv, "0123456789012345678901234567890", "x", 1) == 0);   /* 31: the longest */
    /* mounted again: the same contents */
    struct kv again;
    CHECK(mount(&again, &f, 2) == 0);
    CHECK(kv_get(&again, "boots", buf, sizeof buf) == 2 && !memcmp(buf, "22", 2));
    CHECK(kv_get(&again, "name", buf, sizeof buf) == MOTE_ENOENT);
    CHECK(kv_get(&again, "empty", buf, sizeof buf) == 0);
}

/*
 * Thousands of writes on 4 sectors: the contents always match the model
 * (mounted again now and then), every sector takes its share of the
 * writes, and a full store says so.
 */
void test_kv_collects_and_spreads_wear(void)
{
    static struct sim_flash f = { .budget = -1 };
    static struct model m;
    struct kv kv;
    memset(&f, 0, sizeof f);
    f.budget = -1;
    for (int k = 0; k < NKEYS; k++)
        m.len[k] = -1;
    CHECK(mount(&kv, &f, 4) == 0);
    uint32_t seed = 99;
    for (int i = 0; i < 5000; i++) {
        struct op o = op_make(&seed);
        int r = op_apply(&kv, &o);
        CHECK(r == 0 || (o.del && r == MOTE_ENOENT && m.len[o.key] < 0));
        model_apply(&m, &o);
        if (i % 500 == 499) {
            CHECK(mount(&kv, &f, 4) == 0);
            CHECK(all_match(&kv, &m, -1));
        }
    }
    CHECK(all_match(&kv, &m, -1));
    long lo = f.sector_writes[0], hi = lo;
    for (int s = 1; s < 4; s++) {
        lo = f.sector_writes[s] < lo ? f.sector_writes[s] : lo;
        hi = f.sector_writes[s] > hi ? f.sector_writes[s] : hi;
    }
    printf("kv: 5000 operations on 4 sectors: %ld..%ld writes per sector\n", lo, hi);
    CHECK(lo > 0 && hi < 2 * lo);
    /* more live data than 1 sector of 2 can hold: MOTE_ENOSPC, and nothing lost */
    static struct sim_flash g = { .budget = -1 };
    struct kv small;
    uint8_t v[1000] = { 0 };
    CHECK(mount(&small, &g, 2) == 0);
    CHECK(kv_set(&small, "a", v, 1000) == 0);
    CHECK(kv_set(&small, "b", v, 1000) == 0);
    CHECK(kv_set(&small, "c", v, 1000) == 0);
    CHECK(kv_set(&small, "d", v, 1000) == 0);             /* 4 x 1016 bytes: one sector's worth */
    CHECK(kv_set(&small, "e", v, 1000) == MOTE_ENOSPC);
    CHECK(kv_get(&small, "d", v, sizeof v) == 1000);
    CHECK(kv_delete(&small, "d") == 0);                    /* room again once d is gone */
    CHECK(kv_set(&small, "e", v, 1000) == 0);
    CHECK(kv_get(&small, "a", v, sizeof v) == 1000 && kv_get(&small, "e", v, sizeof v) == 1000);
    CHECK(kv_get(&small, "d", v, sizeof v) == MOTE_ENOENT);
}

/*
 * Cut the power after every byte of every operation of a workload that
 * moves through 3 sectors many times; then cut the recovery of a cut
 * collection too. Afterwards the store mounts, every other key holds what
 * it held, the cut key holds its old or its new value, and the store takes
 * writes again.
 */
void test_kv_torn_writes_never_lose_data(void)
{
    enum { SECTORS = 3, OPS = 250 };
    static struct sim_flash f, snap;
    static struct model m, next;
    struct kv kv;
    memset(&f, 0, sizeof f);
    f.budget = -1;
    for (int k = 0; k < NKEYS; k++)
        m.len[k] = -1;
    CHECK(mount(&kv, &f, SECTORS) == 0);
    uint32_t seed = 4242;
    long cuts = 0, collections = 0;
    int failures0 = check_failures;
    for (int i = 0; i < OPS && check_failures == failures0; i++) {
        struct op o = op_make(&seed);
        o.len = o.len % 200;            /* keep the live data within what 3 sectors hold */
        snap = f;
        uint32_t cur_before = kv.cur;
        long w0 = f.written;
        CHECK(op_apply(&kv, &o) == 0 || o.del);
        long bytes = f.written - w0;
        int collected = kv.cur != cur_before;
        collections += collected;
        next = m;
        model_apply(&next, &o);
        for (long cut = 0; cut < bytes && check_failures == failures0; cut++) {
            struct kv k2;
            f = snap;
            f.budget = cut;
            if (mount(&k2, &f, SECTORS) == 0)
                (void)op_apply(&k2, &o);
            f.budget = -1;
            if (collected && cut % 7 == 3) {
                /* the power fails again while mounting finishes the collection */
                struct sim_flash mid = f;
                for (long c2 = 0; c2 < 600 && check_failures == failures0; c2 += 37) {
                    f = mid;
                    f.budget = c2;
                    (void)mount(&k2, &f, SECTORS);
                    f.budget = -1;
                    CHECK(mount(&k2, &f, SECTORS) == 0);
                    CHECK(all_match(&k2, &m, o.key));
                }
            }
            CHECK(mount(&k2, &f, SECTORS) == 0);
            CHECK(all_match(&k2, &m, o.key));
            CHECK(key_matches(&k2, &m, o.key) || key_matches(&k2, &next, o.key));
            cuts++;
            if (collected && cut % 13 == 5) {
                /* and the store goes on working from there, through its next moves */
                static struct model after;
                after = key_matches(&k2, &m, o.key) ? m : next;
                uint32_t start = k2.cur, moves = 0;
                uint8_t filler[150];
                memset(filler, cut & 0xff, sizeof filler);
                for (int j = 0; j < 80 && moves < 2 && check_failures == failures0; j++) {
                    filler[0] = (uint8_t)j;
                    uint32_t was = k2.cur;
                    CHECK(kv_set(&k2, "filler", filler, sizeof filler) == 0);
                    moves += k2.cur != was;
                    CHECK(all_match(&k2, &after, -1));
                }
                CHECK(moves == 2 && k2.cur != start);
            }
        }
        f = snap;       /* the uncut run's result, again, to go on from */
        f.budget = -1;
        CHECK(mount(&kv, &f, SECTORS) == 0);
        (void)op_apply(&kv, &o);
        m = next;
        CHECK(all_match(&kv, &m, -1));
    }
    printf("kv: %ld power cuts over %d operations (%ld moved to a new sector)\n", cuts, OPS, collections);
    CHECK(collections >= 3);
}
