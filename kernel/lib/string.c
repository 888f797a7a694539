/*
 * The C string and memory functions the compiler and apps expect.
 * Plain byte loops, small and obviously correct, except that memcpy and
 * memset move 8 bytes at a time where both ends allow it: the kernel is
 * built without SIMD (and arm64 with strict alignment), so clang leaves the
 * loops byte-wide, and under emulation every access costs a TLB lookup
 * (the bootloader clears and copies tens of KiB). Their loops are not
 * unrolled: under emulation every instruction is translated before it
 * first runs, and this file is only ever built by clang.
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
    if (words && !k) {
        NO_UNROLL
        for (size_t i = 0; i < words; i++)
            ((word_t *)d)[i] = ((const word_t *)s)[i];
    } else if (words) {
        const word_t *w = (const word_t *)(s - k);
        unsigned lo = 8 * k, hi = 64 - lo;
        word_t cur = w[0];
        NO_UNROLL
        for (size_t i = 0; i < words; i++) {
            word_t next = w[i + 1];
            ((word_t *)d)[i] = cur >> lo | next << hi;
            cur = next;
        }
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
