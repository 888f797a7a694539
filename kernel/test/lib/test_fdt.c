/*
 * The device-tree reader (lib/fdt.c): a small tree built here the way dtc
 * lays one out, walked in order; then every way of damaging it that the
 * walk must refuse without reading outside the bytes it was given (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include <mote.h>
#include <lib/lib.h>

/* A tree being built: header, empty reservation map, structure, strings. */
struct dtb {
    uint8_t st[512], str[128];
    size_t nst, nstr;
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void tok(struct dtb *d, uint32_t t)
{
    put32(d->st + d->nst, t);
    d->nst += 4;
}

static void bytes(struct dtb *d, const void *p, size_t n)
{
    memcpy(d->st + d->nst, p, n);
    d->nst += n;
    while (d->nst % 4)
        d->st[d->nst++] = 0;
}

static void begin(struct dtb *d, const char *name)
{
    tok(d, 1);
    bytes(d, name, strlen(name) + 1);
}

static void prop(struct dtb *d, const char *name, const void *val, uint32_t len)
{
    tok(d, 3);
    tok(d, len);
    tok(d, (uint32_t)d->nstr);
    memcpy(d->str + d->nstr, name, strlen(name) + 1);
    d->nstr += strlen(name) + 1;
    bytes(d, val, len);
}

static void prop32(struct dtb *d, const char *name, uint32_t v)
{
    uint8_t b[4];
    put32(b, v);
    prop(d, name, b, 4);
}

/* The finished blob, malloc'ed to its exact size (so ASan sees any overread). */
static uint8_t *finish(const struct dtb *d, uint32_t *size)
{
    uint32_t off_st = 40 + 16, off_str = off_st + (uint32_t)d->nst;
    *size = off_str + (uint32_t)d->nstr;
    uint8_t *f = calloc(1, *size);
    put32(f, FDT_MAGIC);
    put32(f + 4, *size);
    put32(f + 8, off_st);
    put32(f + 12, off_str);
    put32(f + 16, 40);
    put32(f + 20, 17);
    put32(f + 24, 16);
    put32(f + 32, (uint32_t)d->nstr);
    put32(f + 36, (uint32_t)d->nst);
    memcpy(f + off_st, d->st, d->nst);
    memcpy(f + off_str, d->str, d->nstr);
    return f;
}

/* A QEMU-virt-like tree: root cells, /memory@40000000 (2+2 cells), /psci, /cpus/cpu@0. */
static uint8_t *sample(uint32_t *size)
{
    static const uint8_t reg[16] = { 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x08, 0, 0, 0 };
    struct dtb d = { .nst = 0 };
    begin(&d, "");
    prop32(&d, "#address-cells", 2);
    prop32(&d, "#size-cells", 2);
    tok(&d, 4);                                     /* NOP */
    begin(&d, "memory@40000000");
    prop(&d, "device_type", "memory", 7);
    prop(&d, "reg", reg, sizeof(reg));
    tok(&d, 2);
    begin(&d, "psci");
    prop(&d, "method", "hvc", 4);
    tok(&d, 2);
    begin(&d, "cpus");
    begin(&d, "cpu@0");
    prop(&d, "empty", "", 0);
    tok(&d, 2);
    tok(&d, 2);
    tok(&d, 2);
    tok(&d, 9);                                     /* END */
    return finish(&d, size);
}

struct seen {
    int n;
    char line[16][64];
};

static int record(void *ctx, const struct fdt_prop *p)
{
    struct seen *s = ctx;
    if (s->n < 16)
        snprintf(s->line[s->n++], 64, "%u %s %s %u", p->depth, p->node, p->name, p->len);
    return 0;
}

static int stop_at_reg(void *ctx, const struct fdt_prop *p)
{
    (void)ctx;
    return strcmp(p->name, "reg") ? 0 : 42;
}

static int count(void *ctx, const struct fdt_prop *p)
{
    (void)p;
    ++*(int *)ctx;
    return 0;
}

void test_fdt_walks_in_order(void)
{
    uint32_t size;
    uint8_t *f = sample(&size);
    struct seen s = { 0 };
    CHECK(fdt_size(f) == size);
    CHECK(fdt_walk(f, size, record, &s) == 0);
    CHECK(s.n == 6);
    CHECK_STR(s.line[0], "1  #address-cells 4");
    CHECK_STR(s.line[1], "1  #size-cells 4");
    CHECK_STR(s.line[2], "2 memory@40000000 device_type 7");
    CHECK_STR(s.line[3], "2 memory@40000000 reg 16");
    CHECK_STR(s.line[4], "2 psci method 4");
    CHECK_STR(s.line[5], "3 cpu@0 empty 0");
    CHECK(fdt_walk(f, size, stop_at_reg, 0) == 42);
    CHECK(fdt_walk(f, size - 1, record, &s) == MOTE_EINVAL);   /* the header says more */
    free(f);
}

void test_fdt_cells_and_names(void)
{
    static const uint8_t c[12] = { 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe };
    const uint8_t *p = c;
    CHECK(fdt_be32(c + 1) == 0x34567800u);                     /* any alignment */
    CHECK(fdt_cells(&p, 2) == 0x1234567800000001ull && p == c + 8);
    CHECK(fdt_cells(&p, 1) == 0xfffffffeu && p == c + 12);
    CHECK(fdt_node_is("memory@40000000", "memory"));
    CHECK(fdt_node_is("memory", "memory"));
    CHECK(!fdt_node_is("memoryx", "memory"));
    CHECK(!fdt_node_is("mem", "memory"));
    CHECK(!fdt_node_is("psci@0", "memory"));
    static const uint8_t bad[8] = { 0xd0, 0x0d, 0xfe, 0xef, 0, 0, 0, 40 };
    CHECK(fdt_size(bad) == 0);
}

/* Damaged trees: each refused with MOTE_EINVAL, never read past `size`. */
void test_fdt_refuses_damage(void)
{
    uint32_t size;
    uint8_t *f = sample(&size);
    int n;
    /* Cut short: the structure block says more than the blob holds. */
    for (uint32_t cut = 0; cut < size; cut++) {
        uint8_t *g = malloc(cut ? cut : 1);
        memcpy(g, f, cut);
        n = 0;
        CHECK(fdt_walk(g, cut, count, &n) == MOTE_EINVAL);
        free(g);
    }
    /* A header that lies: every byte of the blob, changed, is walked safely. */
    for (uint32_t i = 0; i < size; i++) {
        for (int bit = 0; bit < 8; bit++) {
            f[i] ^= (uint8_t)(1u << bit);
            n = 0;
            int r = fdt_walk(f, size, count, &n);
            CHECK(r == 0 || r == MOTE_EINVAL);
            f[i] ^= (uint8_t)(1u << bit);
        }
    }
    free(f);

    /* Structure errors dtc would never write. */
    struct dtb d = { .nst = 0 };
    begin(&d, "");
    tok(&d, 2);
    tok(&d, 2);                                     /* END_NODE at depth 0 */
    tok(&d, 9);
    f = finish(&d, &size);
    CHECK(fdt_walk(f, size, count, &n) == MOTE_EINVAL);
    free(f);

    d = (struct dtb){ .nst = 0 };
    begin(&d, "");
    begin(&d, "a");
    tok(&d, 2);
    prop32(&d, "late", 1);                          /* a property after a subnode */
    tok(&d, 2);
    tok(&d, 9);
    f = finish(&d, &size);
    CHECK(fdt_walk(f, size, count, &n) == MOTE_EINVAL);
    free(f);

    d = (struct dtb){ .nst = 0 };
    begin(&d, "");
    tok(&d, 9);                                     /* END with a node still open */
    f = finish(&d, &size);
    CHECK(fdt_walk(f, size, count, &n) == MOTE_EINVAL);
    free(f);

    d = (struct dtb){ .nst = 0 };
    begin(&d, "");
    prop32(&d, "x", 1);
    put32(d.st + d.nst - 8, 0x100);                 /* name offset past the strings */
    tok(&d, 2);
    tok(&d, 9);
    f = finish(&d, &size);
    CHECK(fdt_walk(f, size, count, &n) == MOTE_EINVAL);
    free(f);
}
