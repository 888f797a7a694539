/*
 * Windows and timing between two stacks: a reader that stops (zero
 * window, persist probes), window updates (lost or not), silly-window
 * avoidance, window scaling, delayed ACKs and Nagle.
 */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "tcp_sim.h"

static struct tsim S;

static void link_both(uint32_t delay, uint32_t rate)
{
    for (int i = 0; i < 2; i++) {
        S.link[i].delay_ms = delay;
        S.link[i].rate = rate;
    }
}

static struct tcp_config cfg_rcv(uint32_t rcvbuf)
{
    struct tcp_config c;
    tcp_config_default(&c);
    c.rcvbuf = rcvbuf;
    return c;
}

/* Drop the first segment side 1 sends after `after` that opens its window. */
struct lose_update {
    uint64_t after;
    int done;
};

static int lose_update_filter(struct tsim *s, int from, const uint8_t *seg, size_t len)
{
    struct lose_update *u = s->user;
    struct seg_view v;
    if (from == 1 && !u->done && s->now >= u->after && !seg_parse(seg, len, &v) && v.wnd) {
        u->done = 1;
        return 1;
    }
    return 0;
}

/*
 * The reader stops for `pause` ms: the sender probes the zero window with
 * backoff (never giving up: the probes are answered), and resumes when the
 * reader does. Returns the time from the resume to the end.
 */
static uint64_t zero_window_case(uint64_t pause, int lose)
{
    struct tcp_config c1 = cfg_rcv(8192);
    tsim_init(&S, NULL, &c1, 0, 0, 41);
    link_both(10, 0);
    struct lose_update u = { 0 };
    struct pump p = { 0 };
    pump_start(&S, &p, 200000, 0);
    p.read_from[1] = S.now + pause;
    u.after = p.read_from[1];
    if (lose) {
        S.user = &u;
        S.link[1].filter = lose_update_filter;
    }
    CHECK(tsim_run(&S, pump_app, &p, S.now + pause + 120000));
    CHECK(p.rcvd[1] == 200000 && !p.bad && !p.err[0] && !p.err[1]);
    CHECK(!lose || u.done);
    /* the probes: empty segments from side 0 while the reader sleeps, spaced ever wider */
    uint64_t last = 0, gap = 0;
    int probes = 0;
    for (int i = 0; (i = tsim_find(&S, i, 0, TH_ACK)) >= 0 && S.rec[i].t < p.read_from[1]; i++) {
        if (S.rec[i].len || S.rec[i].t < S.rec[0].t + 100)
            continue;
        if (last) {
            CHECK(S.rec[i].t - last >= gap && S.rec[i].t - last <= 60000);
            gap = S.rec[i].t - last;
        }
        last = S.rec[i].t;
        probes++;
    }
    CHECK(probes >= 5);
    CHECK(gap >= 60000 || pause < 100000);     /* a long pause reaches the 60 s cap */
    uint64_t took = p.done_at - p.read_from[1];
    CHECK(pump_finish(&S, &p, S.now + 120000));
    tsim_free(&S);
    return took;
}

void test_tcp_zero_window_probe_and_resume(void)
{
    uint64_t took = zero_window_case(20000, 0);
    CHECK(took < 1000);             /* the window update restarts it at once: ~25 RTTs of data */
    took = zero_window_case(300000, 0);       /* 5 minutes stopped: still alive */
    CHECK(took < 1000);
}

/* The window update is lost: the next probe finds the open window. */
void test_tcp_zero_window_update_lost(void)
{
    uint64_t took = zero_window_case(20000, 1);
    CHECK(took < 20000);
}

/* A slow reader (100 bytes every 5 ms) must not make the sender dribble small segments. */
struct slow_reader {
    struct pump p;
    uint64_t next;
};

static int slow_app(struct tsim *s, void *arg)
{
    struct slow_reader *r = arg;
    struct pump *p = &r->p;
    p->read_from[1] = UINT64_MAX;             /* pump_app does not read side 1 */
    int done = pump_app(s, p);
    if (p->pcb[1] && s->now >= r->next) {
        uint8_t b[100];
        int n = tcp_recv(p->pcb[1], b, sizeof b, s->now);
        for (int i = 0; i < n; i++)
            if (b[i] != pump_byte(0, p->rcvd[1] + (uint64_t)i))
                p->bad++;
        if (n > 0)
            p->rcvd[1] += (uint64_t)n;
        r->next = s->now + 5;
    }
    s->app_wake = r->next;
    return done || p->rcvd[1] == p->total[0];
}

