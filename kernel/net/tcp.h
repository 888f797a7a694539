/*
 * tcp.h - TCP (RFC 9293) as a pure module: no kernel calls, no allocation
 * after tcp_init, time passed in by the caller. The IP layer hands it every
 * TCP segment addressed to us (tcp_input) and takes the segments it emits
 * through tcp_env.output; the socket layer makes the user calls below and
 * sleeps until tcp_env.event says a pcb became readable, writable, ...
 *
 * What it does: the full state machine (simultaneous open and close,
 * TIME_WAIT of 2*MSL), RFC 5961 checks on RST, SYN and ACK (challenge ACKs),
 * MSS and window-scale options, RFC 6298 retransmission timer (1 s initial,
 * 200 ms floor, Karn, exponential backoff), RFC 5681 slow start and
 * congestion avoidance with RFC 6582 NewReno fast retransmit/recovery and
 * RFC 3042 limited transmit, out-of-order data stored at its place in the
 * receive ring (TCP_OOO_MAX ranges tracked, and reported to a peer that
 * allows it in SACK blocks on our ACKs, RFC 2018), zero-window probes with
 * backoff (never given up while answered), receiver and sender
 * silly-window avoidance, delayed ACKs (every second full segment, timer
 * cfg.delack_ms; a connection's first TCP_QUICKACKS segments at once) and
 * Nagle with Minshall's rule (a short segment waits only for the ACK of
 * the previous short one, so the pair never stalls a request/response),
 * keepalive, RFC 6528 initial sequence numbers, a new
 * SYN reusing a TIME_WAIT pair, answers to out-of-window segments rate
 * limited (no ACK wars), RST on close with unread data (RFC 2525).
 * Not done: acting on the peer's SACK blocks (we send as NewReno), timestamps, urgent data (URG is ignored: its bytes are
 * ordinary data, RFC 6093), IP options/fragments (the IP layer's business).
 *
 * Memory budget: the pcb pool is TCP_MAX_PCBS entries inside struct
 * tcp_stack (288 bytes each on 64-bit: 4.5 KiB for 16); the byte buffers
 * are cfg.nbufs pairs of a send ring (cfg.sndbuf) and a receive ring
 * (cfg.rcvbuf) carved from the memory given to tcp_init:
 * tcp_mem_size(cfg) = nbufs * (sndbuf + rcvbuf). Buffers over 64 KiB use
 * window scaling (RFC 7323; our SYN always offers it).
 * A connection holds a pair from SYN to TIME_WAIT/CLOSED; listeners and
 * TIME_WAIT pcbs hold none, and with no pcb free the oldest TIME_WAIT one
 * is taken over. Defaults: 16 pcbs, 6 pairs of 32 KiB send + 128 KiB receive
 * = 960 KiB (the receive window a peer may fill in one round trip:
 * docs/decisions.md, "Host->device TCP").
 * When no pcb or pair is free an incoming SYN is dropped and counted (the
 * peer retries it) and tcp_connect returns MOTE_ENOMEM.
 *
 * Concurrency: not thread-safe; the socket layer serialises every call
 * (one lock). The env callbacks run inside tcp_* calls and must not call
 * back into this module.
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <stddef.h>
#include <stdint.h>
#include "inet.h"

#ifndef TCP_MAX_PCBS
#define TCP_MAX_PCBS 16
#endif
#define TCP_OOO_MAX 4          /* out-of-order ranges remembered per connection */
#define TCP_QUICKACKS 16       /* a connection's first data segments, each ACKed at once */
/* tcp_config_default's buffers: nbufs pairs of a send and a receive ring (bytes). */
#define TCP_DEFAULT_NBUFS 6
#define TCP_DEFAULT_SNDBUF 32768
#define TCP_DEFAULT_RCVBUF 131072

enum tcp_state {
    TCP_CLOSED, TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RCVD, TCP_ESTABLISHED, TCP_FIN_WAIT_1,
    TCP_FIN_WAIT_2, TCP_CLOSE_WAIT, TCP_CLOSING, TCP_LAST_ACK, TCP_TIME_WAIT,
};

