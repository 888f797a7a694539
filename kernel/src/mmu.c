/*
 * Page tables, portably: 4 levels of 512 entries over an identity map.
 * The port says how an entry is encoded (hal/mmu.h); this file decides what
 * is mapped: the image W^X (text RX, symbols + rodata R, data + bss RW),
 * managed RAM RW and never executable, MMIO as device memory, and nothing
 * at page 0, so a null pointer faults.
 */
#include <hal/cpu.h>
#include <hal/mmu.h>
#include "kernel.h"

#define ENTRIES 512
#define LEVEL_SHIFT(l) (39 - 9 * (l))
#define INDEX(va, l) (((va) >> LEVEL_SHIFT(l)) & (ENTRIES - 1))

static uint64_t *root;
static int mmu_on;

static uint64_t *table_new(void)
{
    uint64_t *t = page_alloc(1);
    if (!t)
        panic("out of memory for page tables");
    return t;
}

/*
 * Return the level-3 entry for `va`, creating tables on the way if
 * `create`. A block mapping on the way is an error (we never make blocks
 * for RAM), reported as NULL.
 */
static uint64_t *walk(uintptr_t va, int create)
{
    uint64_t *table = root;
    for (int level = 0; level < 3; level++) {
        uint64_t *e = &table[INDEX(va, level)];
        enum pte_kind kind = mmu_pte_kind(*e, level);
        if (kind == PTE_LEAF)
            return 0;
        if (kind == PTE_INVALID) {
            if (!create)
                return 0;
            *e = mmu_pte_table((uintptr_t)table_new(), level);
        }
        table = (uint64_t *)mmu_pte_addr(*e);
    }
    return &table[INDEX(va, 3)];
}

int mmu_map(uintptr_t va, uintptr_t pa, uint64_t size, unsigned prot)
{
    uintptr_t end = PAGE_ROUND_UP(va + size);
    pa = PAGE_ROUND_DOWN(pa);
    for (va = PAGE_ROUND_DOWN(va); va < end; va += PAGE_SIZE, pa += PAGE_SIZE) {
        uint64_t *e = walk(va, 1);
        if (!e)
            return MOTE_EINVAL;
        *e = mmu_pte_leaf(pa, 3, prot);
        if (mmu_on)
            mmu_flush_page(va);
    }
    return 0;
}

int mmu_unmap_page(uintptr_t va)
{
    uint64_t *e = walk(va, 0);
    if (!e)
        return MOTE_EINVAL;
    *e = 0;
    if (mmu_on)
        mmu_flush_page(va);
    return 0;
}

int mmu_query(uintptr_t va, unsigned *prot)
{
    if (!mmu_on)
        return 1;
    uint64_t *e = walk(va, 0);
    if (!e || mmu_pte_kind(*e, 3) != PTE_LEAF)
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
