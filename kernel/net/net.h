/*
 * net.h - the IPv4 stack of one Ethernet interface: ARP, IPv4, ICMP (echo
 * and a ping client), UDP, a DHCP client and a DNS stub resolver, tied
 * together by struct net_stack. TCP is its own module (tcp.h); it plugs in
 * through the tcp_input hook below and sends with ip_output.
 *
 * Pure logic: no kernel calls and no allocation. Time comes in as now_ms
 * (monotonic milliseconds), frames leave through env.link_output, and all
 * the memory the stack uses is inside struct net_stack (budget below); a
 * pool that runs dry drops the packet and counts it.
 *
 * Concurrency: nothing here locks. The caller serialises every call on one
 * stack (one lock or one network thread). env.link_output and env.event run
 * inside those calls and must not call back into the stack (queue, wake a
 * thread, return); the tcp_input hook may call ip_output.
 *
 * Addresses and ports are in host byte order (IP4(10, 0, 2, 15)).
 *
 * Wiring, by whoever owns the interface: net_init once; net_input for every
 * received frame; net_timer whenever net_next_deadline() has passed (and
 * after any call, which may move it earlier); dhcp_start or net_set_static.
 * TCP (tcp.h): set ns->tcp_input to a three-line adapter calling tcp_input
 * and ns->tcp to its state; TCP's output callback calls
 * ip_output(ns, src, dst, IPPROTO_TCP, iov, niov).
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stddef.h>
#include <stdint.h>
#include <mote.h>
#include "inet.h"

/* Error codes the stack adds to mote.h's (Linux values, like the others). */
#ifndef MOTE_EMSGSIZE
#define MOTE_EMSGSIZE (-90)       /* datagram larger than the MTU allows */
#endif
#ifndef MOTE_EADDRINUSE
#define MOTE_EADDRINUSE (-98)     /* UDP port already bound */
#endif
#ifndef MOTE_ENETUNREACH
#define MOTE_ENETUNREACH (-101)   /* no address yet, or no route/gateway/DNS server */
#endif

/*
 * ---- budget: what struct net_stack holds (each overridable with -D) ----
 * With these defaults sizeof(struct net_stack) is 20,840 bytes on aarch64 and
 * x86_64, all of the stack's RAM:
 *   UDP receive    NET_UDP_BUFS x 1484 B = 11.6 KiB: one datagram each, shared by all
 *                  endpoints, at most NET_UDP_QUEUE_MAX queued per endpoint
 *   ARP queue      NET_ARP_QUEUE x 1512 B = 5.9 KiB: packets waiting for a next hop's MAC
 *   DNS            NET_DNS_QUERIES x 288 B (name, id, port, retries) +
 *                  NET_DNS_CACHE x 80 B (names up to NET_DNS_CACHE_NAME - 1 chars) = 1.75 KiB
 *   ARP cache      NET_ARP_ENTRIES x 32 B; UDP endpoints NET_UDP_ENDPOINTS x 6 B;
 *   ping           NET_PING_SLOTS x 40 B; counters NET_C_COUNT x 8 B
 * Thread stack: no recursion; the deepest frames hold a DHCP message (300 B),
 * a DNS query (271 B) or two DNS names (2 x 254 B).
 */
