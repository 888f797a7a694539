#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include <mote.h>
#include <mm/mm.h>

static size_t grown;
static void *arenas[64];
static int narenas;

/* Page-sized chunks from the host, up to 256 KiB: a small "machine". */
static void *grow_host(size_t *bytes)
{
    size_t n = (*bytes + 4095) & ~(size_t)4095;
    if (grown + n > 256 * 1024 || narenas == 64)
        return NULL;
    grown += n;
    *bytes = n;
    return arenas[narenas++] = aligned_alloc(4096, n);
}

static void arenas_free(void)
{
    while (narenas)
        free(arenas[--narenas]);
    grown = 0;
}

void test_heap_alloc_free_coalesce(void)
{
    struct heap h;
    grown = 0;
    heap_setup(&h, grow_host);
    char *a = heap_alloc(&h, 100), *b = heap_alloc(&h, 200), *c = heap_alloc(&h, 300);
    CHECK(a && b && c);
    CHECK(((uintptr_t)a & 15) == 0 && ((uintptr_t)b & 15) == 0);
    CHECK(b >= a + 100 && c >= b + 200);
    memset(a, 1, 100);
    memset(b, 2, 200);
    memset(c, 3, 300);
    CHECK(heap_release(&h, b) == 0);
    char *d = heap_alloc(&h, 150);     /* first fit reuses b's hole */
    CHECK(d == b);
    CHECK(heap_release(&h, a) == 0);
    CHECK(heap_release(&h, d) == 0);
    CHECK(heap_release(&h, c) == 0);
    CHECK(h.used == 0);
    CHECK(h.free_list && h.free_bytes == 16 * 1024);   /* all merged back into one chunk */
    char *big = heap_alloc(&h, 16 * 1024 - 16);
    CHECK(big != NULL && grown == 16 * 1024);          /* no growth: the merged chunk fits */
    heap_release(&h, big);
    arenas_free();
}

void test_heap_grows_and_rejects_bad_free(void)
{
    struct heap h;
    grown = 0;
    heap_setup(&h, grow_host);
    void *big = heap_alloc(&h, 100 * 1024);
    CHECK(big != NULL);
    CHECK(grown >= 100 * 1024);
    CHECK(heap_alloc(&h, 1024 * 1024) == NULL);   /* the grow callback refuses */
    CHECK(heap_alloc(&h, 0) == NULL);
    char *p = heap_alloc(&h, 64);
    CHECK(heap_release(&h, p + 16) == MOTE_EINVAL);   /* not a block start */
    CHECK(heap_release(&h, p) == 0);
    CHECK(heap_release(&h, p) == MOTE_EINVAL);        /* double free */
    CHECK(heap_release(&h, big) == 0);
    arenas_free();
}

void test_heap_stats(void)
{
    struct heap h;
    grown = 0;
    heap_setup(&h, grow_host);
    void *p[10];
    for (int i = 0; i < 10; i++)
        p[i] = heap_alloc(&h, 1000);
    CHECK(h.used == 10 * 1008);
    CHECK(h.peak == h.used);
    for (int i = 0; i < 10; i++)
        heap_release(&h, p[i]);
    CHECK(h.used == 0);
    CHECK(h.peak == 10 * 1008);
    CHECK(heap_block_size(heap_alloc(&h, 33)) == 48);
    arenas_free();
}
