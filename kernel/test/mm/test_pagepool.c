#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include <mote.h>
#include <mm/mm.h>

#define BASE 0x40000000u

void test_pagepool_alloc_free(void)
{
    uint64_t map[2];
    struct page_pool pp;
    page_pool_init(&pp, BASE, 100, map);
    CHECK(pp.nfree == 100);
    uintptr_t a = page_pool_alloc(&pp, 1);
    uintptr_t b = page_pool_alloc(&pp, 3);
    CHECK(a == BASE);
    CHECK(b == BASE + PAGE_SIZE);
    CHECK(pp.nfree == 96);
    CHECK(page_pool_free(&pp, a, 1) == 0);
    CHECK(pp.nfree == 97);
    CHECK(page_pool_free(&pp, a, 1) == MOTE_EINVAL);   /* double free */
    CHECK(page_pool_free(&pp, b + 1, 1) == MOTE_EINVAL);   /* not page aligned */
    CHECK(page_pool_free(&pp, BASE + 99 * PAGE_SIZE, 2) == MOTE_EINVAL);   /* past the end */
}

void test_pagepool_contiguous_and_errors(void)
{
    uint64_t map[1];
    struct page_pool pp;
    page_pool_init(&pp, BASE, 10, map);
    page_pool_reserve(&pp, BASE, 2);
    CHECK(pp.nfree == 8);
    uintptr_t p[8];
    for (int i = 0; i < 8; i++)
        p[i] = page_pool_alloc(&pp, 1);
    CHECK(p[0] == BASE + 2 * PAGE_SIZE);
    CHECK(page_pool_alloc(&pp, 1) == 0);   /* full */
    page_pool_free(&pp, p[1], 1);
    page_pool_free(&pp, p[3], 1);
    page_pool_free(&pp, p[4], 1);
    CHECK(page_pool_alloc(&pp, 3) == 0);   /* fragmented: no run of 3 */
    CHECK(page_pool_alloc(&pp, 2) == p[3]);
    CHECK(page_pool_alloc(&pp, 0) == 0);
    CHECK(page_pool_alloc(&pp, 11) == 0);
}
