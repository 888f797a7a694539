/*
 * TCP data flow between two stacks in virtual time: bulk transfer clean
 * and through loss, duplication and reordering; the retransmission timer;
 * fast retransmit and NewReno recovery; out-of-order data.
 */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "tcp_sim.h"

static struct tsim S;

/* Drop chosen data segments of one side: the n-th ones it sends (1-based, any send). */
struct dropper {
    int from;
    unsigned nth[4];
    unsigned seen;
    uint64_t t[4];          /* when each was dropped */
};

static int drop_nth(struct tsim *s, int from, const uint8_t *seg, size_t len)
{
    struct dropper *d = s->user;
    struct seg_view v;
    if (from != d->from || seg_parse(seg, len, &v) || !v.len)
        return 0;
    d->seen++;
    for (int i = 0; i < 4; i++)
        if (d->nth[i] == d->seen) {
            d->t[i] = s->now;
            return 1;
        }
    return 0;
}

static void link_both(uint32_t delay, uint32_t rate)
{
    for (int i = 0; i < 2; i++) {
        S.link[i].delay_ms = delay;
        S.link[i].rate = rate;
    }
}

/* Window-limited (32 KiB send rings, 20 ms RTT, no rate limit): 1 MiB each way near the 1.6 MB/s bound. */
void test_tcp_bulk_1mib_each_way_clean(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 31);
    link_both(10, 0);
    struct pump p = { 0 };
    uint64_t t0 = S.now;
    pump_start(&S, &p, 1 << 20, 1 << 20);
    CHECK(tsim_run(&S, pump_app, &p, S.now + 60000));
    CHECK(p.rcvd[0] == 1 << 20 && p.rcvd[1] == 1 << 20 && !p.bad);
    uint64_t bound = (1u << 20) / 32768 * 20;            /* 640 ms */
    CHECK(p.done_at - t0 < bound * 5 / 4);
    CHECK(p.pcb[0]->st.rexmits == 0 && p.pcb[1]->st.rexmits == 0);
    if (getenv("TCP_VERBOSE"))
        fprintf(stderr, "window-limited: %llu ms (bound %llu)\n",
                (unsigned long long)(p.done_at - t0), (unsigned long long)bound);
    CHECK(pump_finish(&S, &p, S.now + 120000));
    tsim_free(&S);
}

/* Rate-limited (1 MB/s, 20 ms RTT): 1 MiB one way fills the link. */
void test_tcp_bulk_fills_the_link(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 37);
    link_both(10, 1000);
    struct pump p = { 0 };
    uint64_t t0 = S.now;
    pump_start(&S, &p, 1 << 20, 0);
    CHECK(tsim_run(&S, pump_app, &p, S.now + 60000));
    CHECK(p.rcvd[1] == 1 << 20 && !p.bad);
    uint64_t wire = (1u << 20) / 1460 * 1500 / 1000;     /* 1077 ms with headers */
    CHECK(p.done_at - t0 < wire * 11 / 10);
    if (getenv("TCP_VERBOSE"))
        fprintf(stderr, "rate-limited: %llu ms (wire %llu)\n",
                (unsigned long long)(p.done_at - t0), (unsigned long long)wire);
    CHECK(pump_finish(&S, &p, S.now + 120000));
    tsim_free(&S);
}

/* 1 MiB each way at 5% loss with duplication and reordering, byte exact, on several seeds. */
void test_tcp_bulk_1mib_each_way_loss_reorder(void)
{
    for (uint32_t seed = 1; seed <= 3; seed++) {
        tsim_init(&S, NULL, NULL, 0, 0, 100 + seed);
        link_both(10, 1000);
        for (int i = 0; i < 2; i++) {
            S.link[i].loss_pm = 50;
            S.link[i].dup_pm = 20;
            S.link[i].reorder_pm = 50;
            S.link[i].reorder_ms = 15;
        }
        struct pump p = { 0 };
        uint64_t t0 = S.now;
        pump_start(&S, &p, 1 << 20, 1 << 20);
        CHECK(tsim_run(&S, pump_app, &p, S.now + 600000));
        CHECK(p.rcvd[0] == 1 << 20 && p.rcvd[1] == 1 << 20 && !p.bad);
        CHECK(!p.err[0] && !p.err[1]);
        if ((p.err[0] || p.err[1]) && getenv("TCP_VERBOSE"))
            tsim_dump(&S, S.nrec - 100, 100);
        if (getenv("TCP_VERBOSE"))
            fprintf(stderr, "seed %u: %llu ms, rexmits %u/%u, fast %u/%u, timeouts %u/%u\n",
                    seed, (unsigned long long)(p.done_at - t0), p.pcb[0]->st.rexmits,
                    p.pcb[1]->st.rexmits, p.pcb[0]->st.fast_rexmits, p.pcb[1]->st.fast_rexmits,
                    p.pcb[0]->st.timeouts, p.pcb[1]->st.timeouts);
        for (int i = 0; i < 2; i++)
            S.link[i].loss_pm = S.link[i].dup_pm = S.link[i].reorder_pm = 0;
        CHECK(pump_finish(&S, &p, S.now + 120000));
        tsim_free(&S);
    }
}

