#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include <mote.h>
#include <mm/mm.h>

#define AREA 0x10000000000ull
#define P PAGE_SIZE

static int nodes_live, nodes_fail_after = -1;

static struct vrange *node_new(void)
{
    if (nodes_fail_after == 0)
        return 0;
    if (nodes_fail_after > 0)
        nodes_fail_after--;
    nodes_live++;
    return malloc(sizeof(struct vrange));
}

static void node_delete(struct vrange *r)
{
    nodes_live--;
    free(r);
}

/* The free list is sorted, merged, below the top and inside the area. */
static int area_ok(const struct vrange_area *a)
{
    uintptr_t last_end = a->start;
    int first = 1;
    for (const struct vrange *f = a->free; f; f = f->next) {
        if (!f->size || f->start < last_end || (!first && f->start == last_end))
            return 0;
        last_end = f->start + f->size;
        first = 0;
    }
    return last_end < a->top || (first && last_end <= a->top);
}

void test_vrange_reuses_any_size(void)
{
    struct vrange_area a;
    nodes_live = 0;
    vrange_init(&a, AREA, 1ull << 30, node_new, node_delete);
    struct vrange *r1 = vrange_alloc(&a, 20 * P);
    struct vrange *r2 = vrange_alloc(&a, 3 * P);
    CHECK(r1 && r1->start == AREA && r1->size == 20 * P);
    CHECK(r2 && r2->start == AREA + 20 * P);
    vrange_free(&a, r1);
    CHECK(area_ok(&a));
    /* a smaller request takes the low end of the freed 20 pages, twice */
    struct vrange *s1 = vrange_alloc(&a, 8 * P);
    struct vrange *s2 = vrange_alloc(&a, 12 * P);
    CHECK(s1 && s1->start == AREA);
    CHECK(s2 && s2->start == AREA + 8 * P);
    CHECK(a.free == 0);                        /* used up exactly: no empty node left */
    CHECK(a.top == AREA + 23 * P);
    /* a larger one does not fit the hole and comes from the top */
    vrange_free(&a, s1);
    struct vrange *big = vrange_alloc(&a, 9 * P);
    CHECK(big && big->start == AREA + 23 * P);
    vrange_free(&a, s2);                       /* merges with s1's hole: 20 pages again */
    size_t n;
    CHECK(vrange_free_bytes(&a, &n) == 20 * P && n == 1);
    CHECK(area_ok(&a));
    vrange_free(&a, big);                      /* back to the top */
    CHECK(a.top == AREA + 23 * P);
    vrange_free(&a, r2);                       /* everything merges into the unused top */
    CHECK(a.top == AREA && a.free == 0);
    CHECK(nodes_live == 0);
}

void test_vrange_full_and_out_of_nodes(void)
{
    struct vrange_area a;
    nodes_live = 0;
    vrange_init(&a, AREA, 10 * P, node_new, node_delete);
    CHECK(vrange_alloc(&a, 0) == 0);
    CHECK(vrange_alloc(&a, 11 * P) == 0);
    struct vrange *r = vrange_alloc(&a, 10 * P);
    CHECK(r && vrange_alloc(&a, P) == 0);      /* full */
    vrange_free(&a, r);
    r = vrange_alloc(&a, 4 * P);
    struct vrange *q = vrange_alloc(&a, 6 * P);
    vrange_free(&a, r);
    nodes_fail_after = 0;                      /* a split needs a node: refused, nothing lost */
    CHECK(vrange_alloc(&a, 2 * P) == 0);
    CHECK(vrange_free_bytes(&a, 0) == 4 * P);
    struct vrange *exact = vrange_alloc(&a, 4 * P);   /* an exact fit needs none */
    CHECK(exact && exact->start == AREA);
    nodes_fail_after = -1;
    vrange_free(&a, exact);
    vrange_free(&a, q);
    CHECK(a.top == AREA && a.free == 0 && nodes_live == 0);
}

/*
 * Thousands of threads' worth of stacks of varying sizes, created and
 * joined in random order: the area never grows past what the most stacks
 * alive at once needed, and everything returns when all are freed.
 */
void test_vrange_churn_never_leaks(void)
{
    enum { LIVE = 24, ROUNDS = 30000 };
    struct vrange_area a;
    struct vrange *live[LIVE] = { 0 };
    nodes_live = 0;
    vrange_init(&a, AREA, 512ull << 30, node_new, node_delete);
    uint32_t seed = 12345;
    uint64_t worst = 0;
    for (int i = 0; i < ROUNDS; i++) {
        seed = seed * 1103515245u + 12345u;
        int k = (int)((seed >> 8) % LIVE);
        if (live[k]) {
            vrange_free(&a, live[k]);
            live[k] = 0;
        } else {
            /* a guard region of 16 pages + a stack of 1..64 pages */
            uint64_t size = (16 + 1 + (seed >> 16) % 64) * P;
            live[k] = vrange_alloc(&a, size);
            CHECK(live[k] != 0);
        }
        if (a.top - a.start > worst)
            worst = a.top - a.start;
        if (i % 1000 == 0)
            CHECK(area_ok(&a));
    }
    /* at most LIVE ranges of at most 80 pages, plus what fragmentation costs: bounded */
    CHECK(worst <= 3ull * LIVE * 80 * P);
    for (int k = 0; k < LIVE; k++)
        if (live[k])
            vrange_free(&a, live[k]);
    CHECK(a.top == AREA && a.free == 0);
    CHECK(nodes_live == 0);
}
