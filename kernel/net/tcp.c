/*
 * tcp.c - the stack's pools (pcbs, buffer pairs), initial sequence numbers,
 * the byte rings and the transitions every other file shares: established,
 * TIME_WAIT, closed.
 */
#include "tcp_impl.h"
#include <crypto/crypto.h>

void tcp_config_default(struct tcp_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->sndbuf = TCP_DEFAULT_SNDBUF;
    cfg->rcvbuf = TCP_DEFAULT_RCVBUF;
    cfg->nbufs = TCP_DEFAULT_NBUFS;
    cfg->mss = 1460;
    cfg->msl_ms = 30000;
    cfg->delack_ms = 100;
    cfg->keep_idle_ms = 7200000;
    cfg->keep_intvl_ms = 75000;
    cfg->keep_cnt = 9;
    cfg->syn_retries = 6;
    cfg->data_retries = 12;
}

size_t tcp_mem_size(const struct tcp_config *cfg)
{
    return (size_t)cfg->nbufs * ((size_t)cfg->sndbuf + cfg->rcvbuf);
}

static int tcp_pow2(uint32_t v, uint32_t min)
{
    return v >= min && v <= (1u << 30) && (v & (v - 1)) == 0;
}

int tcp_init(struct tcp_stack *ts, const struct tcp_env *env, const struct tcp_config *cfg,
             void *mem, size_t len)
{
    if (!env || !env->output || !env->random32 || !cfg || !mem)
        return MOTE_EINVAL;
    if (cfg->mss < TCP_MSS_MIN || !tcp_pow2(cfg->sndbuf, 2u * cfg->mss) ||
        !tcp_pow2(cfg->rcvbuf, 2u * cfg->mss) || cfg->nbufs == 0 || cfg->nbufs > TCP_MAX_PCBS ||
        len < tcp_mem_size(cfg))
        return MOTE_EINVAL;
    memset(ts, 0, sizeof *ts);
    ts->env = *env;
    ts->cfg = *cfg;
    ts->mem = mem;
    for (int i = 0; i < TCP_MAX_PCBS; i++)
        ts->pcbs[i].buf = -1;
    for (int i = 0; i < 16; i += 4)
        put_be32(ts->isn_key + i, env->random32(env->ctx));
    return 0;
}

/*
 * RFC 6528: ISN = M + F(4-tuple, secret), M a 4 us clock, F SHA-256 under
 * a key drawn at init. Connections to one peer still get increasing ISNs;
 * an off-path attacker cannot guess them.
 */
uint32_t tcp_isn(struct tcp_stack *ts, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport,
                 uint64_t now)
{
    uint8_t in[28], d[SHA256_DIGEST_SIZE];
    put_be32(in, lip);
    put_be16(in + 4, lport);
    put_be32(in + 6, rip);
    put_be16(in + 10, rport);
    memcpy(in + 12, ts->isn_key, 16);
    sha256(in, sizeof in, d);
    return get_be32(d) + (uint32_t)(now * 250);
}

/* The smallest shift that makes bufsize fit the 16-bit window field (RFC 7323, at most 14). */
uint8_t tcp_wshift(uint32_t bufsize)
{
    uint8_t s = 0;
    while (s < 14 && (bufsize >> s) > 65535)
        s++;
    return s;
}

/* Copy n bytes into the ring of `size` (a power of two) at index `at`, wrapping. */
void tcp_ring_put(uint8_t *ring, uint32_t size, uint32_t at, const uint8_t *src, uint32_t n)
{
    at &= size - 1;
    uint32_t k = tcp_min(n, size - at);
    memcpy(ring + at, src, k);
    memcpy(ring, src + k, n - k);
}

void tcp_ring_get(const uint8_t *ring, uint32_t size, uint32_t at, uint8_t *dst, uint32_t n)
{
    at &= size - 1;
    uint32_t k = tcp_min(n, size - at);
    memcpy(dst, ring + at, k);
    memcpy(dst + k, ring, n - k);
}

static void tcp_bufs_release(struct tcp_pcb *pcb)
{
    if (pcb->buf >= 0)
        pcb->ts->buf_used[pcb->buf] = 0;
    pcb->buf = -1;
    pcb->sbuf = pcb->rbuf = NULL;
    pcb->rlen = pcb->slen = 0;
    pcb->nooo = 0;
}

/*
 * A free pcb (with a buffer pair if with_bufs), zeroed but for its stack
 * and defaults; NULL when the pools are dry. With no free pcb the oldest
 * TIME_WAIT one nobody holds is taken over.
 */
