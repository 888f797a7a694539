/*
 * x86_64 page-table entries (hal/mmu.h): 4-level paging, level 0 = PML4,
 * 1 GiB leaves at level 1, 2 MiB at level 2 (PS bit), 4 KiB PTEs at level 3.
 * boot.S already set CR4.PAE, EFER.LME/NXE and CR0.WP.
 */
#include <hal/mmu.h>
#include "cpu.h"

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* The NX bit if EFER.NXE is on (boot.S sets it when the CPU has NX), else 0. */
static uint64_t nx_bit(void)
{
    static uint64_t nx = 1;   /* 1: not read yet */
    if (nx == 1)
        nx = (rdmsr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
    return nx;
}

/* Tables grant everything; the leaf decides. */
uint64_t mmu_pte_table(uintptr_t pa, int level)
{
    (void)level;
    return (pa & PTE_ADDR) | PTE_P | PTE_RW;
}

/* A and D preset so the CPU never writes them back into the tables. */
uint64_t mmu_pte_leaf(uintptr_t pa, int level, unsigned prot)
{
    if (!(prot & (PROT_R | PROT_W | PROT_X)))
        return 0;
    uint64_t e = (pa & PTE_ADDR) | PTE_P | PTE_A | PTE_D;
    if (level < 3)
        e |= PTE_PS;
    if (prot & PROT_W)
        e |= PTE_RW;
    if (!(prot & PROT_X))
        e |= nx_bit();
    if (prot & PROT_DEVICE)
        e |= PTE_PCD | PTE_PWT;   /* UC with the power-on PAT */
    return e;
}

enum pte_kind mmu_pte_kind(uint64_t pte, int level)
{
    if (!(pte & PTE_P))
        return PTE_INVALID;
    if (level == 3 || (level > 0 && (pte & PTE_PS)))
        return PTE_LEAF;
    return PTE_TABLE;
}

uintptr_t mmu_pte_addr(uint64_t pte)
{
    return pte & PTE_ADDR;
}

unsigned mmu_pte_prot(uint64_t pte)
{
    unsigned prot = PROT_R;
    if (pte & PTE_RW)
        prot |= PROT_W;
    if (!(pte & PTE_NX))
        prot |= PROT_X;
    if (pte & PTE_PCD)
        prot |= PROT_DEVICE;
    return prot;
}

/* Paging is already on (long mode needs it): loading CR3 switches tables and flushes the TLB. */
void mmu_enable(uintptr_t root)
{
    write_cr3(root);
}

void mmu_flush_page(uintptr_t va)
{
    invlpg(va);
}