/* Event bits (tcp_env.event, tcp_poll). */
#define TCP_EV_READABLE 0x01u  /* data, EOF or an error waits for tcp_recv */
#define TCP_EV_WRITABLE 0x02u  /* tcp_send would take bytes (or fail at once) */
#define TCP_EV_CONNECTED 0x04u /* the handshake completed */
#define TCP_EV_CLOSED 0x08u    /* reset, timed out, or fully closed: tcp_error says which */
#define TCP_EV_ACCEPT 0x10u    /* a listener has a connection for tcp_accept */

/* Errors beyond mote.h's (Linux errno values, negated, like MOTE_E*). */
#define TCP_EPIPE (-32)          /* send after shutdown */
#define TCP_EADDRINUSE (-98)     /* listen on a port already listened on */
#define TCP_ECONNABORTED (-103)  /* tcp_abort was called */
#define TCP_ECONNRESET (-104)    /* the peer reset the connection */
#define TCP_ENOTCONN (-107)      /* not (yet, or any more) connected */
#define TCP_ECONNREFUSED (-111)  /* the peer answered the SYN with RST */
/* MOTE_ETIMEDOUT: no answer after the SYN/data retries or keepalive probes. */

struct tcp_pcb;

/* How the module reaches the rest of the kernel. */
struct tcp_env {
    /* Send one complete segment (checksum filled) from src to dst; iov[0] is the header. */
    int (*output)(void *ctx, uint32_t src, uint32_t dst, const struct net_iov *iov, int niov);
    uint32_t (*random32)(void *ctx);   /* a CSPRNG: ISN key, ephemeral ports */
    void *ctx;
    /* pcb (one the user holds) changed: TCP_EV_* bits. May be NULL. */
    void (*event)(void *ctx, struct tcp_pcb *pcb, unsigned events);
};

struct tcp_config {
    uint32_t sndbuf, rcvbuf;   /* bytes per connection, powers of two, >= 2 * mss */
    uint16_t nbufs;            /* buffer pairs: connections at once (<= TCP_MAX_PCBS) */
    uint16_t mss;              /* ours: interface MTU - 40 */
    uint32_t msl_ms;           /* TIME_WAIT lasts 2 * msl_ms */
    uint32_t delack_ms;        /* delayed-ACK timer (RFC 9293: < 500, we use <= 200) */
    uint32_t keep_idle_ms, keep_intvl_ms;   /* keepalive: first probe, then every */
    uint8_t keep_cnt;          /* unanswered probes before the connection is dropped */
    uint8_t syn_retries;       /* SYN / SYN-ACK retransmissions before MOTE_ETIMEDOUT */
    uint8_t data_retries;      /* timeouts without progress before MOTE_ETIMEDOUT */
};

/* Per-connection counters (netstat, tcp_info). */
struct tcp_pcb_stats {
    uint64_t bytes_out;        /* data bytes the peer acknowledged */
    uint64_t bytes_in;         /* data bytes received in order */
    uint32_t segs_out, segs_in;
    uint32_t rexmits;          /* segments sent again (timeout, fast retransmit, partial ACK) */
    uint32_t timeouts;         /* retransmission timer expiries */
    uint32_t fast_rexmits;     /* entries into fast recovery */
};

/* Stack-wide counters: every dropped segment is counted once, by reason. */
struct tcp_counters {
    uint32_t in_segs, out_segs;
    uint32_t bad_cksum;        /* checksum mismatch */
    uint32_t bad_hdr;          /* short, data offset out of range, port 0 */
    uint32_t bad_opt;          /* malformed option list */
    uint32_t no_port;          /* nobody there: answered with RST */
    uint32_t drop_nomem;       /* SYN dropped: no free pcb or buffer pair */
    uint32_t drop_backlog;     /* SYN dropped: listener's backlog full */
    uint32_t drop_seq;         /* outside the window / unacceptable ACK */
    uint32_t drop_state;       /* not expected in this state (e.g. no ACK bit) */
    uint32_t oow_acks_skipped; /* answers to out-of-window ACKs held back (ACK wars) */
    uint32_t rst_in, rst_out, challenge_acks;
    uint32_t active_opens, passive_opens;
};

