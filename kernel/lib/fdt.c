/*
 * A reader for the flattened device tree (lib.h; the DTB format of the
 * devicetree specification, chapter 5): big-endian, every token 4-byte
 * aligned. Bounds-checked against the size the caller vouches for, so a
 * damaged tree is refused rather than walked off.
 */
#include <mote.h>
#include "lib.h"

#define FDT_HEADER_SIZE 40
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

/* Byte loads: endian-neutral, and no alignment fault with the MMU off (ARM64). */
uint32_t fdt_be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_cells(const uint8_t **p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++, *p += 4)
        v = (v << 32) | fdt_be32(*p);
    return v;
}

/*
 * Out of line, like the walk's own string checks: under emulation every
 * inlined copy is translated anew, and the bootloader and the app each walk
 * the tree once per boot.
 */
__attribute__((noinline)) int fdt_node_is(const char *name, const char *want)
{
    while (*want && *name == *want)
        name++, want++;
    return !*want && (!*name || *name == '@');
}

uint32_t fdt_size(const void *blob)
{
    return fdt_be32(blob) == FDT_MAGIC ? fdt_be32((const uint8_t *)blob + 4) : 0;
}

/* Length of the NUL-terminated string at s, if it ends before `end`; else -1. */
static __attribute__((noinline)) long str_within(const char *s, const char *end)
{
    for (const char *p = s; p < end; p++)
        if (!*p)
            return p - s;
    return -1;
}

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

int fdt_walk(const void *blob, uint32_t size, fdt_prop_fn fn, void *ctx)
{
    const uint8_t *f = blob;
    if (size < FDT_HEADER_SIZE || fdt_size(blob) < FDT_HEADER_SIZE || fdt_size(blob) > size)
        return MOTE_EINVAL;
    uint32_t total = fdt_size(blob);
    uint32_t off_struct = fdt_be32(f + 8), off_strings = fdt_be32(f + 12);
    uint32_t size_strings = fdt_be32(f + 32), size_struct = fdt_be32(f + 36);
    if (fdt_be32(f + 20) < 17)      /* before version 17 there is no size_dt_struct */
        size_struct = total > off_struct ? total - off_struct : 0;
    if (off_struct > total || size_struct > total - off_struct || off_strings > total ||
        size_strings > total - off_strings || (off_struct & 3))
        return MOTE_EINVAL;
    const uint8_t *st = f + off_struct;
    const char *strings = (const char *)f + off_strings;
    struct fdt_prop prop = { 0, 0, 0, 0, 0 };

    for (size_t at = 0; at + 4 <= size_struct;) {      /* `at` stays a multiple of 4 */
        uint32_t tok = fdt_be32(st + at);
        at += 4;
        if (tok == FDT_BEGIN_NODE) {
            long n = str_within((const char *)st + at, (const char *)st + size_struct);
            if (n < 0)
                return MOTE_EINVAL;
            prop.node = (const char *)st + at;
            prop.depth++;
            at += align4((size_t)n + 1);
        } else if (tok == FDT_END_NODE) {
            if (!prop.depth)
                return MOTE_EINVAL;
            prop.depth--;
            prop.node = 0;          /* a property now would follow a subnode */
        } else if (tok == FDT_PROP) {
            if (at + 8 > size_struct || !prop.node)
                return MOTE_EINVAL;
            uint32_t len = fdt_be32(st + at), nameoff = fdt_be32(st + at + 4);
            at += 8;
            if (len > size_struct - at || nameoff >= size_strings ||
                str_within(strings + nameoff, strings + size_strings) < 0)
                return MOTE_EINVAL;
            prop.name = strings + nameoff;
            prop.value = st + at;
            prop.len = len;
            at += align4(len);
            int r = fn(ctx, &prop);
            if (r)
                return r;
        } else if (tok == FDT_END) {
            return prop.depth ? MOTE_EINVAL : 0;
        } else if (tok != FDT_NOP) {
            return MOTE_EINVAL;
        }
    }
    return MOTE_EINVAL;             /* no FDT_END before the block ran out */
}
