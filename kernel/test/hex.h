/* Hex helpers for the crypto tests: vectors are written as hex strings. */
#ifndef HEX_H
#define HEX_H

#include <stddef.h>
#include <stdint.h>

static inline int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode `hex` into out[0..max); returns the byte count, or -1 on a bad digit or overflow. */
static inline long hex_decode(uint8_t *out, size_t max, const char *hex)
{
    size_t n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        int hi = hex_nibble(hex[0]), lo = hex_nibble(hex[1]);
        if (hi < 0 || lo < 0 || n == max)
            return -1;
        out[n++] = (uint8_t)(hi << 4 | lo);
    }
    return hex[0] ? -1 : (long)n;
}

/* Write len bytes as lowercase hex into out (2 * len + 1 chars); returns out. */
static inline char *hex_encode(char *out, const uint8_t *in, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = 0;
    return out;
}

#endif
