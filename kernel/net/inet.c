/* inet.c - the Internet checksum (RFC 1071) over byte ranges of any length and alignment. */
#include "inet.h"

void inet_sum_init(struct inet_sum *s, uint32_t start)
{
    s->acc = start;
    s->odd = 0;
}

typedef uint64_t __attribute__((may_alias)) word64;

/*
 * The sum of n bytes (n a multiple of 8) at 8-byte aligned p, loaded as
 * native words, brought to network byte order: one's complement addition
 * does not care about byte order but for one swap at the end (RFC 1071
 * 2(B)), so this reads 8 bytes a step instead of 2.
 */
static uint32_t inet_sum_words(const uint8_t *p, size_t n)
{
    static const union { uint16_t v; uint8_t b[2]; } order = { 1 };
    uint64_t acc = 0;
    const word64 *w = (const word64 *)p, *end = w + n / 8;
    /* four words a step (each a TLB lookup and a few instructions under emulation) */
    for (; end - w >= 4; w += 4)
        acc += (w[0] & 0xffffffffu) + (w[0] >> 32) + (w[1] & 0xffffffffu) + (w[1] >> 32) +
               (w[2] & 0xffffffffu) + (w[2] >> 32) + (w[3] & 0xffffffffu) + (w[3] >> 32);
    for (; w < end; w++)
        acc += (*w & 0xffffffffu) + (*w >> 32);
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return order.b[0] ? (uint32_t)((acc >> 8 | acc << 8) & 0xffff) : (uint32_t)acc;
}

/* Add n bytes that follow the ones already summed: a byte at an odd position is a low byte. */
void inet_sum_add(struct inet_sum *s, const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t acc = s->acc;
    if (n && s->odd) {
        acc += *b++;
        n--;
        s->odd = 0;
    }
    while (n >= 2 && ((uintptr_t)b & 7)) {
        acc += (uint32_t)(b[0] << 8 | b[1]);
        b += 2;
        n -= 2;
    }
    if (!((uintptr_t)b & 7)) {
        acc += inet_sum_words(b, n & ~(size_t)7);
        b += n & ~(size_t)7;
        n &= 7;
    }
    while (n >= 2) {
        acc += (uint32_t)(b[0] << 8 | b[1]);
        b += 2;
        n -= 2;
    }
    if (n) {
        acc += (uint32_t)b[0] << 8;
        s->odd = 1;
    }
    s->acc = acc;
}

uint16_t inet_sum_final(const struct inet_sum *s)
{
    uint64_t acc = s->acc;
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

uint16_t inet_cksum(const void *p, size_t n)
{
    struct inet_sum s;
    inet_sum_init(&s, 0);
    inet_sum_add(&s, p, n);
    return inet_sum_final(&s);
}

uint32_t inet_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}

/* See inet.h. */
int inet_parse_ip4(const char *s, uint32_t *ip)
{
    uint32_t v = 0, n = 0;
    int dots = 0, digits = 0;
    for (;; s++) {
        if (*s >= '0' && *s <= '9' && digits < 3) {
            if (digits && !n)
                return 0;   /* a leading zero (octal elsewhere) */
            n = n * 10 + (uint32_t)(*s - '0');
            digits++;
            continue;
        }
        if (!digits || n > 255 || (*s != '.' && *s) || (*s == '.' && dots == 3) || (!*s && dots < 3))
            return 0;
        v = v << 8 | n;
        n = 0;
        digits = 0;
        if (!*s)
            break;
        dots++;
    }
    *ip = v;
    return 1;
}
