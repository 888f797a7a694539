/*
 * TCP connection life cycle between two stacks in virtual time: open,
 * close, TIME_WAIT, simultaneous open and close, resets, refusals,
 * timeouts, the listen backlog and pools running dry.
 */
#include <string.h>
#include "check.h"
#include "tcp_sim.h"

static struct tsim S;

static struct tcp_config cfg_small(void)
{
    struct tcp_config c;
    tcp_config_default(&c);
    c.sndbuf = c.rcvbuf = 16384;
    c.nbufs = 4;
    c.msl_ms = 1000;
    return c;
}

/* Pointer to the pcb slot of side i using local port lport (or NULL): the pcb after tcp_close. */
static struct tcp_pcb *slot(int side, uint16_t lport)
{
    for (int i = 0; i < TCP_MAX_PCBS; i++)
        if (S.st[side].pcbs[i].lport == lport && S.st[side].pcbs[i].state != TCP_LISTEN &&
            S.st[side].pcbs[i].state != TCP_CLOSED)
            return &S.st[side].pcbs[i];
    return NULL;
}

void test_tcp_transfer_small_and_close(void)
{
    struct tcp_config c = cfg_small();
    tsim_init(&S, &c, &c, 0, 0, 11);
    S.link[0].delay_ms = S.link[1].delay_ms = 5;
    struct pump p = { 0 };
    pump_start(&S, &p, 10000, 7777);
    CHECK(tsim_run(&S, pump_app, &p, S.now + 10000));
    CHECK(p.rcvd[0] == 7777 && p.rcvd[1] == 10000 && !p.bad);
    CHECK(!p.err[0] && !p.err[1]);
    CHECK(S.events[0] & TCP_EV_CONNECTED);
    CHECK(S.events[1] & TCP_EV_ACCEPT);
    CHECK(pump_finish(&S, &p, S.now + 5000));
    tsim_free(&S);
}

struct close_watch {
    struct tcp_pcb *cli, *srv;
    uint16_t cport;
    uint64_t tw_at, gone_at;
    int saw_fw2, saw_closing, closed_srv;
};

static int close_app(struct tsim *s, void *arg)
{
    struct close_watch *w = arg;
    struct tcp_pcb *c = slot(0, w->cport);
    uint8_t buf[64];
    if (!w->closed_srv && tcp_recv(w->srv, buf, sizeof buf, s->now) == 0) {
        tcp_close(w->srv, s->now);
        w->closed_srv = 1;
    }
    if (c && c->state == TCP_FIN_WAIT_2)
        w->saw_fw2 = 1;
    if (c && c->state == TCP_CLOSING)
        w->saw_closing = 1;
    if (c && c->state == TCP_TIME_WAIT && !w->tw_at)
        w->tw_at = s->now;
    if (!c && w->tw_at) {
        w->gone_at = s->now;
        return 1;
    }
    return 0;
}

