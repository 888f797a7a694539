/*
 * inet.h - what every part of the network stack shares: wire byte order,
 * the Internet checksum (RFC 1071) and scatter lists for output.
 *
 * Pure helpers: no kernel calls, compiled into the kernel and the host tests.
 * Addresses and ports are kept in host byte order everywhere in the stack;
 * only these load/store helpers touch wire order.
 */
#ifndef NET_INET_H
#define NET_INET_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t get_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put_be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* An IPv4 address in host order: IP4(10, 0, 2, 15). */
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

/* One piece of an outgoing packet; a packet is an array of them (header, payload, wrap). */
struct net_iov {
    const void *base;
    size_t len;
};

/*
 * The running one's-complement sum of the pieces, as RFC 1071 defines it over
 * their concatenation (a piece may have an odd length). Start with `acc` 0 or
 * a pseudo-header sum; fold with inet_fold.
 */
struct inet_sum {
    uint64_t acc;
    int odd;        /* the bytes summed so far have an odd count */
};
void inet_sum_init(struct inet_sum *s, uint32_t start);
void inet_sum_add(struct inet_sum *s, const void *p, size_t n);
/* The checksum field's value: ~fold(acc). A packet whose sum includes its own checksum verifies when this is 0. */
uint16_t inet_sum_final(const struct inet_sum *s);

/* One-shot: the checksum of n bytes at p. */
uint16_t inet_cksum(const void *p, size_t n);
/* The TCP/UDP pseudo-header sum (RFC 9293 3.1, RFC 768), to start inet_sum_init with. */
uint32_t inet_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

/*
 * "a.b.c.d", each part 0..255 in decimal without leading zeros, nothing
 * else (as inet_pton takes it): 1 and *ip (host order), else 0.
 */
int inet_parse_ip4(const char *s, uint32_t *ip);

#endif
