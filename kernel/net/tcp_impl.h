/*
 * tcp_impl.h - what the tcp*.c files share and nobody else sees.
 */
#ifndef NET_TCP_IMPL_H
#define NET_TCP_IMPL_H

#include <mote.h>
#include "tcp.h"

/* Sequence-number comparisons modulo 2^32 (RFC 9293 3.4). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

/* Header flags. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

#define TCP_HLEN 20
#define TCP_RTO_INIT 1000      /* RFC 6298 2.1 */
#define TCP_RTO_MIN 200        /* floor: above a delayed ACK, far below RFC 6298's 1 s */
#define TCP_RTO_MAX 60000
#define TCP_MSS_DEFAULT 536    /* a peer without the MSS option (RFC 9293 3.7.1) */
#define TCP_MSS_MIN 64         /* smaller MSS options are raised to this */
#define TCP_CHALLENGE_PER_S 100
#define TCP_OOW_MS 500         /* one answer per pcb per this to empty unacceptable segments */

/* pcb->flags */
#define PF_USER 0x0001         /* the socket layer holds it: freed only by tcp_close/abort */
#define PF_NODELAY 0x0002
#define PF_KEEPALIVE 0x0004
#define PF_ACKNOW 0x0008       /* send an ACK at the end of this call */
#define PF_FIN_Q 0x0010        /* the user shut down writing: FIN follows the ring's data */
#define PF_FIN_IN 0x0020       /* the peer's FIN arrived in order: EOF after the data */
#define PF_PERSIST 0x0040      /* t_rto is the zero-window probe timer */
#define PF_RTT 0x0080          /* timing the segment that ends at rtt_seq */
#define PF_RECOVERY 0x0100     /* in NewReno fast recovery */
#define PF_WS_OK 0x0200        /* both SYNs carried the window-scale option */
#define PF_SACK_OK 0x0400      /* both SYNs carried SACK-permitted: our ACKs carry SACK blocks */
#define PF_ACK_LATER 0x0800    /* an ACK is owed at the end of the batch (tcp_batch) */

/* One incoming segment, parsed and checked. */
struct tcp_seg {
    uint32_t seq, ack;
    uint32_t wnd;              /* the raw window field */
    uint16_t mss;              /* option value, 0 if absent */
    int16_t ws;                /* option value, -1 if absent */
    uint8_t sackok;            /* SACK-permitted (RFC 2018) present */
    uint8_t nsack;             /* SACK blocks present */
    uint32_t sack_hi;          /* the highest right edge among them */
    uint8_t flags;
    const uint8_t *data;
    uint32_t len;
};

static inline uint32_t tcp_min(uint32_t a, uint32_t b) { return a < b ? a : b; }
static inline uint32_t tcp_max(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* tcp.c: pcbs, buffers, ISNs */
struct tcp_pcb *tcp_pcb_new(struct tcp_stack *ts, int with_bufs);
void tcp_pcb_free(struct tcp_pcb *pcb);
void tcp_closed(struct tcp_pcb *pcb, int err);
void tcp_event(struct tcp_pcb *pcb, unsigned ev);
void tcp_to_time_wait(struct tcp_pcb *pcb, uint64_t now);
void tcp_established(struct tcp_pcb *pcb, uint64_t now);
uint32_t tcp_isn(struct tcp_stack *ts, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport,
                 uint64_t now);
uint8_t tcp_wshift(uint32_t bufsize);
void tcp_ring_put(uint8_t *ring, uint32_t size, uint32_t at, const uint8_t *src, uint32_t n);
void tcp_ring_get(const uint8_t *ring, uint32_t size, uint32_t at, uint8_t *dst, uint32_t n);

/* tcp_out.c: building and sending segments */
void tcp_output(struct tcp_pcb *pcb, uint64_t now);
void tcp_xmit(struct tcp_pcb *pcb, uint32_t seq, uint8_t flags, uint32_t off, uint32_t len,
              uint64_t now);
void tcp_rexmit_first(struct tcp_pcb *pcb, uint64_t now);
void tcp_send_reset(struct tcp_stack *ts, uint32_t src, uint32_t dst, uint16_t sport,
                    uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags);
void tcp_send_rst_pcb(struct tcp_pcb *pcb);
void tcp_challenge_ack(struct tcp_pcb *pcb, uint64_t now);
void tcp_oow_ack(struct tcp_pcb *pcb, const struct tcp_seg *sg, uint64_t now);
uint32_t tcp_rcv_space(const struct tcp_pcb *pcb);

/* tcp_timer.c: RTT, RTO, timers */
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t ms);
void tcp_arm_rto(struct tcp_pcb *pcb, uint64_t now);
void tcp_keep_reset(struct tcp_pcb *pcb, uint64_t now);

/* tcp_ack.c: the ACK field of an incoming segment */
int tcp_ack_in(struct tcp_pcb *pcb, const struct tcp_seg *sg, uint64_t now);
/* tcp_rcv.c: sequence checks, data, FIN */
void tcp_segment(struct tcp_pcb *pcb, struct tcp_seg *sg, uint64_t now);

#endif
