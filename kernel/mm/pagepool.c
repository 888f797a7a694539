/*
 * A bitmap over a run of 4 KiB pages: first-fit allocation of contiguous
 * runs, starting from a rotating hint. Pure logic, no locking (mem.c locks).
 */
#include <mote.h>
#include "mm.h"

static int test_bit(const struct page_pool *pp, size_t i)
{
    return (pp->bitmap[i / 64] >> (i % 64)) & 1;
}

static void set_bits(struct page_pool *pp, size_t i, size_t n, int used)
{
    for (; n; n--, i++) {
        if (used)
            pp->bitmap[i / 64] |= 1ull << (i % 64);
        else
            pp->bitmap[i / 64] &= ~(1ull << (i % 64));
    }
}

/* `bitmap` must have room for npages bits; all pages start free. */
void page_pool_init(struct page_pool *pp, uintptr_t base, size_t npages, uint64_t *bitmap)
{
    pp->base = base;
    pp->npages = npages;
    pp->nfree = npages;
    pp->hint = 0;
    pp->bitmap = bitmap;
    for (size_t i = 0; i < (npages + 63) / 64; i++)
        bitmap[i] = 0;
}

/* Search [from, to) for n free pages in a row; returns the index or npages. */
static size_t find_run(const struct page_pool *pp, size_t from, size_t to, size_t n)
{
    size_t run = 0;
    for (size_t i = from; i < to; i++) {
        if (test_bit(pp, i)) {
            run = 0;
            continue;
        }
        if (++run == n)
            return i + 1 - n;
    }
    return pp->npages;
}

uintptr_t page_pool_alloc(struct page_pool *pp, size_t n)
{
    if (n == 0 || n > pp->nfree)
        return 0;
    size_t i = find_run(pp, pp->hint, pp->npages, n);
    if (i == pp->npages)
        i = find_run(pp, 0, pp->npages, n);
    if (i == pp->npages)
        return 0;
    set_bits(pp, i, n, 1);
    pp->nfree -= n;
    pp->hint = i + n < pp->npages ? i + n : 0;
    return pp->base + i * PAGE_SIZE;
}

int page_pool_free(struct page_pool *pp, uintptr_t addr, size_t n)
{
    if (addr < pp->base || (addr - pp->base) % PAGE_SIZE)
        return MOTE_EINVAL;
    size_t i = (addr - pp->base) / PAGE_SIZE;
    if (i + n > pp->npages)
        return MOTE_EINVAL;
    for (size_t k = 0; k < n; k++)
        if (!test_bit(pp, i + k))
            return MOTE_EINVAL;
    set_bits(pp, i, n, 0);
    pp->nfree += n;
    return 0;
}

/* Mark pages in use that were never handed out (e.g. the bitmap itself). */
void page_pool_reserve(struct page_pool *pp, uintptr_t addr, size_t n)
{
    size_t i = (addr - pp->base) / PAGE_SIZE;
    for (size_t k = 0; k < n && i + k < pp->npages; k++) {
        if (!test_bit(pp, i + k)) {
            set_bits(pp, i + k, 1, 1);
            pp->nfree--;
        }
    }
}
