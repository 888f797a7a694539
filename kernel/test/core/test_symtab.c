#include <stdint.h>
#include "check.h"
#include <core/symtab.h>

void test_symtab_lookup(void)
{
    struct {
        struct symtab_header h;
        struct symtab_entry e[5];
        char strings[32];
    } tab = {
        { SYMTAB_MAGIC, 5, sizeof(struct symtab_header) + 5 * sizeof(struct symtab_entry), 32, 0x1000 },
        { { 0x0, 0 }, { 0x40, 9 }, { 0x60, SYMTAB_GAP }, { 0x100, 19 }, { 0x110, SYMTAB_GAP } },
        "app_main\0sensor_io\0kmain",
    };
    uintptr_t off = 99;
    CHECK_STR(symtab_lookup(&tab, 0x1000, &off), "app_main");
    CHECK(off == 0);
    CHECK_STR(symtab_lookup(&tab, 0x105f, &off), "sensor_io");
    CHECK(off == 0x1f);
    CHECK_STR(symtab_lookup(&tab, 0x1108, &off), "kmain");
    CHECK(symtab_lookup(&tab, 0x1060, &off) == NULL);   /* gap between functions */
    CHECK(symtab_lookup(&tab, 0x10ff, &off) == NULL);   /* the last byte of the gap */
    CHECK(symtab_lookup(&tab, 0x1110, &off) == NULL);   /* past the last function */
    CHECK(symtab_lookup(&tab, 0xfff, &off) == NULL);
    CHECK(symtab_lookup(&tab, 0x2000, &off) == NULL);
    CHECK(symtab_lookup(&tab, (uintptr_t)0x1000 + 0x100000000ull + 0x108, &off) == NULL);  /* 2^32 past */
    CHECK(symtab_lookup(NULL, 0x1000, &off) == NULL);
    tab.h.magic = 0;
    CHECK(symtab_lookup(&tab, 0x1000, &off) == NULL);   /* no table linked in */
}