void test_tcp_silly_window_avoided(void)
{
    struct tcp_config c1 = cfg_rcv(8192);
    tsim_init(&S, NULL, &c1, 0, 0, 42);
    link_both(10, 0);
    struct slow_reader r = { .p = { .chunk = 4000 } };
    pump_start(&S, &r.p, 60000, 0);
    CHECK(tsim_run(&S, slow_app, &r, S.now + 120000));
    CHECK(r.p.rcvd[1] == 60000 && !r.p.bad);
    int small = 0, last_data = -1;
    for (int i = 0; i < S.nrec; i++)
        if (S.rec[i].from == 0 && S.rec[i].len)
            last_data = i;
    for (int i = 0; i < last_data; i++)
        if (S.rec[i].from == 0 && S.rec[i].len && S.rec[i].len < 1460)
            small++;
    CHECK(small == 0);
    uint32_t edge = 0;                        /* the reader's right edge moves by an MSS or more */
    for (int i = 0; i < S.nrec; i++) {
        if (S.rec[i].from != 1 || (S.rec[i].flags & TH_SYN))
            continue;
        uint32_t e = S.rec[i].ack + S.rec[i].wnd;
        CHECK(!edge || SEQ_GEQ(e, edge));
        CHECK(!edge || e == edge || e - edge >= 1460);
        edge = e;
    }
    tcp_abort(r.p.pcb[0], S.now);
    tcp_abort(r.p.pcb[1], S.now);
    tcp_close(r.p.listener, S.now);
    tsim_free(&S);
}

/* 256 KiB buffers: window scaling lets more than 64 KiB fly on a 100 ms path. */
static int syn_ws[2];
static int ws_tap(struct tsim *s, int from, const uint8_t *seg, size_t len)
{
    struct seg_view v;
    (void)s;
    if (!seg_parse(seg, len, &v) && (v.flags & TH_SYN))
        syn_ws[from] = v.ws;
    return 0;
}

struct flight_watch {
    struct pump p;
    uint32_t max_flight;
};

static int flight_app(struct tsim *s, void *arg)
{
    struct flight_watch *w = arg;
    if (w->p.pcb[0] && w->p.pcb[0]->snd_max - w->p.pcb[0]->snd_una > w->max_flight)
        w->max_flight = w->p.pcb[0]->snd_max - w->p.pcb[0]->snd_una;
    return pump_app(s, &w->p);
}

void test_tcp_window_scaling(void)
{
    struct tcp_config c;
    tcp_config_default(&c);
    c.sndbuf = c.rcvbuf = 256 * 1024;
    tsim_init(&S, &c, &c, 0, 0, 43);
    link_both(50, 0);
    syn_ws[0] = syn_ws[1] = -1;
    S.tap = ws_tap;
    struct flight_watch w = { 0 };
    uint64_t t0 = S.now;
    pump_start(&S, &w.p, 4 << 20, 0);
    CHECK(tsim_run(&S, flight_app, &w, S.now + 60000));
    CHECK(w.p.rcvd[1] == 4 << 20 && !w.p.bad);
    CHECK(syn_ws[0] == 3 && syn_ws[1] == 3);
    CHECK(w.max_flight > 200000);
    CHECK(w.p.done_at - t0 < 3000);          /* 2.6 MB/s window-limited: ~1.6 s + slow start */
    CHECK(w.p.pcb[0]->snd_ws == 3 && w.p.pcb[1]->rcv_ws == 3);
    CHECK(pump_finish(&S, &w.p, S.now + 120000));
    tsim_free(&S);
}

/*
 * A connection's first TCP_QUICKACKS data segments are ACKed at once (the
 * peer's slow start grows with each ACK); after them one small segment is
 * ACKed after delack_ms, two full ones at once.
 */
void test_tcp_delayed_ack(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 44);
    link_both(10, 0);
    struct tcp_pcb *cli, *srv;
    CHECK(tsim_pair(&S, 80, &cli, &srv, NULL));
    tsim_idle(&S, S.now + 1000);
    int r0, d, a;
    char b[8];
    for (int i = 0; i < TCP_QUICKACKS; i++) {
        r0 = S.nrec;
        CHECK(tcp_send(cli, "tiny", 4, S.now) == 4);
        tsim_idle(&S, S.now + 1000);
        d = tsim_find(&S, r0, 0, TH_PSH);
        a = tsim_find(&S, r0, 1, TH_ACK);
        CHECK(d >= 0 && a > d && S.rec[a].t - S.rec[d].t == 10);
        CHECK(tcp_recv(srv, b, sizeof b, S.now) == 4);
    }
    r0 = S.nrec;
    CHECK(tcp_send(cli, "tiny", 4, S.now) == 4);
    tsim_idle(&S, S.now + 1000);
    d = tsim_find(&S, r0, 0, TH_PSH);
    a = tsim_find(&S, r0, 1, TH_ACK);
    CHECK(d >= 0 && a > d && S.rec[a].t - S.rec[d].t == 10 + S.st[1].cfg.delack_ms);
    static uint8_t two[2920];
    r0 = S.nrec;
    CHECK(tcp_send(cli, two, sizeof two, S.now) == (int)sizeof two);
    tsim_idle(&S, S.now + 1000);
    d = tsim_find(&S, r0, 0, TH_PSH);
    a = tsim_find(&S, r0, 1, TH_ACK);
    CHECK(d >= 0 && a > d && S.rec[a].t - S.rec[d].t == 10);
    CHECK(S.rec[a].ack == S.rec[d].seq + 1460);
    tcp_abort(cli, S.now);
    tcp_abort(srv, S.now);
    tsim_free(&S);
}

