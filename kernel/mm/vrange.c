/*
 * Ranges of an address area: the allocator behind the thread-stack area
 * (core/thread.c), where a stack and its guard region take one range.
 * Pure logic, no locking (the caller locks), host-tested.
 *
 * The area is [start, top) handed out or free, and [top, end) never used.
 * Free ranges below `top` sit on a list by address, none touching another
 * or `top` (they merge on free), and any of them serves a request of its
 * size or less: the request takes its low end and the rest stays free.
 * Each range handed out is a node the caller keeps and gives back; a node
 * is allocated only when a request splits a free range or grows the area,
 * never when a range is freed, so freeing cannot fail or drop a range.
 */
#include <mote.h>
#include "mm.h"

void vrange_init(struct vrange_area *a, uintptr_t start, uint64_t size,
                 struct vrange *(*node_new)(void), void (*node_delete)(struct vrange *))
{
    a->free = 0;
    a->start = start;
    a->top = start;
    a->end = start + size;
    a->node_new = node_new;
    a->node_delete = node_delete;
}

struct vrange *vrange_alloc(struct vrange_area *a, uint64_t size)
{
    if (!size)
        return 0;
    for (struct vrange **link = &a->free; *link; link = &(*link)->next) {
        struct vrange *f = *link;
        if (f->size < size)
            continue;
        if (f->size == size) {      /* the whole free range: its node goes to the caller */
            *link = f->next;
            f->next = 0;
            return f;
        }
        struct vrange *r = a->node_new();
        if (!r)
            return 0;
        r->start = f->start;
        r->size = size;
        r->next = 0;
        f->start += size;
        f->size -= size;
        return r;
    }
    if (size > a->end - a->top)
        return 0;
    struct vrange *r = a->node_new();
    if (!r)
        return 0;
    r->start = a->top;
    r->size = size;
    r->next = 0;
    a->top += size;
    return r;
}

void vrange_free(struct vrange_area *a, struct vrange *r)
{
    struct vrange **link = &a->free, *prev = 0;
    while (*link && (*link)->start < r->start) {
        prev = *link;
        link = &(*link)->next;
    }
    r->next = *link;
    *link = r;
    if (r->next && r->start + r->size == r->next->start) {   /* merge the one above */
        struct vrange *n = r->next;
        r->size += n->size;
        r->next = n->next;
        a->node_delete(n);
    }
    if (prev && prev->start + prev->size == r->start) {      /* merge into the one below */
        prev->size += r->size;
        prev->next = r->next;
        a->node_delete(r);
        r = prev;
    }
    if (r->start + r->size == a->top && !r->next) {          /* the top of the used part */
        a->top = r->start;
        struct vrange **p = &a->free;
        while (*p != r)
            p = &(*p)->next;
        *p = 0;
        a->node_delete(r);
    }
}

/* Bytes below `top` that are free, and how many free ranges hold them. */
uint64_t vrange_free_bytes(const struct vrange_area *a, size_t *ranges)
{
    uint64_t bytes = 0;
    size_t n = 0;
    for (const struct vrange *f = a->free; f; f = f->next, n++)
        bytes += f->size;
    if (ranges)
        *ranges = n;
    return bytes;
}
