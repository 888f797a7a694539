/*
 * The on-device symbol table (section .mote_symtab), written by `mote build`
 * from the linked ELF and linked into the image a second time. All fields
 * little-endian. Layout:
 *
 *   struct symtab_header;                       at __symtab_start
 *   struct symtab_entry entries[count];         sorted by addr, ascending
 *   char strings[strings_size];                 NUL-terminated names
 *
 * An entry's function starts at base + off and runs to the next entry;
 * name_off is an offset into `strings`, or SYMTAB_GAP for an entry that
 * marks where no function is (after the last one, and where functions
 * leave more than a few bytes of padding between them). Only functions
 * (STT_FUNC) are listed. 8-byte entries (version 3, "MSY3": 32-bit offsets
 * from `base`, no sizes): the table is a sixth of hello's loadable bytes.
 * The section sits right after .text, so adding it moves no function.
 */
#ifndef SYMTAB_H
#define SYMTAB_H

#include <stdint.h>

#define SYMTAB_MAGIC 0x3359534du /* "MSY3" */
#define SYMTAB_GAP 0xffffffffu  /* name_off of an entry where no function is */

struct symtab_header {
    uint32_t magic;
    uint32_t count;
    uint32_t strings_off;  /* from the start of the header */
    uint32_t strings_size;
    uint64_t base;         /* the lowest function address: entries count from it */
};

struct symtab_entry {
    uint32_t off;          /* the function's address - base */
    uint32_t name_off;     /* into strings; SYMTAB_GAP: no function from here */
};

/*
 * Find the function containing `addr` in the table at `tab` (NULL or a bad
 * magic: no table). Returns its name and sets *offset; NULL if none.
 */
const char *symtab_lookup(const void *tab, uintptr_t addr, uintptr_t *offset);

#endif
