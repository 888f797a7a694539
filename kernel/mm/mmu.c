/*
 * Page tables, portably: 4 levels of 512 entries. RAM is identity-mapped;
 * thread stacks get their own addresses (thread.c). The port says how an
 * entry is encoded (hal/mmu.h); this file decides what is mapped: the image
 * W^X with 4 KiB pages (text RX, symbols + rodata R, data + bss RW), the
 * rest of RAM RW and never executable in 2 MiB blocks where it can, MMIO as
 * device memory, and nothing at page 0, so a null pointer faults.
 */
#include <hal/boot.h>
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <core/core.h>
#include "mm.h"

#define ENTRIES 512
#define LEVEL_SHIFT(l) (39 - 9 * (l))
#define INDEX(va, l) (((va) >> LEVEL_SHIFT(l)) & (ENTRIES - 1))

static uint64_t *root;
static int mmu_on;

static uint64_t *table_new(void)
{
    return page_alloc(1);
}

/*
 * Return the entry for `va` at `level` (2: a 2 MiB block, 3: a 4 KiB page),
 * creating tables on the way if `create`. If a larger block already maps
 * `va`, return that entry instead and set *level to its level; NULL if
 * nothing maps it and !create, or if a table cannot be allocated.
 */
static uint64_t *walk(uintptr_t va, int *level, int create)
{
    uint64_t *table = root;
    for (int l = 0; l < *level; l++) {
        uint64_t *e = &table[INDEX(va, l)];
        enum pte_kind kind = mmu_pte_kind(*e, l);
        if (kind == PTE_LEAF) {
            *level = l;
            return e;
        }
        if (kind == PTE_INVALID) {
            uint64_t *next = create ? table_new() : 0;
            if (!next)
                return 0;
            *e = mmu_pte_table((uintptr_t)next, l);
        }
        table = (uint64_t *)mmu_pte_addr(*e);
    }
    return &table[INDEX(va, *level)];
}

/*
 * Map [va, va + size) to pa. Uses 2 MiB blocks where both addresses are
 * aligned and the rest of the range covers the block, 4 KiB pages
 * elsewhere. Mapping over part of an existing block is MOTE_EINVAL; no
 * memory for a page table, MOTE_ENOMEM (what was mapped stays mapped).
 */
int mmu_map(uintptr_t va, uintptr_t pa, uint64_t size, unsigned prot)
{
    const uint64_t block = 1ull << LEVEL_SHIFT(2);
    uintptr_t end = PAGE_ROUND_UP(va + size);
    pa = PAGE_ROUND_DOWN(pa);
    va = PAGE_ROUND_DOWN(va);
    while (va < end) {
        int want = (!(va & (block - 1)) && !(pa & (block - 1)) && end - va >= block) ? 2 : 3;
        int level = want;
        uint64_t *e = walk(va, &level, 1);
        if (e && level == 2 && mmu_pte_kind(*e, 2) == PTE_TABLE) {
            want = level = 3;           /* part of it is mapped in pages already */
            e = walk(va, &level, 1);
        }
        if (!e)
            return MOTE_ENOMEM;
        if (level != want)
            return MOTE_EINVAL;
        *e = mmu_pte_leaf(pa, level, prot);
        if (mmu_on)
            mmu_flush_page(va);
        uint64_t step = level == 2 ? block : PAGE_SIZE;
        va += step;
        pa += step;
    }
    return 0;
}

/*
 * Unmap [va, va + size), mapped with 4 KiB pages (thread stacks), and free
 * each last-level table left mapping nothing, so a released stack costs no
 * table pages. (The tables above those each cover 1 GiB or more of the
 * stack area, which stacks reuse from the bottom: they stay.) An entry we
 * clear is 0, as a fresh table's are, so "empty" is all zero. The flush
 * after unlinking a table also drops the cached walk through it (TLBI
 * VAAE1IS covers every level; INVLPG the paging-structure caches) before
 * the page is reused.
 */
void mmu_unmap(uintptr_t va, uint64_t size)
{
    const uint64_t span = 1ull << LEVEL_SHIFT(2);     /* what one last-level table maps */
    uintptr_t end = PAGE_ROUND_UP(va + size);
    for (va = PAGE_ROUND_DOWN(va); va < end; va = (va & ~(span - 1)) + span) {
        int level = 2;
        uint64_t *pde = walk(va, &level, 0);
        if (!pde || level != 2 || mmu_pte_kind(*pde, 2) != PTE_TABLE)
            continue;
        uint64_t *table = (uint64_t *)mmu_pte_addr(*pde);
        uintptr_t stop = end < (va & ~(span - 1)) + span ? end : (va & ~(span - 1)) + span;
        for (uintptr_t p = va; p < stop; p += PAGE_SIZE) {
            table[INDEX(p, 3)] = 0;
            if (mmu_on)
                mmu_flush_page(p);
        }
        int used = 0;
        for (int i = 0; i < ENTRIES && !used; i++)
            used = table[i] != 0;
        if (!used) {
            *pde = 0;
            if (mmu_on)
                mmu_flush_page(va);
            page_free(table, 1);
        }
    }
}

int mmu_query(uintptr_t va, unsigned *prot)
{
    if (!mmu_on)
        return 1;
    int level = 3;
    uint64_t *e = walk(va, &level, 0);
    if (!e || mmu_pte_kind(*e, level) != PTE_LEAF)
        return 0;
    if (prot)
        *prot = mmu_pte_prot(*e);
    return 1;
}

static void map_range(char *start, char *end, unsigned prot)
{
    if (end > start && mmu_map((uintptr_t)start, (uintptr_t)start, end - start, prot))
        panic("cannot map [%p, %p)", start, end);
}

/* Build the kernel map and turn the MMU on. Runs once, after mem_init. */
void mmu_init(void)
{
    root = table_new();
    if (!root)
        panic("out of memory for page tables");
    uintptr_t base;
    uint64_t size;
    arch_ram_range(&base, &size);
    uintptr_t low = base < PAGE_SIZE ? PAGE_SIZE : base;   /* page 0 stays unmapped */
    map_range((char *)low, __image_start, PROT_R | PROT_W);
    map_range(__text_start, __text_end, PROT_R | PROT_X);
    map_range(__symtab_start, __rodata_end, PROT_R);
    map_range(__data_start, __image_end, PROT_R | PROT_W);
    map_range(__image_end, (char *)(uintptr_t)(base + mem_total()), PROT_R | PROT_W);
    arch_map_mmio();
    mmu_enable((uintptr_t)root);
    mmu_on = 1;
}
