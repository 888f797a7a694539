/*
 * The machine's page allocator: every page of RAM above the kernel image,
 * tracked by one bitmap kept in the first pages of that RAM.
 */
#include <hal/boot.h>
#include <hal/cpu.h>
#include <core/core.h>
#include "mm.h"

/* Kept small for IoT boards: page tables map managed RAM with 4 KiB pages. */
#define MEM_MAX (256ull << 20)

static struct page_pool pool;
static uint64_t ram_bytes;

/* Set up the pool over [__image_end, end of RAM). Runs before the MMU is on. */
void mem_init(void)
{
    uintptr_t base;
    uint64_t size;
    arch_ram_range(&base, &size);
    uintptr_t start = PAGE_ROUND_UP((uintptr_t)__image_end);
    uintptr_t end = PAGE_ROUND_DOWN(base + size);
    if (end - start > MEM_MAX)
        end = start + MEM_MAX;
    if (end <= start + 4 * PAGE_SIZE)
        panic("RAM [%p, %p) leaves no room above the image (ends at %p)",
              (void *)base, (void *)(base + size), (void *)start);
    mem_init_window(start, end);
    ram_bytes = end - base;
}

/* Manage exactly [start, end) (page-aligned); the bootloader uses a window of its own. */
void mem_init_window(uintptr_t start, uintptr_t end)
{
    size_t npages = (end - start) / PAGE_SIZE;
    size_t map_pages = PAGE_ROUND_UP((npages + 63) / 64 * 8) / PAGE_SIZE;
    page_pool_init(&pool, start, npages, (uint64_t *)start);
    page_pool_reserve(&pool, start, map_pages);
    ram_bytes = end - start;
}

uint64_t mem_total(void)
{
    return ram_bytes;
}

size_t mem_pages_free(void)
{
    return pool.nfree;
}

void *page_alloc(size_t n)
{
    unsigned long flags = arch_irq_save();
    uintptr_t p = page_pool_alloc(&pool, n);
    arch_irq_restore(flags);
    if (p)
        memset((void *)p, 0, n * PAGE_SIZE);
    return (void *)p;
}

void page_free(void *p, size_t n)
{
    unsigned long flags = arch_irq_save();
    int err = page_pool_free(&pool, (uintptr_t)p, n);
    arch_irq_restore(flags);
    if (err)
        panic("page_free(%p, %zu): pages not allocated", p, n);
}

/* The image and the pool are identity-mapped; thread stacks live far above both (thread.c). */
int mem_dma_ok(const void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p;
    uintptr_t end = pool.base + pool.npages * PAGE_SIZE;
    return a >= (uintptr_t)__image_start && a <= end && n <= end - a;
}