/* The server echoes at once (its ACK rides on the echo, not delayed); the client reads it. */
struct echo {
    struct tcp_pcb *cli, *srv;
    int got;
};

static int echo_app(struct tsim *s, void *arg)
{
    struct echo *e = arg;
    char b[256];
    int n = tcp_recv(e->srv, b, sizeof b, s->now);
    if (n > 0)
        CHECK(tcp_send(e->srv, b, (size_t)n, s->now) == n);
    n = tcp_recv(e->cli, b, sizeof b, s->now);
    if (n > 0)
        e->got += n;
    return 0;
}

/* n round trips of a 4-byte echo. */
static void echo_rounds(struct echo *e, int n, uint32_t gap)
{
    for (int i = 0; i < n; i++) {
        CHECK(tcp_send(e->cli, "ping", 4, S.now) == 4);
        tsim_run(&S, echo_app, e, S.now + gap);
        S.now += gap;
    }
}

/* The first retransmission of data comes at the RTO (200 ms floor here), then backs off. */
void test_tcp_first_retransmit_at_rto(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 32);
    link_both(10, 0);
    struct tcp_pcb *cli, *srv;
    CHECK(tsim_pair(&S, 80, &cli, &srv, NULL));
    char b[64];
    struct echo e = { cli, srv, 0 };
    echo_rounds(&e, 5, 300);                  /* RTT samples */
    CHECK(e.got == 20);
    CHECK((cli->srtt8 >> 3) == 20 && cli->rto == TCP_RTO_MIN);
    struct dropper d = { .from = 0, .nth = { 1, 2 } };
    S.user = &d;
    S.link[0].filter = drop_nth;
    int r0 = S.nrec;
    CHECK(tcp_send(cli, "lost", 4, S.now) == 4);   /* one segment: no dup ACKs can help */
    tsim_idle(&S, S.now + 2000);
    int i1 = tsim_find(&S, r0, 0, TH_PSH), i2 = tsim_find(&S, i1 + 1, 0, TH_PSH);
    int i3 = tsim_find(&S, i2 + 1, 0, TH_PSH);
    CHECK(i1 >= 0 && i2 > i1 && i3 > i2 && tsim_find(&S, i3 + 1, 0, TH_PSH) < 0);
    CHECK(S.rec[i2].t - S.rec[i1].t == 200);        /* not 1 s, not 3 s */
    CHECK(S.rec[i3].t - S.rec[i2].t == 400);        /* exponential backoff */
    CHECK(tcp_recv(srv, b, sizeof b, S.now) == 4 && !memcmp(b, "lost", 4));
    CHECK(cli->st.timeouts == 2 && cli->st.rexmits == 2 && cli->nrexmit == 0);
    tcp_close(cli, S.now);
    tcp_close(srv, S.now);
    tsim_idle(&S, S.now + 100000);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

/* On a long path the RTO follows the measured RTT (RFC 6298), not a fixed guess. */
void test_tcp_rto_tracks_rtt(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 33);
    link_both(150, 0);
    struct tcp_pcb *cli, *srv;
    CHECK(tsim_pair(&S, 80, &cli, &srv, NULL));
    struct echo e = { cli, srv, 0 };
    echo_rounds(&e, 8, 1000);
    CHECK(e.got == 32);
    struct tcp_info info;
    tcp_get_info(cli, &info);
    CHECK(info.srtt_ms == 300);
    CHECK(info.rto_ms >= 300 && info.rto_ms < 450);
    struct dropper d = { .from = 0, .nth = { 1 } };
    S.user = &d;
    S.link[0].filter = drop_nth;
    int r0 = S.nrec;
    CHECK(tcp_send(cli, "lost", 4, S.now) == 4);
    tsim_idle(&S, S.now + 3000);
    int i1 = tsim_find(&S, r0, 0, TH_PSH), i2 = tsim_find(&S, i1 + 1, 0, TH_PSH);
    CHECK(i2 > i1 && S.rec[i2].t - S.rec[i1].t == info.rto_ms);
    tcp_abort(cli, S.now);
    tcp_abort(srv, S.now);
    tsim_free(&S);
}

