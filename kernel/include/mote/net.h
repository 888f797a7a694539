/*
 * mote/net.h - the network for apps: one Ethernet interface (the board's
 * virtio-net, when its profile says `net = virtio`), IPv4 with DHCP, TCP,
 * UDP, DNS and ping. The BSD socket names (socket, connect, recv, ...) are
 * in <sys/socket.h>, <netinet/in.h>, <arpa/inet.h> and <netdb.h>, on top of
 * these calls. docs/device-api.md shows each call.
 *
 * Networking starts on the first call of this API (or mote_net_start): the
 * NIC comes up, a network thread (priority MOTE_NET_PRIO) starts and DHCP
 * asks for an address. An app that never calls it links none of it and
 * boots as fast as before. Calls that need an address wait for DHCP within
 * their own timeout.
 *
 * Addresses are IPv4 in host byte order (MOTE_IP4(10, 0, 2, 2)), ports in
 * host order. Every call may be made from any thread (not from interrupt
 * handlers); blocking calls take a timeout in ms (0: do not block,
 * MOTE_FOREVER). Sends and receives may move fewer bytes than asked: that
 * is a normal return, not an error.
 *
 * Under `mote run` (QEMU user-mode networking, isolated: restrict=on) the
 * device is 10.0.2.15/24 and 10.0.2.2 is QEMU (DHCP server, answers ping);
 * DHCP names no gateway and no DNS server there, and QEMU passes no UDP
 * but DHCP and TFTP. The host's 127.0.0.1 services given with --guestfwd
 * are at MOTE_NET_HOST, which mote_dns_resolve knows as "host.mote.internal";
 * the device's ports given with --hostfwd are on the host's 127.0.0.1.
 */
#ifndef MOTE_NET_H
#define MOTE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mote.h>

/* Errors besides mote.h's (Linux errno values, negated). */
#define MOTE_EPIPE        (-32)   /* sending after mote_tcp_shutdown */
#define MOTE_EMSGSIZE     (-90)   /* a datagram larger than one packet (1472 bytes) */
#define MOTE_EADDRINUSE   (-98)   /* the port is taken */
#define MOTE_ENETUNREACH  (-101)  /* no address (yet), or no route / gateway / DNS server */
#define MOTE_ECONNABORTED (-103)  /* mote_tcp_abort, or the stack gave up on the connection */
#define MOTE_ECONNRESET   (-104)  /* the peer reset the connection */
#ifndef MOTE_ENOTCONN
#define MOTE_ENOTCONN     (-107)  /* not connected (yet, or any more) */
#endif
#define MOTE_ECONNREFUSED (-111)  /* nobody listens on that port */
/* DNS: MOTE_ENOENT (no such name), MOTE_ETIMEDOUT (no answer), MOTE_EIO (server failure). */

#define MOTE_IP4(a, b, c, d) \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
/* printf("%u.%u.%u.%u", MOTE_IP4_ARGS(ip)) */
#define MOTE_IP4_ARGS(ip) \
    (unsigned)((ip) >> 24), (unsigned)((ip) >> 16 & 255), (unsigned)((ip) >> 8 & 255), \
    (unsigned)((ip) & 255)
#define MOTE_NET_HOST MOTE_IP4(10, 0, 2, 100)  /* the host under `mote run --guestfwd` */
#define MOTE_NET_PRIO 12                       /* the network thread's priority */

/* ---- the interface ---- */
/*
 * Start networking (once; later calls only wait) and wait up to timeout_ms
 * for an address. 0 when the interface has one; MOTE_ENODEV when the board
 * has no NIC (its profile names none, or none is attached); MOTE_ETIMEDOUT
 * while DHCP is still asking (it keeps asking: call again to wait more).
 */
int mote_net_start(uint32_t timeout_ms);

struct mote_net_config {
    uint32_t ip, netmask, gateway, dns;   /* gateway, dns: 0 for none */
};
/* Use this address instead of DHCP (starts networking if needed). */
int mote_net_set_static(const struct mote_net_config *cfg);

struct mote_net_status {
    bool up;                    /* the interface has an address */
    bool dhcp;                  /* ... from DHCP (else static or none) */
    uint8_t mac[6];
    uint32_t ip, netmask, gateway, dns;   /* gateway, dns: 0 when DHCP named none */
    uint32_t dhcp_server;       /* who leased the address (under `mote run`, 10.0.2.2) */
    uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
    uint64_t rx_dropped;        /* frames refused as malformed, not ours or unwanted */
    uint64_t tx_errors;         /* frames the NIC could not take */
};
/* MOTE_ENODEV if networking could not start; the status is zero then. */
int mote_net_status(struct mote_net_status *st);
/*
 * Counter i of the stack by name ("ip_cksum", "tcp_retransmits", ...): 0
 * and *name, *value; MOTE_ENOENT past the last. For diagnostics (netstat).
 */
