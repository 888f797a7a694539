/* The scripted link and the raw side (tcp_sim.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "tcp_sim.h"

struct side_ctx {
    struct tsim *s;
    int side;
};
static struct side_ctx ctxs[2];   /* one sim at a time */

uint32_t tsim_rand(struct tsim *s)
{
    uint32_t x = s->rng;             /* xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return s->rng = x;
}

static void tsim_enqueue(struct tsim *s, int to, const uint8_t *seg, size_t len, uint64_t due)
{
    if (s->nq == SIM_QMAX || len > SIM_SEGMAX) {
        if (getenv("TCP_TRACE_FULL") && s->nq == SIM_QMAX) {
            tsim_dump(s, 0, s->nrec);
            abort();
        }
        return;                      /* the wire is full: lost */
    }
    struct tsim_pkt *p = &s->q[s->nq++];
    p->due = due;
    p->order = s->order++;
    p->to = to;
    p->len = (uint16_t)len;
    memcpy(p->data, seg, len);
}

static int tsim_output(void *ctx, uint32_t src, uint32_t dst, const struct net_iov *iov, int niov)
{
    struct side_ctx *c = ctx;
    struct tsim *s = c->s;
    int from = c->side, to = !from;
    uint8_t seg[SIM_SEGMAX];
    size_t len = 0;
    for (int i = 0; i < niov; i++) {
        CHECK(len + iov[i].len <= sizeof seg);
        if (len + iov[i].len > sizeof seg)
            return MOTE_EINVAL;
        memcpy(seg + len, iov[i].base, iov[i].len);
        len += iov[i].len;
    }
    CHECK(src == s->ip[from] && dst == s->ip[to]);
    /* every segment we emit must carry a correct checksum */
    struct inet_sum sum;
    inet_sum_init(&sum, inet_pseudo(src, dst, IPPROTO_TCP, (uint16_t)len));
    inet_sum_add(&sum, seg, len);
    CHECK(inet_sum_final(&sum) == 0);
    if (s->nrec == SIM_RECMAX && getenv("TCP_TRACE_FULL")) {
        memmove(s->rec, s->rec + SIM_RECMAX / 2, SIM_RECMAX / 2 * sizeof *s->rec);
        s->nrec = SIM_RECMAX / 2;
    }
    if (s->nrec < SIM_RECMAX) {
        struct seg_view v;
        seg_parse(seg, len, &v);
        s->rec[s->nrec++] = (struct tsim_rec){ s->now, from, v.flags, v.wnd, v.seq, v.ack, v.len };
    }
    if (s->tap && s->tap(s, from, seg, len))
        return 0;
    if (s->raw[to]) {
        if (s->ncap < SIM_CAPMAX) {
            memcpy(s->cap[s->ncap], seg, len);
            s->caplen[s->ncap++] = (uint16_t)len;
        }
        return 0;
    }
    struct tsim_link *l = &s->link[from];
    l->sent++;
    if (l->loss_pm && tsim_rand(s) % 1000 < l->loss_pm) {
        l->lost++;
        return 0;
    }
    if (l->filter && l->filter(s, from, seg, len)) {
        l->lost++;
        return 0;
    }
    uint64_t t = s->now;
    if (l->rate) {                   /* serialise at `rate` bytes per ms, in microseconds */
        if (l->busy < t * 1000)
            l->busy = t * 1000;
        if (l->qlimit && (l->busy - t * 1000) * l->rate / 1000 > l->qlimit) {
            l->lost++;               /* drop tail */
            return 0;
        }
        l->busy += (len + 40) * 1000 / l->rate;
        t = (l->busy + 999) / 1000;
    }
    t += l->delay_ms;
    if (l->reorder_pm && tsim_rand(s) % 1000 < l->reorder_pm)
        t += 1 + tsim_rand(s) % (l->reorder_ms ? l->reorder_ms : 1);
    tsim_enqueue(s, to, seg, len, t);
    if (l->dup_pm && tsim_rand(s) % 1000 < l->dup_pm) {
        l->dups++;
        tsim_enqueue(s, to, seg, len, t + tsim_rand(s) % 3);
    }
    return 0;
}