#define NET_MTU 1500                 /* largest IPv4 packet sent or queued; no fragmentation */
#define NET_UDP_MAX (NET_MTU - 28)   /* largest UDP payload: 1472 */
#ifndef NET_ARP_ENTRIES
#define NET_ARP_ENTRIES 8
#endif
#ifndef NET_ARP_QUEUE
#define NET_ARP_QUEUE 4
#endif
#define NET_ARP_TTL_MS 60000         /* a mapping is refreshed after this */
#define NET_ARP_RETRY_MS 1000        /* between requests while resolving */
#define NET_ARP_TRIES 3              /* requests before the next hop is unreachable */
#define NET_ARP_ANNOUNCE_MS 2000     /* between the two gratuitous ARPs (RFC 5227) */
#ifndef NET_UDP_ENDPOINTS
#define NET_UDP_ENDPOINTS 8
#endif
#ifndef NET_UDP_BUFS
#define NET_UDP_BUFS 8
#endif
#ifndef NET_UDP_QUEUE_MAX
#define NET_UDP_QUEUE_MAX 4
#endif
#define NET_PING_SLOTS 4
#define NET_PING_MAX (NET_MTU - 28)  /* largest echo payload */
#define NET_DNS_QUERIES 4
#define NET_DNS_CACHE 8
#define NET_DNS_CACHE_NAME 64
#define NET_DNS_NAME_MAX 253         /* dotted, without the trailing dot (RFC 1035 2.3.4) */
#define NET_DNS_TIMEOUT_MS 1000      /* first try; doubled for each retry */
#define NET_DNS_TRIES 3
#define NET_DHCP_RTO_MS 4000         /* first retransmission (RFC 2131 4.1), doubled to 64 s */
#define NET_DHCP_REQUEST_TRIES 4     /* REQUESTs without an answer before starting over */
#define NET_DHCP_NAK_DELAY_MS 1000   /* after a NAK, before the next DISCOVER */
#define NET_ICMP_ERR_PER_S 10        /* rate limit of the errors we send */
#define NET_IOV_MAX 12               /* pieces of one frame, Ethernet header included */
#define NET_IP_IOV_MAX (NET_IOV_MAX - 2) /* pieces a caller of ip_output may pass */
#define NET_NEVER UINT64_MAX         /* "no deadline" */

/*
 * ---- counters: everything received, sent and dropped, by cause ----
 * ns->cnt[NET_C_ip_cksum] etc.; net_counter_name(i) gives "ip_cksum".
 */
#define NET_COUNTERS(X) \
    X(rx_frames) X(rx_bytes) X(tx_frames) X(tx_bytes) X(tx_errors) \
    X(eth_short) X(eth_not_ours) X(eth_bad_src) X(eth_type) \
    X(arp_rx) X(arp_tx) X(arp_bad) X(arp_conflict) X(arp_queue_full) X(arp_unresolved) \
    X(arp_cache_full) \
    X(ip_rx) X(ip_tx) X(ip_short) X(ip_version) X(ip_hdr) X(ip_len) X(ip_cksum) X(ip_frag) \
    X(ip_bad_src) X(ip_not_ours) X(ip_proto) X(ip_no_route) X(ip_too_big) \
    X(icmp_rx) X(icmp_tx) X(icmp_bad) X(icmp_echo_rx) X(icmp_reply_rx) X(icmp_unreach_rx) \
    X(icmp_other_rx) X(icmp_err_tx) X(icmp_err_limited) X(ping_bad) X(ping_timeout) \
    X(udp_rx) X(udp_tx) X(udp_bad) X(udp_cksum) X(udp_no_port) X(udp_queue_full) X(udp_no_buf) \
    X(tcp_rx) X(tcp_no_hook) \
    X(dhcp_rx) X(dhcp_tx) X(dhcp_bad) X(dhcp_nak) X(dhcp_bound) X(dhcp_expired) \
    X(dns_rx) X(dns_tx) X(dns_bad) X(dns_timeout) X(dns_cache_hit)

enum net_counter {
#define NET_C_ENUM(name) NET_C_##name,
    NET_COUNTERS(NET_C_ENUM)
#undef NET_C_ENUM
    NET_C_COUNT
};
#define NET_COUNT(ns, name) ((ns)->cnt[NET_C_##name]++)

/* What the stack tells its owner (env.event); handle is a UDP/ping/DNS handle. */
enum net_event_type {
    NET_EV_ADDR_UP,     /* address configured or changed (DHCP bound, static): value = IP */
    NET_EV_ADDR_DOWN,   /* address lost (lease expired, NAK, DHCP stopped) */
    NET_EV_UDP,         /* a datagram was queued on endpoint handle */
    NET_EV_PING,        /* ping handle finished: status 0 (value = RTT ms) or MOTE_ETIMEDOUT */
    NET_EV_DNS,         /* DNS handle finished: status 0 (value = IP) or negative */
    NET_EV_CONFLICT,    /* another host (ARP) claims our address: value = IP */
};
struct net_event {
    enum net_event_type type;
    int handle;
    int status;
    uint32_t value;
};

