/*
 * malloc and friends: the heap (heap.c) fed with pages, under an IRQ lock
 * so they work from any thread (not from IRQ handlers).
 */
#include <hal/cpu.h>
#include <core/core.h>
#include "mm.h"

static struct heap heap;

static void *grow_pages(size_t *bytes)
{
    size_t n = PAGE_ROUND_UP(*bytes) / PAGE_SIZE;
    void *p = page_alloc(n);
    *bytes = n * PAGE_SIZE;
    return p;
}

void heap_init(void)
{
    heap_setup(&heap, grow_pages);
}

void *malloc(size_t size)
{
    unsigned long flags = arch_irq_save();
    void *p = heap_alloc(&heap, size);
    arch_irq_restore(flags);
    return p;
}

void free(void *p)
{
    if (!p)
        return;
    unsigned long flags = arch_irq_save();
    int err = heap_release(&heap, p);
    arch_irq_restore(flags);
    if (err)
        panic("free(%p): not a block from malloc (double free or corruption?)", p);
}

void *calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return 0;
    void *p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *realloc(void *p, size_t size)
{
    if (!p)
        return malloc(size);
    if (!size) {
        free(p);
        return 0;
    }
    size_t old = heap_block_size(p);
    if (old >= size)
        return p;
    void *q = malloc(size);
    if (q) {
        memcpy(q, p, old);
        free(p);
    }
    return q;
}

void mote_mem_stats(struct mote_mem_stats *st)
{
    unsigned long flags = arch_irq_save();
    st->ram_total = mem_total();
    st->pages_free = mem_pages_free();
    st->heap_used = heap.used;
    st->heap_peak = heap.peak;
    st->heap_free = heap.free_bytes;
    st->heap_largest = heap_largest_free(&heap);
    arch_irq_restore(flags);
}