static uint32_t tsim_random32(void *ctx)
{
    struct side_ctx *c = ctx;
    return tsim_rand(c->s);
}

static void tsim_event(void *ctx, struct tcp_pcb *pcb, unsigned ev)
{
    struct side_ctx *c = ctx;
    (void)pcb;
    c->s->events[c->side] |= ev;
    c->s->nevents[c->side]++;
}

void tsim_init(struct tsim *s, const struct tcp_config *c0, const struct tcp_config *c1,
              int raw0, int raw1, uint32_t seed)
{
    memset(s, 0, sizeof *s);
    s->rng = seed ? seed : 1;
    s->ip[0] = SIM_IP0;
    s->ip[1] = SIM_IP1;
    s->raw[0] = raw0;
    s->raw[1] = raw1;
    s->app_wake = UINT64_MAX;
    s->now = 1000;
    s->q = calloc(SIM_QMAX, sizeof *s->q);
    s->rec = calloc(SIM_RECMAX, sizeof *s->rec);
    const struct tcp_config *cfg[2] = { c0, c1 };
    for (int i = 0; i < 2; i++) {
        ctxs[i].s = s;
        ctxs[i].side = i;
        if (s->raw[i])
            continue;
        struct tcp_config def;
        tcp_config_default(&def);
        const struct tcp_config *c = cfg[i] ? cfg[i] : &def;
        struct tcp_env env = { tsim_output, tsim_random32, &ctxs[i], tsim_event };
        s->mem[i] = malloc(tcp_mem_size(c));
        CHECK(tcp_init(&s->st[i], &env, c, s->mem[i], tcp_mem_size(c)) == 0);
    }
}

void tsim_free(struct tsim *s)
{
    free(s->q);
    free(s->rec);
    s->rec = NULL;
    free(s->mem[0]);
    free(s->mem[1]);
    s->q = NULL;
    s->mem[0] = s->mem[1] = NULL;
}

/* Deliver the earliest segment due by now (insertion order among equals). */
static int tsim_deliver_one(struct tsim *s)
{
    int best = -1;
    for (int i = 0; i < s->nq; i++)
        if (s->q[i].due <= s->now &&
            (best < 0 || s->q[i].due < s->q[best].due ||
             (s->q[i].due == s->q[best].due && s->q[i].order < s->q[best].order)))
            best = i;
    if (best < 0)
        return 0;
    static struct tsim_pkt p;
    p = s->q[best];
    s->q[best] = s->q[--s->nq];
    int from = !p.to;
    tcp_input(&s->st[p.to], s->ip[from], s->ip[p.to], p.data, p.len, s->now);
    return 1;
}

int tsim_run(struct tsim *s, int (*app)(struct tsim *s, void *arg), void *arg, uint64_t limit)
{
    for (long steps = 0;; steps++) {
        if (steps > 50000000) {
            CHECK(!"simulation does not settle (livelock)");
            return 0;
        }
        while (tsim_deliver_one(s))
            ;
        for (int i = 0; i < 2; i++)
            if (!s->raw[i])
                tcp_timer(&s->st[i], s->now);
        if (app && app(s, arg))
            return 1;
        uint64_t next = s->app_wake > s->now ? s->app_wake : UINT64_MAX;
        for (int i = 0; i < s->nq; i++)
            if (s->q[i].due < next)
                next = s->q[i].due;
        for (int i = 0; i < 2; i++) {
            if (s->raw[i])
                continue;
            uint64_t d = tcp_next_deadline(&s->st[i]);
            CHECK(d > s->now);       /* tcp_timer ran everything due */
            if (d < next)
                next = d;
        }
        if (next == UINT64_MAX || next > limit)
            return 0;
        if (next > s->now)
            s->now = next;
    }
}

void tsim_idle(struct tsim *s, uint64_t limit)
{
    tsim_run(s, NULL, NULL, limit);
    if (s->now < limit)
        s->now = limit;
}

