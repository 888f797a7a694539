/*
 * VMSAv8-64 stage-1 descriptors for the 4 KiB granule, 48-bit VA, four
 * levels (hal/mmu.h), and turning the MMU on. Everything is EL1-only:
 * EL0 gets no access and never executes (UXN is always set).
 */
#include <hal/mmu.h>
#include "cpu.h"

#define D_VALID     (1ull << 0)
#define D_TABLE     (1ull << 1)     /* table at levels 0-2, page at level 3 */
#define D_ATTR(i)   ((uint64_t)(i) << 2)
#define D_ATTR_MASK (7ull << 2)
#define D_AP_RO     (1ull << 7)     /* AP[2]: read-only */
#define D_SH_INNER  (3ull << 8)
#define D_AF        (1ull << 10)
#define D_PXN       (1ull << 53)
#define D_UXN       (1ull << 54)
#define D_ADDR_MASK 0x0000fffffffff000ull

#define ATTR_NORMAL 0   /* MAIR attr0: normal, write-back read/write-allocate */
#define ATTR_DEVICE 1   /* MAIR attr1: Device-nGnRE */
#define MAIR_VALUE  (0xffull | (0x04ull << 8))

#define TCR_T0SZ_48   16ull
#define TCR_IRGN0_WB  (1ull << 8)
#define TCR_ORGN0_WB  (1ull << 10)
#define TCR_SH0_INNER (3ull << 12)
#define TCR_TG0_4K    (0ull << 14)
#define TCR_EPD1      (1ull << 23)  /* no TTBR1 walks: nothing lives in the upper half */
#define TCR_TG1_4K    (2ull << 30)
#define TCR_IPS_SHIFT 32

#define SCTLR_M  (1ull << 0)
#define SCTLR_A  (1ull << 1)
#define SCTLR_C  (1ull << 2)
#define SCTLR_SA (1ull << 3)
#define SCTLR_I  (1ull << 12)

uint64_t mmu_pte_table(uintptr_t pa, int level)
{
    (void)level;
    return (pa & D_ADDR_MASK) | D_TABLE | D_VALID;
}

uint64_t mmu_pte_leaf(uintptr_t pa, int level, unsigned prot)
{
    uint64_t d = (pa & D_ADDR_MASK) | D_AF | D_UXN | D_VALID;
    if (level == 3)
        d |= D_TABLE;
    if (prot & PROT_DEVICE)
        d |= D_ATTR(ATTR_DEVICE);
    else
        d |= D_ATTR(ATTR_NORMAL) | D_SH_INNER;
    if (!(prot & PROT_W))
        d |= D_AP_RO;
    if (!(prot & PROT_X))
        d |= D_PXN;
    return d;
}

enum pte_kind mmu_pte_kind(uint64_t pte, int level)
{
    if (!(pte & D_VALID))
        return PTE_INVALID;
    if (level == 3)
        return (pte & D_TABLE) ? PTE_LEAF : PTE_INVALID;
    if (pte & D_TABLE)
        return PTE_TABLE;
    return level == 0 ? PTE_INVALID : PTE_LEAF;   /* no level-0 blocks with 4 KiB pages */
}

uintptr_t mmu_pte_addr(uint64_t pte)
{
    return pte & D_ADDR_MASK;
}

unsigned mmu_pte_prot(uint64_t pte)
{
    unsigned prot = PROT_R;
    if (!(pte & D_AP_RO))
        prot |= PROT_W;
    if (!(pte & D_PXN))
        prot |= PROT_X;
    if ((pte & D_ATTR_MASK) == D_ATTR(ATTR_DEVICE))
        prot |= PROT_DEVICE;
    return prot;
}

/*
 * First call: program MAIR/TCR/TTBR0 and set SCTLR.M/C/I. Later calls just
 * switch TTBR0 (the kernel is identity-mapped, so the next fetch is fine)
 * and drop every cached translation.
 */
void mmu_enable(uintptr_t root)
{
    uint64_t sctlr = read_sctlr_el1();
    dsb_ish();                  /* table writes visible to the walker */
    if (sctlr & SCTLR_M) {
        write_ttbr0_el1(root);
        isb();
        tlbi_vmalle1();
        dsb_ish();
        isb();
        return;
    }
    uint64_t ips = read_id_aa64mmfr0_el1() & 0xf;
    if (ips > 5)
        ips = 5;                /* 52-bit PAs need other descriptors; we stay at 48 */
    write_mair_el1(MAIR_VALUE);
    write_tcr_el1(TCR_T0SZ_48 | TCR_IRGN0_WB | TCR_ORGN0_WB | TCR_SH0_INNER | TCR_TG0_4K |
                  TCR_EPD1 | TCR_TG1_4K | (ips << TCR_IPS_SHIFT));
    write_ttbr0_el1(root);
    tlbi_vmalle1();
    ic_iallu();
    dsb_ish();
    isb();
    write_sctlr_el1((sctlr & ~SCTLR_A) | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA);
    isb();
}

void mmu_flush_page(uintptr_t va)
{
    dsb_ishst();
    tlbi_vaae1is(va);
    dsb_ish();
    isb();
}
