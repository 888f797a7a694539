/* inet.c - the Internet checksum (RFC 1071) over byte ranges of any length and alignment. */
#include "inet.h"

void inet_sum_init(struct inet_sum *s, uint32_t start)
{
    s->acc = start;
    s->odd = 0;
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