static void fast_rexmit_case(unsigned a, unsigned b, uint32_t want_rexmits)
{
    tsim_init(&S, NULL, NULL, 0, 0, 34);
    link_both(10, 1000);
    struct dropper d = { .from = 0, .nth = { a, b } };
    S.user = &d;
    S.link[0].filter = drop_nth;
    struct pump p = { 0 };
    pump_start(&S, &p, 300000, 0);
    CHECK(tsim_run(&S, pump_app, &p, S.now + 60000));
    CHECK(p.rcvd[1] == 300000 && !p.bad);
    struct tcp_pcb *c = p.pcb[0];
    CHECK(c->st.fast_rexmits == 1 && c->st.timeouts == 0 && c->st.rexmits == want_rexmits);
    CHECK(!(c->flags & PF_RECOVERY) && c->ssthresh < 64 * 1024);   /* halved once */
    CHECK(pump_finish(&S, &p, S.now + 120000));
    tsim_free(&S);
}

/* One loss in a window: three duplicate ACKs, retransmitted long before the RTO. */
void test_tcp_fast_retransmit(void)
{
    fast_rexmit_case(30, 0, 1);
}

/* Two losses in one window: NewReno's partial ACK repairs the second without a timeout. */
void test_tcp_newreno_partial_ack(void)
{
    fast_rexmit_case(30, 34, 2);
}

/* Invariants of the receive side, checked after every step of a reordering transfer. */
static int ooo_app(struct tsim *s, void *arg)
{
    struct pump *p = arg;
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < TCP_MAX_PCBS; i++) {
            const struct tcp_pcb *pcb = &s->st[side].pcbs[i];
            if (!pcb->rbuf)
                continue;
            uint32_t wnd = s->st[side].cfg.rcvbuf - pcb->rlen;
            CHECK(pcb->nooo <= TCP_OOO_MAX && pcb->rlen <= s->st[side].cfg.rcvbuf);
            for (int k = 0; k < pcb->nooo; k++) {
                CHECK(SEQ_GT(pcb->ooo[k].start, pcb->rcv_nxt));
                CHECK(SEQ_LT(pcb->ooo[k].start, pcb->ooo[k].end));
                CHECK(SEQ_LEQ(pcb->ooo[k].end, pcb->rcv_nxt + wnd));
            }
        }
    return pump_app(s, p);
}

/* Heavy reordering: many holes at once (more than TCP_OOO_MAX), window-bounded, byte exact. */
void test_tcp_out_of_order_bounded(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 35);
    link_both(5, 2000);
    for (int i = 0; i < 2; i++) {
        S.link[i].reorder_pm = 300;
        S.link[i].reorder_ms = 40;
    }
    struct pump p = { 0 };
    pump_start(&S, &p, 1 << 20, 1 << 19);
    CHECK(tsim_run(&S, ooo_app, &p, S.now + 600000));
    CHECK(p.rcvd[1] == 1 << 20 && p.rcvd[0] == 1 << 19 && !p.bad);
    for (int i = 0; i < 2; i++)
        S.link[i].reorder_pm = 0;
    CHECK(pump_finish(&S, &p, S.now + 120000));
    tsim_free(&S);
}

/* A peer with a smaller MSS gets no segment larger than it asked for. */
static int max_seg;
static int seg_size_tap(struct tsim *s, int from, const uint8_t *seg, size_t len)
{
    struct seg_view v;
    (void)s;
    if (from == 0 && !seg_parse(seg, len, &v) && (int)v.len > max_seg)
        max_seg = (int)v.len;
    return 0;
}

void test_tcp_mss_option_respected(void)
{
    struct tcp_config c1;
    tcp_config_default(&c1);
    c1.mss = 536;
    tsim_init(&S, NULL, &c1, 0, 0, 36);
    link_both(5, 0);
    max_seg = 0;
    S.tap = seg_size_tap;
    struct pump p = { 0 };
    pump_start(&S, &p, 100000, 100000);
    CHECK(tsim_run(&S, pump_app, &p, S.now + 60000));
    CHECK(p.rcvd[1] == 100000 && p.rcvd[0] == 100000 && !p.bad);
    CHECK(max_seg == 536 && p.pcb[0]->mss == 536 && p.pcb[1]->mss == 536);
    CHECK(pump_finish(&S, &p, S.now + 120000));
    tsim_free(&S);
}