int mote_net_counter(int i, const char **name, uint64_t *value);

/* ---- TCP ---- */
struct mote_tcp;

/* Connect to ip:port. 0 and *out, MOTE_ECONNREFUSED, MOTE_ETIMEDOUT, MOTE_ENETUNREACH, ... */
int mote_tcp_connect(uint32_t ip, uint16_t port, uint32_t timeout_ms, struct mote_tcp **out);
/* Accept connections on port (any address), up to backlog waiting for mote_tcp_accept. */
int mote_tcp_listen(uint16_t port, int backlog, struct mote_tcp **out);
/* The next connection on listener l. 0 and *out, MOTE_ETIMEDOUT / MOTE_EAGAIN (timeout 0). */
int mote_tcp_accept(struct mote_tcp *l, uint32_t timeout_ms, struct mote_tcp **out);
/*
 * Queue up to len bytes: returns how many were taken (1..len) as soon as
 * any fit, MOTE_ETIMEDOUT / MOTE_EAGAIN if none did in time, or the error
 * that ended the connection (MOTE_ECONNRESET, MOTE_EPIPE, ...).
 */
int mote_tcp_send(struct mote_tcp *c, const void *buf, size_t len, uint32_t timeout_ms);
/* All len bytes, or the error; with a timeout for the whole. Returns len or negative. */
int mote_tcp_send_all(struct mote_tcp *c, const void *buf, size_t len, uint32_t timeout_ms);
/*
 * Take what has arrived, up to len bytes: returns 1..len, 0 at the end of the
 * stream (the peer closed its side), MOTE_ETIMEDOUT / MOTE_EAGAIN, or the error.
 */
int mote_tcp_recv(struct mote_tcp *c, void *buf, size_t len, uint32_t timeout_ms);
/* No more sending (FIN after the queued data); receiving goes on. */
int mote_tcp_shutdown(struct mote_tcp *c);
/*
 * Close and free c: queued data is still delivered and the connection ends
 * on its own (reset instead when received data was left unread). A
 * listener's unaccepted connections are reset.
 */
int mote_tcp_close(struct mote_tcp *c);
/* Reset the connection and free c. */
void mote_tcp_abort(struct mote_tcp *c);
/* The two ends (any pointer may be NULL). */
int mote_tcp_addr(const struct mote_tcp *c, uint32_t *local_ip, uint16_t *local_port,
                  uint32_t *peer_ip, uint16_t *peer_port);
/* Send small writes at once (on = true) instead of coalescing them (Nagle). */
int mote_tcp_nodelay(struct mote_tcp *c, bool on);

/* ---- UDP ---- */
struct mote_udp;

/* Bind port (0: a free ephemeral one). 0 and *out, MOTE_EADDRINUSE, MOTE_ENOMEM. */
int mote_udp_open(uint16_t port, struct mote_udp **out);
/* The port u is bound to. */
uint16_t mote_udp_port(const struct mote_udp *u);
/* One datagram of len (<= 1472) bytes. 0, MOTE_EMSGSIZE, MOTE_ENETUNREACH, ... */
int mote_udp_sendto(struct mote_udp *u, uint32_t ip, uint16_t port, const void *buf, size_t len);
/*
 * The next datagram: returns its length (what did not fit in cap is
 * dropped), and where it came from (ip, port may be NULL); MOTE_ETIMEDOUT /
 * MOTE_EAGAIN when none came in time.
 */
int mote_udp_recvfrom(struct mote_udp *u, void *buf, size_t cap, uint32_t *ip, uint16_t *port,
                      uint32_t timeout_ms);
int mote_udp_close(struct mote_udp *u);

/* ---- names and ping ---- */
/*
 * The IPv4 address of name: a dotted quad is taken as it is,
 * "host.mote.internal" is MOTE_NET_HOST, anything else is asked of the DNS
 * server (answers are cached for their TTL). 0, MOTE_ENOENT, MOTE_ETIMEDOUT, ...
 */
int mote_dns_resolve(const char *name, uint32_t *ip, uint32_t timeout_ms);
/* One ICMP echo with len bytes of data: 0 and *rtt_ms when answered, MOTE_ETIMEDOUT. */
int mote_ping(uint32_t ip, size_t len, uint32_t timeout_ms, uint32_t *rtt_ms);

#endif
