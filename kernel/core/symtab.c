/* Symbol lookup in the table `mote build` links into the image (symtab.h). */
#include "core.h"
#include "symtab.h"

const char *symtab_lookup(const void *tab, uintptr_t addr, uintptr_t *offset)
{
    const struct symtab_header *h = tab;
    if (!h || h->magic != SYMTAB_MAGIC || h->count == 0)
        return 0;
    const struct symtab_entry *e = (const void *)(h + 1);
    const char *strings = (const char *)tab + h->strings_off;
    if (addr < h->base || addr - h->base > UINT32_MAX)
        return 0;
    uint32_t a = (uint32_t)(addr - h->base);
    size_t lo = 0, hi = h->count;       /* find the last entry with e.off <= a */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].off <= a)
            lo = mid;
        else
            hi = mid;
    }
    if (a < e[lo].off || e[lo].name_off >= h->strings_size)   /* before the first, a gap, or bad */
        return 0;
    *offset = a - e[lo].off;
    return strings + e[lo].name_off;
}
