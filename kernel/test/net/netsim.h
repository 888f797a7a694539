/*
 * netsim.h - a fake link, randomness and event log around struct net_stack
 * for the host tests, and builders for the frames a peer would send.
 */
#ifndef NETSIM_H
#define NETSIM_H

#include <stddef.h>
#include <stdint.h>
#include <net/net.h>

#define SIM_FRAMES 64
#define SIM_EVENTS 64
#define SIM_FRAME_MAX 1600

/* The device's addresses in every test (as slirp gives them), and its peers'. */
#define DEV_IP IP4(10, 0, 2, 15)
#define GW_IP IP4(10, 0, 2, 2)
#define DNS_IP IP4(10, 0, 2, 3)
extern const uint8_t dev_mac[6], gw_mac[6], peer_mac[6];

struct sim {
    struct net_stack ns;
    uint8_t out[SIM_FRAMES][SIM_FRAME_MAX];  /* frames the stack sent, a FIFO */
    size_t out_len[SIM_FRAMES];
    int out_head, out_count;
    long sent;                  /* every frame ever sent */
    struct net_event ev[SIM_EVENTS];
    int nev;
    uint32_t rnd;               /* xorshift state; fixed_rnd if nonzero is returned instead */
    uint32_t fixed_rnd;
    int link_err;               /* link_output returns this when nonzero */
    int overflow;               /* a frame was lost because the FIFO was full */
};

/* A stack with `mac`, randomness from `seed` (or constant `fixed` if nonzero), at time now. */
void sim_init(struct sim *s, const uint8_t mac[6], uint32_t seed, uint32_t fixed, uint64_t now);
/* Take the oldest sent frame into buf (SIM_FRAME_MAX); its length, or -1 if none. */
int sim_take(struct sim *s, uint8_t *buf);
/* Forget sent frames and events. */
void sim_clear(struct sim *s);
/* The last event of a type, or NULL. */
const struct net_event *sim_event(const struct sim *s, enum net_event_type type);
/* Compare a frame with a hex string (spaces ignored); prints both on mismatch. */
int frame_is(const uint8_t *f, int len, const char *hex);
/* Decode hex (spaces ignored) into out; the byte count. */
size_t unhex(uint8_t *out, size_t cap, const char *hex);

/* ---- what peers send (all checksums right) ---- */
size_t build_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
size_t build_arp(uint8_t *f, uint16_t op, const uint8_t dst[6], const uint8_t sha[6],
                 uint32_t spa, const uint8_t tha[6], uint32_t tpa);
/* An IPv4 frame from src_mac/src to dst_mac/dst carrying payload; the frame length. */
size_t build_ip(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t src,
                uint32_t dst, uint8_t proto, const void *payload, size_t len);
size_t build_udp(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t src,
                 uint32_t dst, uint16_t sport, uint16_t dport, const void *data, size_t len);
size_t build_icmp(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t src,
                  uint32_t dst, uint8_t type, uint8_t code, uint32_t rest, const void *data,
                  size_t len);

/* Configure s statically as DEV_IP/24, gateway GW_IP, DNS DNS_IP, and resolve gw_mac for GW_IP. */
void sim_static_with_gw(struct sim *s, uint64_t now);

#endif
