/*
 * mm/: memory. The page pool (a bitmap, pure logic), the machine's page
 * allocator on it (mem.c), the heap behind malloc (heap.c, malloc.c) and
 * the page-table walker (mmu.c, over the port's hal/mmu.h encodings).
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096u
#define PAGE_ROUND_UP(x) (((x) + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(x) ((x) & ~(uintptr_t)(PAGE_SIZE - 1))

/* ---- pagepool.c: a bitmap of 4 KiB pages (pure logic, host-tested) ---- */
struct page_pool {
    uintptr_t base;      /* address of page 0 */
    size_t npages;
    size_t nfree;
    size_t hint;         /* where the next search starts */
    uint64_t *bitmap;    /* bit set = page in use */
};
void page_pool_init(struct page_pool *pp, uintptr_t base, size_t npages, uint64_t *bitmap);
/* First fit of n contiguous free pages; returns the address or 0. */
uintptr_t page_pool_alloc(struct page_pool *pp, size_t n);
/* Returns 0, or MOTE_EINVAL if any of the pages was not allocated. */
int page_pool_free(struct page_pool *pp, uintptr_t addr, size_t n);
void page_pool_reserve(struct page_pool *pp, uintptr_t addr, size_t n);

/* ---- mem.c: the machine's page allocator ---- */
void mem_init(void);
void mem_init_window(uintptr_t start, uintptr_t end);
uint64_t mem_total(void);
size_t mem_pages_free(void);
/* n contiguous zeroed pages, or NULL. Any context. */
void *page_alloc(size_t n);
void page_free(void *p, size_t n);
/* 1 if [p, p + n) is identity-mapped RAM (image or pages), so a device may DMA to it; 0 for a thread stack. */
int mem_dma_ok(const void *p, size_t n);

/* ---- heap.c: first-fit allocator with coalescing (pure logic, host-tested) ---- */
struct heap_block;
struct heap {
    struct heap_block *free_list;  /* sorted by address */
    size_t used, peak, free_bytes;
    /* Returns `*bytes` (rounded up by the callee) of fresh memory, or NULL. */
    void *(*grow)(size_t *bytes);
};
void heap_setup(struct heap *h, void *(*grow)(size_t *bytes));
void *heap_alloc(struct heap *h, size_t size);
/* Returns 0, or MOTE_EINVAL for a pointer that is not a live block. */
int heap_release(struct heap *h, void *p);
size_t heap_block_size(void *p);
size_t heap_largest_free(const struct heap *h);

/* ---- vrange.c: ranges of an address area (pure logic, host-tested) ---- */
struct vrange {
    uintptr_t start;
    uint64_t size;
    struct vrange *next;     /* the free list, by address */
};
struct vrange_area {
    struct vrange *free;     /* free ranges below top, by address, none touching */
    uintptr_t start, top, end;  /* [start, top) in use or free; [top, end) never used */
    struct vrange *(*node_new)(void);          /* NULL when out of memory */
    void (*node_delete)(struct vrange *);
};
void vrange_init(struct vrange_area *a, uintptr_t start, uint64_t size,
                 struct vrange *(*node_new)(void), void (*node_delete)(struct vrange *));
/*
 * `size` bytes: the low end of the first free range that holds them, else
 * from the top. Returns the range (keep it for vrange_free), or NULL when
 * the area is full or node_new failed.
 */
struct vrange *vrange_alloc(struct vrange_area *a, uint64_t size);
/* Give a range back; it merges with free neighbours. Never fails. */
void vrange_free(struct vrange_area *a, struct vrange *r);
/* Free bytes below the top, and (if `ranges`) the number of free ranges. */
uint64_t vrange_free_bytes(const struct vrange_area *a, size_t *ranges);

/* ---- malloc.c: malloc and friends (mote.h) on one heap fed with pages ---- */
void heap_init(void);

/* ---- mmu.c ---- */
void mmu_init(void);
/* Unmap [va, va + size) (4 KiB pages) and free the last-level tables left empty. */
void mmu_unmap(uintptr_t va, uint64_t size);
/* 1 and *prot if `va` is mapped, else 0. */
int mmu_query(uintptr_t va, unsigned *prot);

#endif
