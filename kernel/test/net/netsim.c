/* netsim.c - the fake link and frame builders of netsim.h. */
#include <stdio.h>
#include <string.h>
#include "check.h"
#include "netsim.h"

const uint8_t dev_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
const uint8_t gw_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
const uint8_t peer_mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

static int sim_link_output(void *ctx, const struct net_iov *iov, int niov)
{
    struct sim *s = ctx;
    size_t len = 0;
    if (s->link_err)
        return s->link_err;
    CHECK(niov >= 1 && niov <= NET_IOV_MAX);
    if (s->out_count == SIM_FRAMES) {
        s->overflow = 1;
        s->out_head = (s->out_head + 1) % SIM_FRAMES;   /* keep the newest */
        s->out_count--;
    }
    int slot = (s->out_head + s->out_count) % SIM_FRAMES;
    for (int i = 0; i < niov; i++) {
        CHECK(len + iov[i].len <= SIM_FRAME_MAX);
        if (len + iov[i].len > SIM_FRAME_MAX)
            return MOTE_EIO;
        if (iov[i].len)
            memcpy(s->out[slot] + len, iov[i].base, iov[i].len);
        len += iov[i].len;
    }
    CHECK(len >= 14 && len <= 14 + NET_MTU);
    s->out_len[slot] = len;
    s->out_count++;
    s->sent++;
    return 0;
}

static uint32_t sim_random32(void *ctx)
{
    struct sim *s = ctx;
    if (s->fixed_rnd)
        return s->fixed_rnd;
    s->rnd ^= s->rnd << 13;
    s->rnd ^= s->rnd >> 17;
    s->rnd ^= s->rnd << 5;
    return s->rnd;
}

static void sim_event_cb(void *ctx, const struct net_event *ev)
{
    struct sim *s = ctx;
    if (s->nev < SIM_EVENTS)
        s->ev[s->nev++] = *ev;
}

void sim_init(struct sim *s, const uint8_t mac[6], uint32_t seed, uint32_t fixed, uint64_t now)
{
    struct net_env env = { sim_link_output, sim_random32, sim_event_cb, s };
    memset(s, 0, sizeof *s);
    s->rnd = seed ? seed : 1;
    s->fixed_rnd = fixed;
    net_init(&s->ns, mac, &env, now);
}

int sim_take(struct sim *s, uint8_t *buf)
{
    if (!s->out_count)
        return -1;
    size_t len = s->out_len[s->out_head];
    memcpy(buf, s->out[s->out_head], len);
    s->out_head = (s->out_head + 1) % SIM_FRAMES;
    s->out_count--;
    return (int)len;
}

void sim_clear(struct sim *s)
{
    s->out_head = s->out_count = 0;
    s->nev = 0;
}

const struct net_event *sim_event(const struct sim *s, enum net_event_type type)
{
    for (int i = s->nev - 1; i >= 0; i--)
        if (s->ev[i].type == type)
            return &s->ev[i];
    return 0;
}

size_t unhex(uint8_t *out, size_t cap, const char *hex)
{
    size_t n = 0;
    int hi = -1;
    for (; *hex; hex++) {
        int c = *hex, v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            continue;
        if (hi < 0) {
            hi = v;
        } else if (n < cap) {
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

int frame_is(const uint8_t *f, int len, const char *hex)
{
    static uint8_t want[4096];
    size_t n = unhex(want, sizeof want, hex);
    if (len == (int)n && !memcmp(f, want, n))
        return 1;
    fprintf(stderr, "frame mismatch (%d bytes, want %zu):\n  got  ", len, n);
    for (int i = 0; i < len; i++)
        fprintf(stderr, "%02x", f[i]);
    fprintf(stderr, "\n  want ");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%02x", want[i]);
    fprintf(stderr, "\n");
    return 0;
}

size_t build_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    put_be16(f + 12, type);
    return 14;
}

size_t build_arp(uint8_t *f, uint16_t op, const uint8_t dst[6], const uint8_t sha[6],
                 uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
    uint8_t *a = f + build_eth(f, dst, sha, ETH_TYPE_ARP);
    put_be16(a, 1);
    put_be16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put_be16(a + 6, op);
    memcpy(a + 8, sha, 6);
    put_be32(a + 14, spa);
    memcpy(a + 18, tha, 6);
    put_be32(a + 24, tpa);
    return 14 + 28;
}

size_t build_ip(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t src,
                uint32_t dst, uint8_t proto, const void *payload, size_t len)
{
    uint8_t *h = f + build_eth(f, dst_mac, src_mac, ETH_TYPE_IP);
    memset(h, 0, 20);
    h[0] = 0x45;
    put_be16(h + 2, (uint16_t)(20 + len));
    put_be16(h + 4, 0x1234);
    h[8] = 64;
    h[9] = proto;
    put_be32(h + 12, src);
    put_be32(h + 16, dst);
    put_be16(h + 10, inet_cksum(h, 20));
    if (len)
        memmove(h + 20, payload, len);
    return 14 + 20 + len;
}

size_t build_udp(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t src,
                 uint32_t dst, uint16_t sport, uint16_t dport, const void *data, size_t len)
{
    static uint8_t u[65536];
    struct inet_sum s;
    put_be16(u, sport);
    put_be16(u + 2, dport);
    put_be16(u + 4, (uint16_t)(8 + len));
    put_be16(u + 6, 0);
    if (len)
        memcpy(u + 8, data, len);
    inet_sum_init(&s, inet_pseudo(src, dst, IPPROTO_UDP, (uint16_t)(8 + len)));
    inet_sum_add(&s, u, 8 + len);
    uint16_t c = inet_sum_final(&s);
    put_be16(u + 6, c ? c : 0xffff);
    return build_ip(f, dst_mac, src_mac, src, dst, IPPROTO_UDP, u, 8 + len);
}

size_t build_icmp(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t src,
                  uint32_t dst, uint8_t type, uint8_t code, uint32_t rest, const void *data,
                  size_t len)
{
    static uint8_t m[65536];
    m[0] = type;
    m[1] = code;
    put_be16(m + 2, 0);
    put_be32(m + 4, rest);
    if (len)
        memcpy(m + 8, data, len);
    put_be16(m + 2, inet_cksum(m, 8 + len));
    return build_ip(f, dst_mac, src_mac, src, dst, IPPROTO_ICMP, m, 8 + len);
}

void sim_static_with_gw(struct sim *s, uint64_t now)
{
    uint8_t f[64];
    net_set_static(&s->ns, DEV_IP, IP4(255, 255, 255, 0), GW_IP, DNS_IP, now);
    /* The gateway and the DNS server ask for us: the device learns both. */
    net_input(&s->ns, f, build_arp(f, 1, net_bcast_mac, gw_mac, GW_IP, (uint8_t[6]){ 0 }, DEV_IP),
              now);
    net_input(&s->ns, f, build_arp(f, 1, net_bcast_mac, gw_mac, DNS_IP, (uint8_t[6]){ 0 }, DEV_IP),
              now);
    sim_clear(s);
}
