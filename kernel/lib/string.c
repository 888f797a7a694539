/*
 * The C string and memory functions the compiler and apps expect.
 * Plain byte loops, small and obviously correct, except that memcpy and
 * memset move 8 bytes at a time where both ends allow it: the kernel is
 * built without SIMD (and arm64 with strict alignment), so clang leaves the
 * loops byte-wide, and under emulation every access costs a TLB lookup
 * (the bootloader clears and copies tens of KiB). Their loops are not
 * unrolled by the compiler: under emulation every instruction is translated
 * before it first runs, and this file is only ever built by clang. memcpy's
 * word loops take two words a step by hand: every byte the network receives
 * is copied twice (bench/net: 30% fewer instructions per copied byte).
 */
#include <mote.h>

typedef uint64_t __attribute__((may_alias)) word_t;

/* Keep the loop that follows rolled (clang 14 honours it on counted loops). */
#define NO_UNROLL _Pragma("clang loop unroll(disable)")

/*
 * With both ends 8-byte aligned it copies words; with the source misaligned
 * by k bytes against an aligned destination it loads aligned source words
 * and joins each pair with shifts (little-endian, both ports), so neither
 * side ever takes an unaligned access: the network copies every segment
 * from a receive buffer into a ring and from the ring to the app at
 * unrelated alignments (kernel/net), byte by byte otherwise.
 */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "memcpy's shifts are little-endian");

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    NO_UNROLL
    while (n >= 16 && ((uintptr_t)d & 7)) {
        *d++ = *s++;
        n--;
    }
    size_t words = n >= 16 ? n / 8 - 1 : 0;   /* the last whole word's successor is not loaded */
    unsigned k = (uintptr_t)s & 7;
    word_t *dw = (word_t *)d, *end = dw + (words & ~(size_t)1);
    if (words && !k) {
        const word_t *sw = (const word_t *)s;
        NO_UNROLL
        for (; dw < end; dw += 2, sw += 2) {   /* two words a step: half the loop's overhead */
            word_t a = sw[0], b = sw[1];
            dw[0] = a;
            dw[1] = b;
        }
        if (words & 1)
            *dw = *sw;
    } else if (words) {
        const word_t *w = (const word_t *)(s - k);
        unsigned lo = 8 * k, hi = 64 - lo;
        word_t cur = *w++;
        NO_UNROLL
        for (; dw < end; dw += 2, w += 2) {
            word_t a = w[0], b = w[1];
            dw[0] = cur >> lo | a << hi;
            dw[1] = a >> lo | b << hi;
            cur = b;
        }
        if (words & 1)
            *dw = cur >> lo | *w << hi;
    }
    d += words * 8;
    s += words * 8;
    n -= words * 8;
    NO_UNROLL
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    if (((uintptr_t)d & 7) == 0) {
        word_t w = 0x0101010101010101ull * (unsigned char)c;
        size_t words = n / 8;
        NO_UNROLL
        for (size_t i = 0; i < words; i++)
            ((word_t *)d)[i] = w;
        d += words * 8;
        n %= 8;
    }
    NO_UNROLL
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = 0;
    return dst;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return 0;
    }
}