size_t seg_build(uint8_t *b, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const uint8_t *opt,
                 int optlen, const void *data, size_t len)
{
    size_t hl = 20 + (size_t)((optlen + 3) & ~3);
    memset(b, 0, hl);
    put_be16(b, sport);
    put_be16(b + 2, dport);
    put_be32(b + 4, seq);
    put_be32(b + 8, ack);
    b[12] = (uint8_t)(hl / 4 << 4);
    b[13] = flags;
    put_be16(b + 14, wnd);
    if (optlen)
        memcpy(b + 20, opt, (size_t)optlen);
    if (len)
        memcpy(b + hl, data, len);
    put_be16(b + 16, 0);
    struct inet_sum sum;
    inet_sum_init(&sum, inet_pseudo(src, dst, IPPROTO_TCP, (uint16_t)(hl + len)));
    inet_sum_add(&sum, b, hl + len);
    put_be16(b + 16, inet_sum_final(&sum));
    return hl + len;
}

void tsim_inject(struct tsim *s, int from, uint16_t sport, uint16_t dport, uint32_t seq,
                uint32_t ack, uint8_t flags, uint16_t wnd, const uint8_t *opt, int optlen,
                const void *data, size_t len)
{
    static uint8_t b[70000];
    int to = !from;
    size_t n = seg_build(b, s->ip[from], s->ip[to], sport, dport, seq, ack, flags, wnd, opt,
                         optlen, data, len);
    tcp_input(&s->st[to], s->ip[from], s->ip[to], b, n, s->now);
}

int seg_parse(const uint8_t *p, size_t n, struct seg_view *v)
{
    memset(v, 0, sizeof *v);
    if (n < 20)
        return -1;
    v->sport = get_be16(p);
    v->dport = get_be16(p + 2);
    v->seq = get_be32(p + 4);
    v->ack = get_be32(p + 8);
    v->hl = (uint8_t)((p[12] >> 4) * 4);
    v->flags = p[13];
    v->wnd = get_be16(p + 14);
    v->ws = -1;
    if (v->hl < 20 || v->hl > n)
        return -1;
    for (int i = 20; i < v->hl;) {
        if (p[i] == 0)
            break;
        if (p[i] == 1) {
            i++;
            continue;
        }
        if (i + 1 >= v->hl || p[i + 1] < 2)
            return -1;
        if (p[i] == 2)
            v->mss = get_be16(p + i + 2);
        if (p[i] == 3)
            v->ws = p[i + 2];
        i += p[i + 1];
    }
    v->data = p + v->hl;
    v->len = (uint32_t)(n - v->hl);
    return 0;
}

int tsim_cap(struct tsim *s, int i, struct seg_view *v)
{
    if (i < 0 || i >= s->ncap)
        return -1;
    return seg_parse(s->cap[i], s->caplen[i], v);
}

int tsim_stack_empty(const struct tcp_stack *ts)
{
    for (int i = 0; i < TCP_MAX_PCBS; i++)
        if (ts->pcbs[i].state != TCP_CLOSED || ts->pcbs[i].flags || ts->pcbs[i].buf != -1 ||
            ts->buf_used[i])
            return 0;
    return 1;
}

int tsim_find(const struct tsim *s, int start, int from, uint8_t flags)
{
    for (int i = start < 0 ? 0 : start; i < s->nrec; i++)
        if (s->rec[i].from == from && (s->rec[i].flags & flags) == flags)
            return i;
    return -1;
}

int tsim_count(const struct tsim *s, int start, int from, uint8_t flags)
{
    int n = 0;
    for (int i = start; (i = tsim_find(s, i, from, flags)) >= 0; i++)
        n++;
    return n;
}

void tsim_dump(const struct tsim *s, int start, int max)
{
    for (int i = start; i < s->nrec && i < start + max; i++)
        fprintf(stderr, "%8llu %d>%d %c%c%c%c%c seq %10u ack %10u len %5u wnd %5u\n",
                (unsigned long long)s->rec[i].t, s->rec[i].from, !s->rec[i].from,
                s->rec[i].flags & TH_SYN ? 'S' : '.', s->rec[i].flags & TH_ACK ? 'A' : '.',
                s->rec[i].flags & TH_FIN ? 'F' : '.', s->rec[i].flags & TH_RST ? 'R' : '.',
                s->rec[i].flags & TH_PSH ? 'P' : '.', s->rec[i].seq, s->rec[i].ack,
                s->rec[i].len, s->rec[i].wnd);
}