struct tcp_ooo {
    uint32_t start, end;       /* sequence numbers [start, end) held beyond rcv_nxt */
};

/* One connection or listener. Fields are private: use the calls below. */
struct tcp_pcb {
    struct tcp_stack *ts;
    struct tcp_pcb *parent;    /* the listener, until tcp_accept takes this child */
    uint8_t state;
    uint8_t snd_ws, rcv_ws;    /* window shift: the peer's field / ours */
    uint8_t nrexmit;           /* timeouts in a row: backoff exponent */
    uint8_t dupacks, nooo, nprobe;
    uint8_t quick;             /* in-order segments still to ACK at once (the peer's slow start) */
    int8_t buf;                /* buffer pair index, -1 none */
    uint16_t flags;
    uint16_t lport, rport, mss, backlog;
    int16_t err;               /* why it closed: 0 or a negative code */
    uint32_t lip, rip;
    uint32_t stamp;            /* listener children: order of establishment */
    /* send side: the ring holds bytes from sbase on (unacked, then unsent) */
    uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2, max_wnd;
    uint32_t sbase, shead, slen;
    uint32_t cwnd, ssthresh, recover, ca_acked, sml;
    /* receive side: ring from rhead, rlen bytes readable in order */
    uint32_t irs, rcv_nxt, rcv_adv, rhead, rlen, unacked;
    struct tcp_ooo ooo[TCP_OOO_MAX];
    uint32_t sack_last;        /* a sequence number of the latest out-of-order segment */
    /* round trip, ms: srtt and rttvar scaled by 8 and 4 (RFC 6298) */
    uint32_t srtt8, rttvar4, rto, rtt_seq;
    uint64_t rtt_t;
    uint64_t t_rto, t_ack, t_keep;   /* deadlines, 0 = off */
    uint64_t t_oow;                  /* last ACK for an out-of-window segment */
    uint8_t *sbuf, *rbuf;
    struct tcp_pcb_stats st;
};

struct tcp_stack {
    struct tcp_env env;
    struct tcp_config cfg;
    struct tcp_counters cnt;
    uint8_t *mem;
    uint8_t buf_used[TCP_MAX_PCBS];
    uint8_t isn_key[16];
    uint32_t stamp;
    uint32_t chal_n;           /* challenge ACKs this second (RFC 5961 section 7) */
    uint8_t batch;             /* inside tcp_batch(ts, 1, ...): in-order ACKs wait for its end */
    uint64_t chal_t;
    struct tcp_pcb pcbs[TCP_MAX_PCBS];
};

/* Everything tcp_info / netstat shows about a pcb. */
struct tcp_info {
    uint32_t lip, rip;
    uint16_t lport, rport;
    uint8_t state;
    const char *state_name;
    int err;
    uint32_t srtt_ms, rttvar_ms, rto_ms;
    uint32_t cwnd, ssthresh, snd_wnd, rcv_wnd, mss;
    uint32_t snd_queued, rcv_queued;   /* bytes in the rings */
    struct tcp_pcb_stats st;
};

/* ---- the stack ---- */

/* The defaults named in the budget above (MSS 1460, MSL 30 s, delayed ACK 100 ms, ...). */
void tcp_config_default(struct tcp_config *cfg);
/* Bytes of buffer memory tcp_init needs for cfg. */
size_t tcp_mem_size(const struct tcp_config *cfg);
/*
 * Set up ts with env and cfg (copied); mem (len >= tcp_mem_size(cfg)) holds
 * the buffers and must outlive ts. MOTE_EINVAL if cfg is inconsistent
 * (buffer sizes not powers of two or < 2 * mss, nbufs out of range, no output).
 */
int tcp_init(struct tcp_stack *ts, const struct tcp_env *env, const struct tcp_config *cfg,
             void *mem, size_t len);
/*
 * One IPv4 TCP segment (header + data, len bytes) from src to dst (us).
 * The checksum is verified here; anything malformed is dropped and counted.
 */
void tcp_input(struct tcp_stack *ts, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
               uint64_t now);
