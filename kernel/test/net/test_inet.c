/*
 * The Internet checksum (net/inet.c): RFC 1071's worked example, sums over
 * pieces of any length and alignment, the pseudo-header, and the property
 * receivers rely on (a packet that carries its checksum sums to 0).
 */
#include <stdint.h>
#include "check.h"
#include <net/inet.h>

/* RFC 1071 section 3: these 8 bytes sum to 0xddf2, so the checksum is 0x220d. */
static const uint8_t rfc1071[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

void test_inet_rfc1071_example(void)
{
    CHECK(inet_cksum(rfc1071, sizeof(rfc1071)) == 0x220d);
    CHECK(inet_cksum(rfc1071, 0) == 0xffff);                /* nothing: ~0 */
    CHECK(inet_cksum(rfc1071, 3) == (uint16_t)~0xf201);     /* odd length: a zero byte pads it */
    /* A 20-byte IPv4 header whose checksum field holds 0xb861 (10.1 in RFC 791's layout). */
    uint8_t ip[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
    CHECK(inet_cksum(ip, sizeof(ip)) == 0xb861);
    put_be16(ip + 10, 0xb861);
    CHECK(inet_cksum(ip, sizeof(ip)) == 0);                 /* as a receiver checks it */
    /* Many carries: 64 KiB of 0xff sums to 0xffff, folded however often it wrapped. */
    static uint8_t ones[65536];
    memset(ones, 0xff, sizeof(ones));
    CHECK(inet_cksum(ones, sizeof(ones)) == 0);
    CHECK(inet_cksum(ones, 1) == (uint16_t)~0xff00);
}

/* Summing the example in pieces, split anywhere and in any number, gives the same checksum. */
void test_inet_odd_length_pieces(void)
{
    for (unsigned cuts = 0; cuts < 1u << 7; cuts++) {       /* every subset of the 7 cut points */
        struct inet_sum s;
        size_t from = 0;
        inet_sum_init(&s, 0);
        for (size_t at = 1; at <= sizeof(rfc1071); at++) {
            if (at == sizeof(rfc1071) || (cuts >> (at - 1) & 1)) {
                inet_sum_add(&s, rfc1071 + from, at - from);
                from = at;
            }
        }
        CHECK(inet_sum_final(&s) == 0x220d);
    }
    /* Empty pieces change nothing, also between the two bytes of a word. */
    struct inet_sum s;
    inet_sum_init(&s, 0);
    inet_sum_add(&s, rfc1071, 1);
    inet_sum_add(&s, rfc1071, 0);
    inet_sum_add(&s, rfc1071 + 1, 7);
    CHECK(inet_sum_final(&s) == 0x220d);
    /* Unaligned starts: the same 3 odd bytes at every offset of a buffer. */
    uint8_t buf[16] = { 0 };
    for (size_t off = 0; off + 3 <= sizeof(buf); off++) {
        memset(buf, 0, sizeof(buf));
        memcpy(buf + off, rfc1071, 3);
        CHECK(inet_cksum(buf + off, 3) == (uint16_t)~0xf201);
    }
}

/* The TCP/UDP pseudo-header: inet_pseudo equals summing its 12 bytes, and a datagram verifies. */
/* The reference: RFC 1071's loop, two bytes at a time, big-endian words. */
static uint16_t ref_cksum(const uint8_t *p, size_t n)
{
    uint64_t acc = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        acc += (uint32_t)p[n - 1] << 8;
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

/* The 8-bytes-a-step path agrees with the reference at every alignment, length and split. */
void test_inet_word_path_matches_reference(void)
{
    static uint8_t buf[1600];
    uint32_t x = 7;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 24);
    }
    memset(buf + 100, 0xff, 64);            /* runs of 0xff: the end-around carry */
    for (size_t off = 0; off < 16; off++) {
        for (size_t n = 0; n <= 200; n++)
            CHECK(inet_cksum(buf + off, n) == ref_cksum(buf + off, n));
        CHECK(inet_cksum(buf + off, 1500) == ref_cksum(buf + off, 1500));
        for (size_t cut = 0; cut <= 40; cut++) {
            struct inet_sum s;
            inet_sum_init(&s, 0);
            inet_sum_add(&s, buf + off, cut);
            inet_sum_add(&s, buf + off + cut, 1460 - cut);
            CHECK(inet_sum_final(&s) == ref_cksum(buf + off, 1460));
        }
    }
    static const uint8_t ffs[64] = { [0 ... 63] = 0xff };
    CHECK(inet_cksum(ffs, 64) == ref_cksum(ffs, 64));
}

void test_inet_pseudo_header(void)
{
    uint32_t src = IP4(10, 0, 2, 15), dst = IP4(10, 0, 2, 2);
    uint8_t ph[12];
    put_be32(ph, src);
    put_be32(ph + 4, dst);
    ph[8] = 0;
    ph[9] = IPPROTO_UDP;
    put_be16(ph + 10, 13);
    struct inet_sum a, b;
    inet_sum_init(&a, inet_pseudo(src, dst, IPPROTO_UDP, 13));
    inet_sum_init(&b, 0);
    inet_sum_add(&b, ph, sizeof(ph));
    CHECK(inet_sum_final(&a) == inet_sum_final(&b));
    CHECK(get_be32(ph) == src && get_be32(ph + 4) == dst && get_be16(ph + 10) == 13);

    /* A UDP datagram (8-byte header, 5 odd bytes of data): fill in its checksum, then check it. */
    uint8_t udp[13] = { 0x30, 0x39, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o' };
    struct inet_sum s;
    inet_sum_init(&s, inet_pseudo(src, dst, IPPROTO_UDP, sizeof(udp)));
    inet_sum_add(&s, udp, 8);                                /* header and data as two pieces */
    inet_sum_add(&s, udp + 8, 5);
    uint16_t ck = inet_sum_final(&s);
    CHECK(ck != 0);
    put_be16(udp + 6, ck);
    inet_sum_init(&s, inet_pseudo(src, dst, IPPROTO_UDP, sizeof(udp)));
    inet_sum_add(&s, udp, sizeof(udp));
    CHECK(inet_sum_final(&s) == 0);
    inet_sum_init(&s, inet_pseudo(src, IP4(10, 0, 2, 3), IPPROTO_UDP, sizeof(udp)));
    inet_sum_add(&s, udp, sizeof(udp));
    CHECK(inet_sum_final(&s) != 0);                          /* delivered to the wrong host */
}

static uint32_t ip_of(const char *s)
{
    uint32_t ip = 0xdeadbeef;
    return inet_parse_ip4(s, &ip) ? ip : 0xdeadbeef;
}

void test_inet_parse_ip4(void)
{
    CHECK(ip_of("10.0.2.15") == IP4(10, 0, 2, 15));
    CHECK(ip_of("0.0.0.0") == 0);
    CHECK(ip_of("255.255.255.255") == 0xffffffffu);
    CHECK(ip_of("1.2.3.4") == 0x01020304u);
    const char *bad[] = {"", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "1..2.3",
                         ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "01.2.3.4", "1.2.3.0004",
                         "1234.1.1.1", "a.b.c.d", "1.2.3.-4", "host.mote.internal"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t ip = 7;
        CHECK(!inet_parse_ip4(bad[i], &ip));
        CHECK(ip == 7);     /* untouched */
    }
}