/* The stack's way out: sending a frame (copied or sent before it returns), randomness, events. */
struct net_env {
    int (*link_output)(void *ctx, const struct net_iov *iov, int niov); /* 0 or negative */
    uint32_t (*random32)(void *ctx);  /* unpredictable: DHCP xids, DNS ids and ports */
    void (*event)(void *ctx, const struct net_event *ev);  /* may be NULL */
    void *ctx;
};

/* ---- state of each part (zeroed means idle/free) ---- */
enum arp_state { ARP_FREE, ARP_RESOLVING, ARP_OK };
struct arp_entry {
    uint32_t ip;
    uint8_t mac[6];
    uint8_t state;          /* enum arp_state */
    uint8_t tries;          /* requests sent since resolving or refreshing began; 0: none due */
    uint64_t stale_ms;      /* ARP_OK: the mapping is refreshed when used after this */
    uint64_t retry_ms;      /* when tries > 0: the next request, or giving up */
};
struct arp_pending {        /* one IPv4 packet waiting for its next hop's MAC */
    uint32_t next_hop;
    uint32_t seq;           /* arrival order, to send in order */
    uint16_t len;           /* 0: slot free */
    uint8_t pkt[NET_MTU];
};

struct udp_endpoint {
    uint16_t port;          /* 0: free */
    uint8_t queued;         /* datagrams waiting */
    uint8_t head, tail;     /* indices into udp_bufs, valid when queued > 0 */
};
struct udp_buf {
    uint32_t src;
    uint16_t sport;
    uint16_t len;
    uint8_t owner;          /* endpoint index + 1; 0: free */
    uint8_t next;
    uint8_t data[NET_UDP_MAX];
};

enum net_slot_state { SLOT_FREE, SLOT_WAIT, SLOT_DONE };
struct ping_slot {
    uint8_t state;          /* enum net_slot_state */
    uint16_t seq;
    uint16_t len;
    uint32_t dst;
    int status;             /* SLOT_DONE: 0 or MOTE_ETIMEDOUT */
    uint32_t rtt_ms;
    uint64_t sent_ms, deadline_ms;
};

enum dhcp_state { DHCP_OFF, DHCP_INIT, DHCP_SELECTING, DHCP_REQUESTING, DHCP_BOUND,
                  DHCP_RENEWING, DHCP_REBINDING };
struct dhcp_client {
    uint8_t state;          /* enum dhcp_state */
    uint8_t tries;          /* transmissions in this state */
    uint32_t xid;
    uint32_t offer_ip, server;
    uint32_t lease_s;       /* of the current lease; 0xffffffff: infinite */
    uint64_t start_ms;      /* this exchange began (the secs field) */
    uint64_t next_ms;       /* next transmission or state change */
    uint64_t t1_ms, t2_ms, expiry_ms;
};

struct dns_query {
    uint8_t state;          /* enum net_slot_state */
    uint8_t tries;
    uint16_t id, port;      /* random per query (RFC 5452) */
    int status;             /* SLOT_DONE: 0, MOTE_ENOENT, MOTE_ETIMEDOUT, MOTE_EIO */
    uint32_t server, ip;
    uint64_t next_ms;
    char name[NET_DNS_NAME_MAX + 1];  /* lowercase, no trailing dot */
};
struct dns_cache_entry {
    char name[NET_DNS_CACHE_NAME];    /* "" : free */
    uint32_t ip;
    uint64_t expires_ms;
};