struct tcp_pcb *tcp_pcb_new(struct tcp_stack *ts, int with_bufs)
{
    struct tcp_pcb *pcb = NULL;
    for (int i = 0; i < TCP_MAX_PCBS; i++) {
        struct tcp_pcb *p = &ts->pcbs[i];
        if (p->flags & PF_USER)
            continue;
        if (p->state == TCP_CLOSED) {
            pcb = p;
            break;
        }
        if (p->state == TCP_TIME_WAIT && (!pcb || p->t_rto < pcb->t_rto))
            pcb = p;
    }
    if (!pcb)
        return NULL;
    int b = -1;
    if (with_bufs) {
        for (b = 0; b < ts->cfg.nbufs && ts->buf_used[b]; b++)
            ;
        if (b == ts->cfg.nbufs)
            return NULL;
    }
    if (pcb->state == TCP_TIME_WAIT)
        tcp_pcb_free(pcb);
    memset(pcb, 0, sizeof *pcb);
    pcb->ts = ts;
    pcb->buf = (int8_t)b;
    if (b >= 0) {
        ts->buf_used[b] = 1;
        pcb->sbuf = ts->mem + (size_t)b * (ts->cfg.sndbuf + ts->cfg.rcvbuf);
        pcb->rbuf = pcb->sbuf + ts->cfg.sndbuf;
    }
    pcb->rto = TCP_RTO_INIT;
    pcb->mss = TCP_MSS_DEFAULT;
    pcb->ssthresh = 0x7fffffff;
    return pcb;
}

/* Back to the pool: all zero but for buf -1 (owns no buffer pair). */
void tcp_pcb_free(struct tcp_pcb *pcb)
{
    tcp_bufs_release(pcb);
    memset(pcb, 0, sizeof *pcb);
    pcb->buf = -1;
}

/* Tell the socket layer, if it holds pcb. */
void tcp_event(struct tcp_pcb *pcb, unsigned ev)
{
    struct tcp_env *env = &pcb->ts->env;
    if ((pcb->flags & PF_USER) && env->event)
        env->event(env->ctx, pcb, ev);
}

/*
 * The connection is over (err 0: gracefully). A pcb nobody holds is freed;
 * one the user holds stays CLOSED, keeping unread data after a graceful
 * close, until tcp_close.
 */
void tcp_closed(struct tcp_pcb *pcb, int err)
{
    pcb->state = TCP_CLOSED;
    pcb->err = (int16_t)err;
    pcb->t_rto = pcb->t_ack = pcb->t_keep = 0;
    pcb->flags &= PF_USER | PF_NODELAY | PF_FIN_Q | PF_FIN_IN;
    if (!(pcb->flags & PF_USER)) {
        tcp_pcb_free(pcb);
        return;
    }
    if (err)
        tcp_bufs_release(pcb);
    tcp_event(pcb, TCP_EV_CLOSED | TCP_EV_READABLE | TCP_EV_WRITABLE);
}

/* Both FINs are acknowledged: wait 2*MSL for stray segments, without buffers if nobody reads. */
void tcp_to_time_wait(struct tcp_pcb *pcb, uint64_t now)
{
    pcb->state = TCP_TIME_WAIT;
    pcb->flags &= ~(PF_PERSIST | PF_RTT | PF_RECOVERY);
    pcb->t_ack = pcb->t_keep = 0;
    pcb->t_rto = now + 2 * (uint64_t)pcb->ts->cfg.msl_ms;
    if (!(pcb->flags & PF_USER))
        tcp_bufs_release(pcb);
}

/* The handshake completed: RFC 5681 initial window, then tell the user or the listener. */
void tcp_established(struct tcp_pcb *pcb, uint64_t now)
{
    pcb->state = (pcb->flags & PF_FIN_Q) ? TCP_FIN_WAIT_1 : TCP_ESTABLISHED;
    pcb->cwnd = tcp_min(4u * pcb->mss, tcp_max(2u * pcb->mss, 4380));
    pcb->quick = TCP_QUICKACKS;
    tcp_keep_reset(pcb, now);
    if (pcb->parent) {
        pcb->stamp = ++pcb->ts->stamp;
        tcp_event(pcb->parent, TCP_EV_ACCEPT);
    } else {
        tcp_event(pcb, TCP_EV_CONNECTED | TCP_EV_WRITABLE);
    }
}

uint64_t tcp_next_deadline(const struct tcp_stack *ts)
{
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < TCP_MAX_PCBS; i++) {
        const struct tcp_pcb *p = &ts->pcbs[i];
        const uint64_t t[3] = { p->t_rto, p->t_ack, p->t_keep };
        for (int k = 0; k < 3; k++)
            if (t[k] && t[k] < next)
                next = t[k];
    }
    return next;
}

void tcp_batch(struct tcp_stack *ts, int on, uint64_t now)
{
    ts->batch = (uint8_t)on;
    for (int i = 0; !on && i < TCP_MAX_PCBS; i++) {
        struct tcp_pcb *pcb = &ts->pcbs[i];
        if (pcb->flags & PF_ACK_LATER) {
            pcb->flags |= PF_ACKNOW;
            tcp_output(pcb, now);
        }
    }
}