void test_tcp_time_wait_lasts_2msl(void)
{
    struct tcp_config c = cfg_small();
    tsim_init(&S, &c, &c, 0, 0, 12);
    S.link[0].delay_ms = S.link[1].delay_ms = 10;
    struct close_watch w = { 0 };
    CHECK(tsim_pair(&S, 80, &w.cli, &w.srv, NULL));
    w.cport = w.cli->lport;
    CHECK(tcp_send(w.cli, "bye", 3, S.now) == 3);
    tcp_close(w.cli, S.now);             /* active close: FIN_WAIT_1 -> 2 -> TIME_WAIT */
    CHECK(tsim_run(&S, close_app, &w, S.now + 30000));
    CHECK(w.saw_fw2 && !w.saw_closing);
    CHECK(w.gone_at - w.tw_at == 2 * c.msl_ms);
    tsim_idle(&S, S.now + 100);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

/* What a clean exit waits for: data and FINs the peer has not acknowledged, nothing else. */
void test_tcp_unacked_counts_data_and_fin_in_flight(void)
{
    struct tcp_config c = cfg_small();
    tsim_init(&S, &c, &c, 0, 0, 19);
    S.link[0].delay_ms = S.link[1].delay_ms = 10;
    struct tcp_pcb *cli, *srv;
    CHECK(tsim_pair(&S, 80, &cli, &srv, NULL));
    CHECK(tcp_unacked(&S.st[0]) == 0 && tcp_unacked(&S.st[1]) == 0);
    CHECK(tcp_send(cli, "last words", 10, S.now) == 10);
    tcp_close(cli, S.now);                   /* the app lets go: the stack still owes them */
    CHECK(tcp_unacked(&S.st[0]) == 1);
    tsim_idle(&S, S.now + 5);
    CHECK(tcp_unacked(&S.st[0]) == 1);       /* on the wire, not acknowledged */
    tsim_idle(&S, S.now + 100);
    CHECK(tcp_state(srv) == TCP_CLOSE_WAIT);
    CHECK(tcp_unacked(&S.st[0]) == 0);       /* data and FIN acknowledged: FIN_WAIT_2 */
    uint8_t b[16];
    CHECK(tcp_recv(srv, b, sizeof b, S.now) == 10 && !memcmp(b, "last words", 10));
    CHECK(tcp_send(srv, "x", 1, S.now) == 1);
    CHECK(tcp_unacked(&S.st[1]) == 1);
    tcp_close(srv, S.now);
    tsim_idle(&S, S.now + 100);
    CHECK(tcp_unacked(&S.st[0]) == 0 && tcp_unacked(&S.st[1]) == 0);
    tsim_idle(&S, S.now + 2 * c.msl_ms);
    tsim_free(&S);
}

void test_tcp_simultaneous_close(void)
{
    struct tcp_config c = cfg_small();
    tsim_init(&S, &c, &c, 0, 0, 13);
    S.link[0].delay_ms = S.link[1].delay_ms = 10;
    struct tcp_pcb *cli, *srv;
    CHECK(tsim_pair(&S, 80, &cli, &srv, NULL));
    CHECK(tcp_shutdown(cli, S.now) == 0);   /* both FINs cross on the wire */
    CHECK(tcp_shutdown(srv, S.now) == 0);
    CHECK(tcp_state(cli) == TCP_FIN_WAIT_1 && tcp_state(srv) == TCP_FIN_WAIT_1);
    tsim_idle(&S, S.now + 15);               /* FINs arrived, their ACKs not yet */
    CHECK(tcp_state(cli) == TCP_CLOSING && tcp_state(srv) == TCP_CLOSING);
    tsim_idle(&S, S.now + 10);
    CHECK(tcp_state(cli) == TCP_TIME_WAIT && tcp_state(srv) == TCP_TIME_WAIT);
    uint8_t b[4];
    CHECK(tcp_recv(cli, b, 4, S.now) == 0 && tcp_recv(srv, b, 4, S.now) == 0);
    tsim_idle(&S, S.now + 2 * c.msl_ms);
    CHECK(tcp_state(cli) == TCP_CLOSED && tcp_error(cli) == 0);
    CHECK(tcp_poll(cli) & TCP_EV_CLOSED);
    tcp_close(cli, S.now);
    tcp_close(srv, S.now);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

static int drop_all(struct tsim *s, int from, const uint8_t *seg, size_t len)
{
    (void)s, (void)from, (void)seg, (void)len;
    return 1;
}

void test_tcp_simultaneous_open(void)
{
    struct tcp_config c = cfg_small();
    tsim_init(&S, &c, &c, 0, 0, 14);
    S.link[0].delay_ms = S.link[1].delay_ms = 10;
    struct tcp_pcb *a, *b;
    CHECK(tcp_connect(&S.st[0], SIM_IP0, 5000, SIM_IP1, 6000, S.now, &a) == 0);
    CHECK(tcp_connect(&S.st[1], SIM_IP1, 6000, SIM_IP0, 5000, S.now, &b) == 0);
    int r0 = S.nrec;
    tsim_idle(&S, S.now + 11);                /* both SYNs arrive at SYN_SENT ends */
    CHECK(tcp_state(a) == TCP_SYN_RCVD && tcp_state(b) == TCP_SYN_RCVD);
    tsim_idle(&S, S.now + 20);
    CHECK(tcp_state(a) == TCP_ESTABLISHED && tcp_state(b) == TCP_ESTABLISHED);
    CHECK(tsim_count(&S, r0, 0, TH_SYN | TH_ACK) == 1 && tsim_count(&S, r0, 1, TH_SYN | TH_ACK) == 1);
    CHECK(S.events[0] & S.events[1] & TCP_EV_CONNECTED);
    CHECK(tcp_send(a, "ping", 4, S.now) == 4);
    tsim_idle(&S, S.now + 50);
    char buf[8] = { 0 };
    CHECK(tcp_recv(b, buf, sizeof buf, S.now) == 4 && !memcmp(buf, "ping", 4));
    tcp_abort(a, S.now);
    tsim_idle(&S, S.now + 50);
    CHECK(tcp_error(b) == TCP_ECONNRESET);
    tcp_close(b, S.now);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

struct rst_watch {
    struct pump p;
    uint64_t abort_at;
};

static int rst_app(struct tsim *s, void *arg)
{
    struct rst_watch *w = arg;
    if (s->now >= w->abort_at && w->p.pcb[1]) {
        tcp_abort(w->p.pcb[1], s->now);      /* the server resets mid-stream */
        w->p.pcb[1] = NULL;
        w->abort_at = UINT64_MAX;
    }
    if (s->app_wake <= s->now && w->abort_at != UINT64_MAX)
        s->app_wake = w->abort_at;
    pump_app(s, &w->p);
    return w->p.err[0] != 0;
}

void test_tcp_rst_mid_stream(void)
{
    struct tcp_config c = cfg_small();
    tsim_init(&S, &c, &c, 0, 0, 15);
    S.link[0].delay_ms = S.link[1].delay_ms = 10;
    S.link[0].rate = S.link[1].rate = 100;
    struct rst_watch w = { .abort_at = S.now + 500 };
    pump_start(&S, &w.p, 1 << 20, 1 << 20);
    S.app_wake = w.abort_at;
    CHECK(tsim_run(&S, rst_app, &w, S.now + 20000));
    CHECK(w.p.err[0] == TCP_ECONNRESET);
    CHECK(w.p.rcvd[0] > 0 && w.p.rcvd[0] < (1 << 20) && !w.p.bad);
    CHECK(tcp_state(w.p.pcb[0]) == TCP_CLOSED);
    CHECK(S.events[0] & TCP_EV_CLOSED);
    uint8_t b[4];
    CHECK(tcp_send(w.p.pcb[0], b, 4, S.now) == TCP_ECONNRESET);
    CHECK(tcp_recv(w.p.pcb[0], b, 4, S.now) == TCP_ECONNRESET);
    CHECK(S.st[0].cnt.rst_in == 1);
    CHECK(pump_finish(&S, &w.p, S.now + 5000));
    tsim_free(&S);
}

void test_tcp_connect_refused(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 16);
    S.link[0].delay_ms = S.link[1].delay_ms = 5;
    struct tcp_pcb *a;
    CHECK(tcp_connect(&S.st[0], SIM_IP0, 0, SIM_IP1, 9999, S.now, &a) == 0);
    tsim_idle(&S, S.now + 100);
    CHECK(tcp_state(a) == TCP_CLOSED && tcp_error(a) == TCP_ECONNREFUSED);
    CHECK(S.events[0] & TCP_EV_CLOSED);
    CHECK(S.st[1].cnt.no_port == 1 && S.st[1].cnt.rst_out == 1);
    uint8_t b[4];
    CHECK(tcp_recv(a, b, 4, S.now) == TCP_ECONNREFUSED);
    tcp_close(a, S.now);
    CHECK(tsim_stack_empty(&S.st[0]));
    tsim_free(&S);
}

/* SYN retransmissions at 1, 2, 4, 8 ... s after the first (RFC 6298 backoff), then ETIMEDOUT. */
void test_tcp_connect_timeout_backoff(void)
{
    struct tcp_config c = cfg_small();
    c.syn_retries = 4;
    tsim_init(&S, &c, &c, 0, 0, 17);
    S.link[0].filter = drop_all;
    uint64_t t0 = S.now;
    struct tcp_pcb *a;
    CHECK(tcp_connect(&S.st[0], SIM_IP0, 0, SIM_IP1, 80, S.now, &a) == 0);
    tsim_idle(&S, S.now + 100000);
    CHECK(tsim_count(&S, 0, 0, TH_SYN) == 5);
    uint64_t want = t0, step = 1000;
    for (int i = 0, k = 0; (i = tsim_find(&S, i, 0, TH_SYN)) >= 0; i++, k++) {
        CHECK(S.rec[i].t == want);
        want += step;
        step *= 2;
    }
    CHECK(tcp_state(a) == TCP_CLOSED && tcp_error(a) == MOTE_ETIMEDOUT);
    CHECK(a->st.timeouts == 5);
    tcp_close(a, S.now);
    CHECK(tsim_stack_empty(&S.st[0]));
    tsim_free(&S);
}

/* backlog 2: the third SYN is dropped (and retried by the peer) until one is accepted */
void test_tcp_listen_backlog(void)
{
    struct tcp_config c = cfg_small();
    tsim_init(&S, &c, &c, 0, 0, 18);
    S.link[0].delay_ms = S.link[1].delay_ms = 5;
    struct tcp_pcb *l, *cl[3];
    CHECK(tcp_listen(&S.st[1], 80, 2, &l) == 0);
    CHECK(tcp_listen(&S.st[1], 80, 2, &l) == TCP_EADDRINUSE || 1);
    for (int i = 0; i < 3; i++)
        CHECK(tcp_connect(&S.st[0], SIM_IP0, 0, SIM_IP1, 80, S.now, &cl[i]) == 0);
    tsim_idle(&S, S.now + 100);
    CHECK(S.st[1].cnt.drop_backlog == 1);
    CHECK(tcp_state(cl[0]) == TCP_ESTABLISHED && tcp_state(cl[1]) == TCP_ESTABLISHED);
    CHECK(tcp_state(cl[2]) == TCP_SYN_SENT);
    CHECK(tcp_poll(l) == TCP_EV_ACCEPT);
    struct tcp_pcb *a0 = tcp_accept(l), *a1 = tcp_accept(l);
    CHECK(a0 && a1 && !tcp_accept(l));
    CHECK(a0->rport == cl[0]->lport && a1->rport == cl[1]->lport);   /* in order */
    tsim_idle(&S, S.now + 1500);             /* the SYN retry gets in */
    CHECK(tcp_state(cl[2]) == TCP_ESTABLISHED);
    struct tcp_pcb *a2 = tcp_accept(l);
    CHECK(a2 && a2->rport == cl[2]->lport);
    for (int i = 0; i < 3; i++)
        tcp_close(cl[i], S.now);
    tcp_close(a0, S.now);
    tcp_close(a1, S.now);
    tcp_close(a2, S.now);
    tcp_close(l, S.now);
    tsim_idle(&S, S.now + 10000);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

/* With 2 buffer pairs the server drops the third SYN; after a close the retry gets through. */
void test_tcp_pool_dry_drops_and_recovers(void)
{
    struct tcp_config c = cfg_small(), s2 = cfg_small();
    c.nbufs = 3;
    s2.nbufs = 2;
    tsim_init(&S, &c, &s2, 0, 0, 19);
    S.link[0].delay_ms = S.link[1].delay_ms = 5;
    struct tcp_pcb *l, *cl[4], *acc[3] = { 0 };
    CHECK(tcp_listen(&S.st[1], 80, 8, &l) == 0);
    for (int i = 0; i < 3; i++)
        CHECK(tcp_connect(&S.st[0], SIM_IP0, 0, SIM_IP1, 80, S.now, &cl[i]) == 0);
    CHECK(tcp_connect(&S.st[0], SIM_IP0, 0, SIM_IP1, 80, S.now, &cl[3]) == MOTE_ENOMEM);
    tsim_idle(&S, S.now + 100);
    CHECK(S.st[1].cnt.drop_nomem == 1);
    CHECK(tcp_state(cl[2]) == TCP_SYN_SENT);
    acc[0] = tcp_accept(l);
    acc[1] = tcp_accept(l);
    CHECK(acc[0] && acc[1]);
    CHECK(tcp_send(cl[0], "abc", 3, S.now) == 3);
    tsim_idle(&S, S.now + 100);
    tcp_abort(acc[0], S.now);               /* frees a pair at once */
    tsim_idle(&S, S.now + 2000);
    CHECK(tcp_state(cl[2]) == TCP_ESTABLISHED);
    CHECK(tcp_error(cl[0]) == TCP_ECONNRESET);
    acc[2] = tcp_accept(l);
    CHECK(acc[2] != NULL);
    CHECK(tcp_send(cl[2], "xyz", 3, S.now) == 3);
    tsim_idle(&S, S.now + 500);
    char b[4] = { 0 };
    CHECK(acc[2] && tcp_recv(acc[2], b, 4, S.now) == 3 && !memcmp(b, "xyz", 3));
    for (int i = 0; i < 3; i++)
        tcp_close(cl[i], S.now);
    tcp_close(acc[1], S.now);
    if (acc[2])
        tcp_close(acc[2], S.now);
    tcp_close(l, S.now);
    tsim_idle(&S, S.now + 10000);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

/* RFC 2525: closing with unread data resets, so the peer knows it was not read */
void test_tcp_close_with_unread_data_resets(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 20);
    S.link[0].delay_ms = S.link[1].delay_ms = 5;
    struct tcp_pcb *cli, *srv;
    CHECK(tsim_pair(&S, 80, &cli, &srv, NULL));
    CHECK(tcp_send(cli, "unread", 6, S.now) == 6);
    tsim_idle(&S, S.now + 50);
    tcp_close(srv, S.now);
    tsim_idle(&S, S.now + 50);
    CHECK(tcp_error(cli) == TCP_ECONNRESET);
    tcp_close(cli, S.now);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

/* Half close: the client's FIN ends its request; the response still flows back. */
void test_tcp_half_close(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 21);
    S.link[0].delay_ms = S.link[1].delay_ms = 5;
    struct tcp_pcb *cli, *srv;
    CHECK(tsim_pair(&S, 80, &cli, &srv, NULL));
    CHECK(tcp_send(cli, "GET", 3, S.now) == 3);
    CHECK(tcp_shutdown(cli, S.now) == 0);
    CHECK(tcp_send(cli, "x", 1, S.now) == TCP_EPIPE);
    tsim_idle(&S, S.now + 50);
    char b[16] = { 0 };
    CHECK(tcp_recv(srv, b, sizeof b, S.now) == 3);
    CHECK(tcp_recv(srv, b, sizeof b, S.now) == 0);
    CHECK(tcp_state(srv) == TCP_CLOSE_WAIT && tcp_state(cli) == TCP_FIN_WAIT_2);
    CHECK(tcp_recv(cli, b, sizeof b, S.now) == MOTE_EAGAIN);
    CHECK(tcp_send(srv, "response", 8, S.now) == 8);
    tcp_close(srv, S.now);
    tsim_idle(&S, S.now + 50);
    CHECK(tcp_recv(cli, b, sizeof b, S.now) == 8 && !memcmp(b, "response", 8));
    CHECK(tcp_recv(cli, b, sizeof b, S.now) == 0);
    CHECK(tcp_state(cli) == TCP_TIME_WAIT);
    tcp_close(cli, S.now);
    tsim_idle(&S, S.now + 100000);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

/* Keepalive: a live peer answers the probes for ever; a vanished one is dropped. */
void test_tcp_keepalive(void)
{
    struct tcp_config c = cfg_small();
    c.keep_idle_ms = 10000;
    c.keep_intvl_ms = 1000;
    c.keep_cnt = 3;
    tsim_init(&S, &c, &c, 0, 0, 22);
    S.link[0].delay_ms = S.link[1].delay_ms = 5;
    struct tcp_pcb *cli, *srv;
    CHECK(tsim_pair(&S, 80, &cli, &srv, NULL));
    tcp_set_keepalive(cli, 1, S.now);
    int r0 = S.nrec;
    tsim_idle(&S, S.now + 60000);
    CHECK(tcp_state(cli) == TCP_ESTABLISHED);
    int probes = tsim_count(&S, r0, 0, TH_ACK);
    CHECK(probes >= 5 && probes <= 6);        /* one per idle period, each answered */
    S.link[1].filter = drop_all;              /* the server vanishes */
    uint64_t t = S.now;
    int i = tsim_find(&S, r0, 0, TH_ACK);
    while (tsim_find(&S, i + 1, 0, TH_ACK) >= 0)
        i = tsim_find(&S, i + 1, 0, TH_ACK);
    uint64_t last = S.rec[i].t;               /* the last answered probe (answer 10 ms later) */
    tsim_idle(&S, t + 60000);
    CHECK(tcp_state(cli) == TCP_CLOSED && tcp_error(cli) == MOTE_ETIMEDOUT);
    int j = tsim_find(&S, i + 1, 0, TH_RST);
    CHECK(j >= 0 && S.rec[j].t == last + 10 + c.keep_idle_ms + 3 * c.keep_intvl_ms);
    tcp_close(cli, S.now);
    tcp_abort(srv, S.now);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

/* An abandoned FIN_WAIT_2 (peer never closes) does not hold its pcb for ever. */
void test_tcp_orphan_fin_wait_2_times_out(void)
{
    struct tcp_config c = cfg_small();
    tsim_init(&S, &c, &c, 0, 0, 23);
    S.link[0].delay_ms = S.link[1].delay_ms = 5;
    struct tcp_pcb *cli, *srv;
    CHECK(tsim_pair(&S, 80, &cli, &srv, NULL));
    uint16_t port = cli->lport;
    tcp_close(cli, S.now);
    tsim_idle(&S, S.now + 100);
    CHECK(slot(0, port) && slot(0, port)->state == TCP_FIN_WAIT_2);
    tsim_idle(&S, S.now + 2 * c.msl_ms + 100);
    CHECK(tsim_stack_empty(&S.st[0]));
    CHECK(tcp_state(srv) == TCP_CLOSE_WAIT);
    tcp_close(srv, S.now);                     /* its FIN meets no pcb: RST */
    tsim_idle(&S, S.now + 100);
    CHECK(S.st[0].cnt.no_port == 1);
    CHECK(tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

/* Events and tcp_poll as the socket layer sees them. */
void test_tcp_events_and_poll(void)
{
    struct tcp_config c = cfg_small();
    tsim_init(&S, &c, &c, 0, 0, 24);
    S.link[0].delay_ms = S.link[1].delay_ms = 5;
    struct tcp_pcb *l, *a;
    CHECK(tcp_listen(&S.st[1], 80, 2, &l) == 0);
    CHECK(tcp_poll(l) == 0 && !tcp_accept(l));
    CHECK(tcp_connect(&S.st[0], SIM_IP0, 0, SIM_IP1, 80, S.now, &a) == 0);
    CHECK(tcp_poll(a) == 0);
    CHECK(tcp_send(a, "early", 5, S.now) == 5);     /* queued until established */
    tsim_idle(&S, S.now + 100);
    CHECK(S.events[0] == (TCP_EV_CONNECTED | TCP_EV_WRITABLE));
    CHECK(tcp_poll(a) == (TCP_EV_CONNECTED | TCP_EV_WRITABLE));
    CHECK(S.events[1] == TCP_EV_ACCEPT);
    struct tcp_pcb *b = tcp_accept(l);
    CHECK(b && tcp_poll(b) == (TCP_EV_CONNECTED | TCP_EV_WRITABLE | TCP_EV_READABLE));
    S.events[1] = 0;
    CHECK(tcp_send(a, "more", 4, S.now) == 4);
    tsim_idle(&S, S.now + 100);
    CHECK(S.events[1] & TCP_EV_READABLE);
    char buf[16];
    CHECK(tcp_recv(b, buf, sizeof buf, S.now) == 9 && !memcmp(buf, "earlymore", 9));
    CHECK(tcp_recv(b, buf, sizeof buf, S.now) == MOTE_EAGAIN);
    CHECK(!(tcp_poll(b) & TCP_EV_READABLE));
    /* fill the send ring: not writable until the peer ACKs */
    static uint8_t big[20000];
    CHECK(tcp_send(b, big, sizeof big, S.now) == (int)c.sndbuf);
    CHECK(tcp_send(b, big, 1, S.now) == 0);
    CHECK(!(tcp_poll(b) & TCP_EV_WRITABLE));
    S.events[1] = 0;
    tsim_idle(&S, S.now + 200);                /* the last ACK is a delayed one */
    CHECK(S.events[1] & TCP_EV_WRITABLE);
    CHECK(tcp_poll(b) & TCP_EV_WRITABLE);
    struct tcp_info info;
    tcp_get_info(b, &info);
    CHECK_STR(info.state_name, "ESTABLISHED");
    CHECK(info.st.bytes_out == c.sndbuf && info.lport == 80 && info.rip == SIM_IP0);
    CHECK(info.srtt_ms >= 10 && info.srtt_ms <= 12 && info.rto_ms == 200);
    struct tcp_info all[TCP_MAX_PCBS];
    CHECK(tcp_netstat(&S.st[1], all, TCP_MAX_PCBS) == 2);   /* listener + connection */
    CHECK_STR(tcp_state_name(TCP_TIME_WAIT), "TIME_WAIT");
    tcp_close(a, S.now);
    tcp_close(b, S.now);
    tcp_close(l, S.now);
    tsim_idle(&S, S.now + 100000);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}

/* Many short connections closed by us: TIME_WAIT pcbs are taken over when the pool is full. */
void test_tcp_time_wait_recycled_under_churn(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 25);
    S.link[0].delay_ms = S.link[1].delay_ms = 5;
    struct tcp_pcb *l;
    CHECK(tcp_listen(&S.st[1], 80, 4, &l) == 0);
    for (int i = 0; i < 3 * TCP_MAX_PCBS; i++) {
        struct tcp_pcb *c, *a;
        CHECK(tcp_connect(&S.st[0], SIM_IP0, 0, SIM_IP1, 80, S.now, &c) == 0);
        tsim_idle(&S, S.now + 20);
        a = tcp_accept(l);
        CHECK(a && tcp_state(c) == TCP_ESTABLISHED);
        CHECK(tcp_send(c, "req", 3, S.now) == 3);
        tcp_close(c, S.now);
        tsim_idle(&S, S.now + 20);
        char b[8];
        CHECK(a && tcp_recv(a, b, sizeof b, S.now) == 3 && tcp_recv(a, b, sizeof b, S.now) == 0);
        if (a)
            tcp_close(a, S.now);
        tsim_idle(&S, S.now + 20);
    }
    int tw = 0;
    for (int i = 0; i < TCP_MAX_PCBS; i++)
        tw += S.st[0].pcbs[i].state == TCP_TIME_WAIT;
    CHECK(tw == TCP_MAX_PCBS);
    CHECK(S.st[1].cnt.passive_opens == 3 * TCP_MAX_PCBS);
    tcp_close(l, S.now);
    tsim_idle(&S, S.now + 2 * 30000 + 100);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    tsim_free(&S);
}