/* The whole stack for one interface. Zero it only through net_init. */
struct net_stack {
    struct net_env env;
    uint8_t mac[6];
    uint32_t ip, mask, gw, dns;   /* 0 ip: not configured */
    uint64_t now_ms;              /* the latest time any call passed in */
    uint16_t ip_id;
    uint16_t ping_id, ping_seq;
    uint32_t arp_seq;
    uint8_t arp_announce_left;
    uint64_t arp_announce_ms;
    uint64_t icmp_err_window_ms;
    uint32_t icmp_err_count;
    /* TCP: set by whoever creates the stack; called for every valid TCP segment to us. */
    void (*tcp_input)(void *tcp, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
                      uint64_t now_ms);
    void *tcp;
    struct arp_entry arp[NET_ARP_ENTRIES];
    struct arp_pending arp_queue[NET_ARP_QUEUE];
    struct udp_endpoint udp[NET_UDP_ENDPOINTS];
    struct udp_buf udp_bufs[NET_UDP_BUFS];
    struct ping_slot ping[NET_PING_SLOTS];
    struct dhcp_client dhcp;
    struct dns_query dnsq[NET_DNS_QUERIES];
    struct dns_cache_entry dns_cache[NET_DNS_CACHE];
    uint64_t cnt[NET_C_COUNT];
};

/* ---- the stack (stack.c, eth.c) ---- */

/* Start a stack for the interface with this MAC: no address yet, every table empty. */
void net_init(struct net_stack *ns, const uint8_t mac[6], const struct net_env *env,
              uint64_t now_ms);
/* Use a fixed address (stops DHCP); announces it with gratuitous ARP. gw/dns may be 0. */
void net_set_static(struct net_stack *ns, uint32_t ip, uint32_t mask, uint32_t gw, uint32_t dns,
                    uint64_t now_ms);
/* Take one received Ethernet frame (without FCS); read only during the call, never kept. */
void net_input(struct net_stack *ns, const uint8_t *frame, size_t len, uint64_t now_ms);
/* Do whatever is due at now_ms: retransmissions, timeouts, lease changes. */
void net_timer(struct net_stack *ns, uint64_t now_ms);
/* When net_timer next has work, or NET_NEVER. */
uint64_t net_next_deadline(const struct net_stack *ns);
/* "ip_cksum" for NET_C_ip_cksum; NULL past the end. */
const char *net_counter_name(int i);

/* ---- IPv4 (ip.c) ---- */

/*
 * Send an IPv4 packet: the 20-byte header is ours, the pieces are the payload
 * (at most NET_IP_IOV_MAX, NET_MTU - 20 bytes). src is our address or 0 for
 * it (0.0.0.0 while unconfigured, as DHCP needs). 0 when sent or queued for
 * ARP; MOTE_EMSGSIZE, MOTE_ENETUNREACH (no address, no route, or src not ours),
 * MOTE_ENOMEM (ARP queue or cache full), MOTE_EINVAL, or the link's error.
 * It takes no time: ARP timing uses the latest now_ms any call passed in.
 */
int ip_output(struct net_stack *ns, uint32_t src, uint32_t dst, uint8_t proto,
              const struct net_iov *iov, int niov);

/* ---- UDP (udp.c) ---- */

/* Bind a port (0: a free ephemeral one); the handle (>= 0), MOTE_EADDRINUSE or MOTE_ENOMEM. */
int udp_bind(struct net_stack *ns, uint16_t port);
/* The bound port of a handle, 0 if the handle is not bound. */
uint16_t udp_port(const struct net_stack *ns, int h);
/* Unbind, dropping what is queued. 0 or MOTE_EINVAL. */
int udp_close(struct net_stack *ns, int h);
/* Send len (<= NET_UDP_MAX) bytes from the handle's port. 0 or as ip_output. */
int udp_sendto(struct net_stack *ns, int h, uint32_t dst, uint16_t dport, const void *data,
               size_t len);
/*
 * Take the oldest queued datagram: up to cap bytes are copied, the rest of it
 * is dropped. Returns the bytes copied, MOTE_EAGAIN if none is queued, MOTE_EINVAL.
 */
int udp_recvfrom(struct net_stack *ns, int h, void *buf, size_t cap, uint32_t *src,
                 uint16_t *sport);

/* ---- ping (icmp.c) ---- */

/* Send one echo request with len (<= NET_PING_MAX) bytes of data; the handle or negative. */
int icmp_ping_send(struct net_stack *ns, uint32_t dst, size_t len, uint32_t timeout_ms,
                   uint64_t now_ms);