/* Run every timer due at `now` (retransmission, delayed ACK, persist, keepalive, TIME_WAIT). */
void tcp_timer(struct tcp_stack *ts, uint64_t now);
/*
 * A batch of received segments (on: it starts; off: it ended). Inside it,
 * the ACK that in-order data owes (every second full segment) waits for
 * the end of the batch, up to a quarter of the receive buffer: one ACK per
 * batch instead of one per two segments, as Linux's GRO gives (each costs
 * a frame and, under emulation, a device exit). Out-of-order data and
 * duplicates are still ACKed at once.
 */
void tcp_batch(struct tcp_stack *ts, int on, uint64_t now);
/* When tcp_timer next has work: an absolute time, or UINT64_MAX for never. */
uint64_t tcp_next_deadline(const struct tcp_stack *ts);

/* ---- user calls (the socket layer) ---- */

/*
 * Active open from lip:lport to rip:rport; lport 0 picks a random free one
 * in 49152..65535 (RFC 6056). *out is the new pcb (state SYN_SENT;
 * TCP_EV_CONNECTED or TCP_EV_CLOSED follows). MOTE_ENOMEM: no pcb or
 * buffers; TCP_EADDRINUSE: that exact connection exists.
 */
int tcp_connect(struct tcp_stack *ts, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport,
                uint64_t now, struct tcp_pcb **out);
/* Listen on port (any local address) with up to backlog connections not yet accepted. */
int tcp_listen(struct tcp_stack *ts, uint16_t port, int backlog, struct tcp_pcb **out);
/* The oldest established connection waiting on listener l, now the caller's; NULL if none. */
struct tcp_pcb *tcp_accept(struct tcp_pcb *l);
/*
 * Copy up to len bytes into the send ring: returns the bytes taken (0 when
 * the ring is full; wait for TCP_EV_WRITABLE), or TCP_EPIPE after shutdown,
 * TCP_ENOTCONN, or the error that closed the connection.
 */
int tcp_send(struct tcp_pcb *pcb, const void *buf, size_t len, uint64_t now);
/*
 * Copy out up to len (> 0) bytes: returns the count (> 0), 0 at end of
 * stream (the peer's FIN, all data read), MOTE_EAGAIN when nothing has
 * arrived yet, or the error that closed the connection. Reading may send a
 * window update.
 */
int tcp_recv(struct tcp_pcb *pcb, void *buf, size_t len, uint64_t now);
/* Half close: FIN after the queued data; tcp_recv still works. */
int tcp_shutdown(struct tcp_pcb *pcb, uint64_t now);
/*
 * Let go of pcb: graceful FIN after the queued data (the protocol finishes
 * on its own), or RST when unread data would be lost (RFC 2525). Listener:
 * its unaccepted connections are reset. pcb must not be used afterwards.
 */
void tcp_close(struct tcp_pcb *pcb, uint64_t now);
/* Send RST (if connected) and free pcb at once. */
void tcp_abort(struct tcp_pcb *pcb, uint64_t now);

/* TCP_EV_* bits true now (level-triggered, for poll/select and wakeups). */
unsigned tcp_poll(const struct tcp_pcb *pcb);
int tcp_state(const struct tcp_pcb *pcb);
/* "ESTABLISHED", "TIME_WAIT", ... */
const char *tcp_state_name(int state);
/* 0, or the reason the connection closed (TCP_ECONNRESET, MOTE_ETIMEDOUT, ...). */
int tcp_error(const struct tcp_pcb *pcb);
void tcp_set_nodelay(struct tcp_pcb *pcb, int on);
void tcp_set_keepalive(struct tcp_pcb *pcb, int on, uint64_t now);
void tcp_get_info(const struct tcp_pcb *pcb, struct tcp_info *out);
/* netstat: fill out[] with up to max pcbs in use; returns how many. */
int tcp_netstat(const struct tcp_stack *ts, struct tcp_info *out, int max);
/* Connections with data or a FIN not yet acknowledged by the peer (the exit waits for them). */
int tcp_unacked(const struct tcp_stack *ts);

#endif
