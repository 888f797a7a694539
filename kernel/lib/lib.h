/*
 * lib/: pure helpers, with no kernel state and no calls into the kernel:
 * the printf engine (fmt.c), the C string functions (string.c, declared in
 * mote.h), CRC-32 (crc32.c), the LZ4 block decoder (lz4.c) and a device-tree
 * reader (fdt.c). Host-tested. Ports may use them too.
 */
#ifndef LIB_LIB_H
#define LIB_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- fmt.c: the one printf engine (printf, snprintf) ---- */
typedef void (*fmt_put_fn)(char c, void *ctx);
/*
 * Format into put(c, ctx), one character at a time. Returns the count
 * written. What it supports and refuses: the comment at the top of fmt.c.
 */
int fmt_format(fmt_put_fn put, void *ctx, const char *fmt, va_list ap);

/* One parsed directive, as fmt_float receives it. */
enum fmt_size { FMT_INT, FMT_CHAR, FMT_SHORT, FMT_LONG, FMT_LLONG, FMT_LDOUBLE };
struct fmt_spec {
    int left, zero, plus, space, alt;   /* the flags - 0 + space # */
    int width;                          /* 0: none */
    int prec;                           /* -1: none */
    enum fmt_size size;                 /* the length modifier; FMT_LDOUBLE for 'L' */
    char conv;                          /* the conversion letter */
};
/* put(c, ctx) n times (none if n <= 0); returns the count written. */
int fmt_pad(fmt_put_fn put, void *ctx, char c, int n);
/*
 * One floating-point conversion (f F e E g G a A): takes a double (a long
 * double with 'L') from *ap and writes it per sp; returns the count written.
 * Defined by the app's C library (kernel/libc/fmt_float.c, built with FP
 * registers); weak here, so the kernel and bootloader link without it and
 * fmt_format then treats such a directive as one it cannot format.
 */
int fmt_float(fmt_put_fn put, void *ctx, const struct fmt_spec *sp, va_list *ap)
    __attribute__((weak));

/* ---- crc32.c: CRC-32 (IEEE 802.3, reflected; zlib's and java.util.zip.CRC32's) ---- */
/* The CRC of buf[0..len). */
uint32_t crc32(const void *buf, size_t len);
/*
 * zlib's crc32(crc, buf, len): the CRC of everything so far, continued over
 * buf[0..len). Start from 0; crc32_update(crc32(a, n), b, m) is the CRC of
 * a followed by b, so a message may be checked in pieces as it arrives.
 */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

/*
 * ---- lz4.c: a decoder for the LZ4 block format ----
 * The format lz4's LZ4_compress_* and lz4-java's LZ4Compressor write
 * (docs/flasher-protocol.md, section 2): what the recovery protocol's
 * compressed DATA frames carry. No allocation.
 */
/* Errors (negative, distinct from MOTE_E* and RPROTO_E*). */
#define LZ4_ETRUNC (-150)    /* the block ends inside a sequence (length, literals or offset) */
#define LZ4_EOFFSET (-151)   /* a match offset of 0, or reaching back before the output's start */
#define LZ4_EOVERFLOW (-152) /* the output would exceed its buffer */

/*
 * Decode the block src[0..n) into dst[0..cap). Returns the decoded size
 * (0..cap), or one of the errors above. Bounds-checked for any input:
 * it never reads outside src[0..n) or writes outside dst[0..cap), whatever
 * the bytes, and on an error dst's contents are unspecified. cap must be
 * at most INT_MAX (MOTE_EINVAL otherwise). The block must end with a
 * literals-only sequence, as the format requires.
 */
int lz4_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t cap);

/*
 * ---- fdt.c: a flattened device tree (DTB) reader ----
 * What a port needs to learn its board from the tree firmware or QEMU
 * hands it (RAM banks, the PSCI conduit), bounds-checked, no allocation.
 */
#define FDT_MAGIC 0xd00dfeedu

/* A property, as fdt_walk() hands it over. Pointers point into the tree. */
struct fdt_prop {
    unsigned depth;        /* of its node: 1 for the root, 2 for the root's children */
    const char *node;      /* its node's name, e.g. "memory@40000000" ("" for the root) */
    const char *name;      /* e.g. "reg" */
    const uint8_t *value;  /* `len` bytes: big-endian cells, or a NUL-terminated string */
    uint32_t len;
};
typedef int (*fdt_prop_fn)(void *ctx, const struct fdt_prop *prop);

/* The tree's total size from its header (8 bytes at blob), or 0 if the magic is wrong. */
uint32_t fdt_size(const void *blob);
/*
 * Call fn(ctx, prop) for every property, in the tree's order (a node's
 * properties before its children's). `size` is how many bytes at blob may
 * be read; the tree's own sizes and offsets must fit in it. Returns 0 at
 * the end of the tree, fn's value as soon as that is nonzero, or
 * MOTE_EINVAL for a malformed tree (a token, name or value running out of
 * its block, nodes that do not nest), possibly after some calls.
 */
int fdt_walk(const void *blob, uint32_t size, fdt_prop_fn fn, void *ctx);
/* 1 if the node name `name` is `want` or `want@<unit>`. */
int fdt_node_is(const char *name, const char *want);
/* The big-endian cell at p (any alignment). */
uint32_t fdt_be32(const void *p);
/* `cells` cells (1 or 2) at *p as one number; advances *p past them. */
uint64_t fdt_cells(const uint8_t **p, uint32_t cells);

#endif