/*
 * 0 and *rtt_ms when the reply came, MOTE_ETIMEDOUT when it did not (both free
 * the handle), MOTE_EAGAIN while waiting, MOTE_EINVAL for a bad handle.
 */
int icmp_ping_poll(struct net_stack *ns, int h, uint32_t *rtt_ms);

/* ---- DHCP client (dhcp.c) ---- */

/* Drop any address and acquire one: DISCOVER goes out now. */
void dhcp_start(struct net_stack *ns, uint64_t now_ms);
/* Stop; with release, tell the server (DHCPRELEASE). The address is dropped. */
void dhcp_stop(struct net_stack *ns, int release, uint64_t now_ms);

/* ---- DNS stub resolver (dns.c) ---- */

/*
 * Look up name's A record (dotted, an optional trailing dot). Returns a
 * handle (>= 0) for dns_result: already finished when the cache had it, or
 * MOTE_EINVAL (bad name), MOTE_ENETUNREACH (no DNS server), MOTE_ENOMEM.
 */
int dns_query(struct net_stack *ns, const char *name, uint64_t now_ms);
/*
 * 0 and *ip when found; MOTE_ENOENT (NXDOMAIN or no A record), MOTE_ETIMEDOUT,
 * MOTE_EIO (server failure, truncated) when not: these free the handle.
 * MOTE_EAGAIN while asking, MOTE_EINVAL for a bad handle.
 */
int dns_result(struct net_stack *ns, int h, uint32_t *ip);
/* Forget a query (its answer is ignored). */
void dns_cancel(struct net_stack *ns, int h);

/* ---- internal: between the parts ---- */

#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define IP_BROADCAST 0xffffffffu
extern const uint8_t net_bcast_mac[6];

/* What upper layers learn about the IPv4 packet that carried their data. */
struct ip_rx {
    uint32_t src, dst;
    const uint8_t *pkt;     /* the IPv4 header, for ICMP errors */
    size_t hdr_len, len;    /* header and total length */
    int unicast;            /* to our address (not broadcast, nor taken while unconfigured) */
};

int eth_output(struct net_stack *ns, const uint8_t *dst, uint16_t type,
               const struct net_iov *iov, int niov);
void arp_input(struct net_stack *ns, const uint8_t *p, size_t len);
int arp_output(struct net_stack *ns, uint32_t next_hop, const struct net_iov *iov, int niov);
void arp_announce(struct net_stack *ns);
void arp_timer(struct net_stack *ns, uint64_t now_ms);
uint64_t arp_deadline(const struct net_stack *ns);
void ip_input(struct net_stack *ns, const uint8_t *p, size_t len);
int ip_is_broadcast(const struct net_stack *ns, uint32_t a);
void icmp_input(struct net_stack *ns, const struct ip_rx *rx, const uint8_t *p, size_t len);
void icmp_send_error(struct net_stack *ns, uint8_t type, uint8_t code, const struct ip_rx *rx);
void icmp_timer(struct net_stack *ns, uint64_t now_ms);
uint64_t icmp_deadline(const struct net_stack *ns);
void udp_input(struct net_stack *ns, const struct ip_rx *rx, const uint8_t *p, size_t len);
int udp_find(const struct net_stack *ns, uint16_t port);
int udp_output(struct net_stack *ns, uint16_t sport, uint32_t dst, uint16_t dport,
               const struct net_iov *iov, int niov);
int dhcp_input(struct net_stack *ns, uint16_t sport, const uint8_t *m, size_t len);
void dhcp_timer(struct net_stack *ns, uint64_t now_ms);
int dns_input(struct net_stack *ns, uint32_t src, uint16_t dport, const uint8_t *m, size_t len);
void dns_timer(struct net_stack *ns, uint64_t now_ms);
uint64_t dns_deadline(const struct net_stack *ns);
void net_configure(struct net_stack *ns, uint32_t ip, uint32_t mask, uint32_t gw, uint32_t dns);
void net_emit(struct net_stack *ns, enum net_event_type type, int handle, int status,
              uint32_t value);

#endif
