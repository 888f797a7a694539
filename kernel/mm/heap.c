/*
 * The heap: a first-fit allocator over an address-ordered free list that
 * merges neighbours on free. Memory comes in chunks from a `grow` callback
 * (pages, in the kernel). Pure logic, no locking (malloc.c locks).
 *
 * Every block starts with a 16-byte header; payloads are 16-byte aligned.
 */
#include <mote.h>
#include "mm.h"

#define HDR 16u
#define MIN_BLOCK 32u
#define MAGIC_USED 0x6d6f74652d757365ull /* "mote-use" */
#define MAGIC_FREE 0x6d6f74652d667265ull /* "mote-fre" */
#define GROW_MIN (16u * 1024)

struct heap_block {
    size_t size;               /* whole block, header included */
    uint64_t magic;
    struct heap_block *next;   /* free blocks only (lives in the payload) */
};

void heap_setup(struct heap *h, void *(*grow)(size_t *bytes))
{
    h->free_list = 0;
    h->used = h->peak = h->free_bytes = 0;
    h->grow = grow;
}

/* Put a free block into the list in address order, merging with neighbours. */
static void insert_free(struct heap *h, struct heap_block *b)
{
    struct heap_block **link = &h->free_list, *prev = 0;
    while (*link && *link < b) {
        prev = *link;
        link = &(*link)->next;
    }
    b->magic = MAGIC_FREE;
    b->next = *link;
    *link = b;
    h->free_bytes += b->size;
    if (b->next && (char *)b + b->size == (char *)b->next) {
        b->size += b->next->size;
        b->next = b->next->next;
    }
    if (prev && (char *)prev + prev->size == (char *)b) {
        prev->size += b->size;
        prev->next = b->next;
    }
}

static void *take_fit(struct heap *h, size_t need)
{
    for (struct heap_block **link = &h->free_list; *link; link = &(*link)->next) {
        struct heap_block *b = *link;
        if (b->size < need)
            continue;
        if (b->size - need >= MIN_BLOCK) {
            struct heap_block *rest = (struct heap_block *)((char *)b + need);
            rest->size = b->size - need;
            rest->magic = MAGIC_FREE;
            rest->next = b->next;
            *link = rest;
            b->size = need;
        } else {
            *link = b->next;
        }
        h->free_bytes -= b->size;
        h->used += b->size - HDR;
        if (h->used > h->peak)
            h->peak = h->used;
        b->magic = MAGIC_USED;
        return (char *)b + HDR;
    }
    return 0;
}

void *heap_alloc(struct heap *h, size_t size)
{
    if (size == 0 || size > ((size_t)1 << 40))
        return 0;
    size_t need = ((size + 15) & ~(size_t)15) + HDR;
    if (need < MIN_BLOCK)
        need = MIN_BLOCK;
    void *p = take_fit(h, need);
    if (p || !h->grow)
        return p;
    size_t bytes = need > GROW_MIN ? need : GROW_MIN;
    struct heap_block *fresh = h->grow(&bytes);
    if (!fresh)
        return 0;
    fresh->size = bytes;
    insert_free(h, fresh);
    return take_fit(h, need);
}

int heap_release(struct heap *h, void *p)
{
    struct heap_block *b = (struct heap_block *)((char *)p - HDR);
    if (((uintptr_t)p & 15) || b->magic != MAGIC_USED)
        return MOTE_EINVAL;
    h->used -= b->size - HDR;
    insert_free(h, b);
    return 0;
}

size_t heap_block_size(void *p)
{
    struct heap_block *b = (struct heap_block *)((char *)p - HDR);
    return b->size - HDR;
}

/* The largest free block's payload: the biggest malloc that needs no new pages. */
size_t heap_largest_free(const struct heap *h)
{
    size_t best = 0;
    for (const struct heap_block *b = h->free_list; b; b = b->next)
        if (b->size > best)
            best = b->size;
    return best > HDR ? best - HDR : 0;
}
