/*
 * LZ4 block decoder (lz4.h). A block is a run of sequences:
 *
 *   token | [literal length bytes] | literals | offset (u16 LE) | [match length bytes]
 *
 * The token's high nibble is the literal count and its low nibble the match
 * length minus 4; a nibble of 15 continues in the bytes that follow, each
 * added, until one below 255. The match copies `length` bytes from
 * `offset` bytes back in the output, and may overlap what it writes (offset
 * 1 repeats one byte). The last sequence stops after its literals.
 *
 * Written for a bootloader fed by an untrusted link, not for speed: every
 * length is checked against what is left of the input and the output
 * before a byte moves, and matches are copied a byte at a time.
 */
#include <mote.h>
#include "lib.h"

#define MIN_MATCH 4

/*
 * Add a length's continuation bytes (after a nibble of 15) to *len.
 * LZ4_ETRUNC if the input ends first; LZ4_EOVERFLOW as soon as *len passes
 * `limit`, so it never grows past limit + 255 whatever the input.
 */
static int lz4_length(const uint8_t **ip, const uint8_t *end, size_t *len, size_t limit)
{
    uint8_t b;
    do {
        if (*ip == end)
            return LZ4_ETRUNC;
        b = *(*ip)++;
        *len += b;
        if (*len > limit)
            return LZ4_EOVERFLOW;
    } while (b == 255);
    return 0;
}

int lz4_decode(const uint8_t *src, size_t n, uint8_t *dst, size_t cap)
{
    const uint8_t *ip = src, *end = src + n;
    size_t op = 0;
    int err;
    if (cap > 0x7fffffff || (!src && n) || (!dst && cap))
        return MOTE_EINVAL;
    for (;;) {
        if (ip == end)
            return LZ4_ETRUNC;              /* a block is at least one token */
        uint8_t token = *ip++;
        size_t len = token >> 4;
        if (len == 15 && (err = lz4_length(&ip, end, &len, cap)))
            return err;
        if (len > (size_t)(end - ip))
            return LZ4_ETRUNC;
        if (len > cap - op)
            return LZ4_EOVERFLOW;
        if (len)
            memcpy(dst + op, ip, len);
        ip += len;
        op += len;
        if (ip == end)
            return (int)op;                 /* the last sequence: literals only */
        if (end - ip < 2)
            return LZ4_ETRUNC;
        size_t offset = (size_t)ip[0] | (size_t)ip[1] << 8;
        ip += 2;
        if (offset == 0 || offset > op)
            return LZ4_EOFFSET;
        len = token & 15;
        if (len == 15 && (err = lz4_length(&ip, end, &len, cap)))
            return err;
        len += MIN_MATCH;
        if (len > cap - op)
            return LZ4_EOVERFLOW;
        for (size_t i = 0; i < len; i++, op++)
            dst[op] = dst[op - offset];
    }
}