/*
 * Request/response with Nagle and delayed ACKs both on, responses of every
 * awkward size (1 byte, MSS + 1, ...): no exchange waits for the delayed-ACK
 * timer (Minshall's rule lets the response's short tail go at once).
 */
struct rr {
    struct tcp_pcb *cli, *srv;
    int round, nrounds;
    uint32_t want, got, req_got;
    uint64_t started, worst;
    int split;                       /* the request is written in two pieces */
};

static const uint32_t rr_sizes[] = { 1, 100, 1460, 1461, 2000, 2920, 2921, 3000, 4500, 6000 };

static int rr_app(struct tsim *s, void *arg)
{
    struct rr *r = arg;
    static uint8_t b[8192];
    if (r->want == 0) {                              /* start a round */
        if (r->round == r->nrounds)
            return 1;
        r->want = rr_sizes[r->round % 10];
        r->got = r->req_got = 0;
        r->started = s->now;
        put_be32(b, r->want);
        if (r->split) {
            CHECK(tcp_send(r->cli, b, 2, s->now) == 2);
            CHECK(tcp_send(r->cli, b + 2, 2, s->now) == 2);
        } else {
            CHECK(tcp_send(r->cli, b, 4, s->now) == 4);
        }
    }
    int n = tcp_recv(r->srv, b, sizeof b, s->now);
    if (n > 0) {
        r->req_got += (uint32_t)n;
        if (r->req_got == 4) {
            memset(b, 'x', r->want);
            CHECK(tcp_send(r->srv, b, r->want, s->now) == (int)r->want);
        }
    }
    n = tcp_recv(r->cli, b, sizeof b, s->now);
    if (n > 0 && (r->got += (uint32_t)n) == r->want) {
        uint64_t t = s->now - r->started;
        if (t > r->worst)
            r->worst = t;
        r->want = 0;
        r->round++;
        return rr_app(s, arg);
    }
    return 0;
}

static uint64_t rr_case(int split, int nodelay)
{
    tsim_init(&S, NULL, NULL, 0, 0, 45);
    link_both(10, 0);
    struct rr r = { .nrounds = 100, .split = split };
    CHECK(tsim_pair(&S, 80, &r.cli, &r.srv, NULL));
    tcp_set_nodelay(r.cli, nodelay);
    CHECK(tsim_run(&S, rr_app, &r, S.now + 100000));
    CHECK(r.round == r.nrounds);
    tcp_abort(r.cli, S.now);
    tcp_abort(r.srv, S.now);
    tsim_free(&S);
    return r.worst;
}

void test_tcp_nagle_delack_request_response(void)
{
    CHECK(rr_case(0, 0) <= 40);       /* every round within two RTTs, the big ones included */
}

/* A request written in two pieces: Nagle holds the second until the first is ACKed (bounded
 * by the delayed-ACK timer, never a deadlock); with TCP_NODELAY it goes at once. */
void test_tcp_nagle_write_write_read(void)
{
    uint64_t nagle = rr_case(1, 0), nodelay = rr_case(1, 1);
    CHECK(nagle > 100 && nagle <= 40 + 100 + 20);
    CHECK(nodelay <= 40);
}

/* With Nagle, many small writes while one is in flight become one segment; without, each goes. */
static int coalesce_case(int nodelay)
{
    tsim_init(&S, NULL, NULL, 0, 0, 46);
    link_both(10, 0);
    struct tcp_pcb *cli, *srv;
    CHECK(tsim_pair(&S, 80, &cli, &srv, NULL));
    tcp_set_nodelay(cli, nodelay);
    int r0 = S.nrec;
    for (int i = 0; i < 100; i++)
        CHECK(tcp_send(cli, "0123456789", 10, S.now) == 10);
    tsim_idle(&S, S.now + 1000);
    char b[2000];
    CHECK(tcp_recv(srv, b, sizeof b, S.now) == 1000);
    int segs = 0;
    for (int i = r0; i < S.nrec; i++)
        segs += S.rec[i].from == 0 && S.rec[i].len;
    tcp_abort(cli, S.now);
    tcp_abort(srv, S.now);
    tsim_free(&S);
    return segs;
}

void test_tcp_nagle_coalesces_small_writes(void)
{
    CHECK(coalesce_case(0) == 2);
    CHECK(coalesce_case(1) == 100);
}
