/*
 * HAL: page-table entry encodings.
 *
 * Both ports use the same shape: 4 KiB pages, 4 levels of 512-entry tables
 * (level 0 = top, VA bits 47:39; level 3 maps 4 KiB pages), blocks allowed
 * at levels 1 (1 GiB) and 2 (2 MiB). The portable mm/mmu.c walks and
 * builds the tables; the port only says how an entry is encoded and how to
 * turn the MMU on. The kernel is identity-mapped (VA == PA).
 */
#ifndef HAL_MMU_H
#define HAL_MMU_H

#include <stdint.h>

#define PROT_R      0x1u
#define PROT_W      0x2u
#define PROT_X      0x4u
#define PROT_DEVICE 0x8u /* uncached device memory (MMIO) */

enum pte_kind { PTE_INVALID, PTE_TABLE, PTE_LEAF };

/* An entry at `level` (0..2) pointing to the next-level table at `pa`. */
uint64_t mmu_pte_table(uintptr_t pa, int level);
/* A leaf at `level`: a block at levels 1-2, a page at level 3. */
uint64_t mmu_pte_leaf(uintptr_t pa, int level, unsigned prot);
enum pte_kind mmu_pte_kind(uint64_t pte, int level);
/* Physical address an entry points to (table or leaf). */
uintptr_t mmu_pte_addr(uint64_t pte);
/* The prot bits of a leaf (inverse of mmu_pte_leaf). */
unsigned mmu_pte_prot(uint64_t pte);

/* Load `root` (a level-0 table) and turn translation on (or switch to it). */
void mmu_enable(uintptr_t root);
/* Drop any cached translation for `va` after its entry changed. */
void mmu_flush_page(uintptr_t va);

/* Implemented by the core (mm/mmu.c); ports call it from arch_map_mmio(). */
int mmu_map(uintptr_t va, uintptr_t pa, uint64_t size, unsigned prot);

#endif
