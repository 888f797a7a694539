/*
 * Golden segment-level tests: one stack (side 0) and a peer the test plays
 * by hand (side 1, raw): crafted segments in, the exact segments out.
 */
#include <string.h>
#include "check.h"
#include "tcp_sim.h"

static struct tsim S;
static uint16_t lport;              /* the stack's port of the connection under test */
static uint32_t iss;                /* the stack's ISN */

#define PEER_ISS 5000u

/* A segment from the peer (port pport) to the stack's port dport. */
static void peer(uint16_t pport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                 uint16_t wnd, const void *opt, int optlen, const void *data, size_t len)
{
    tsim_inject(&S, 1, pport, dport, seq, ack, flags, wnd, opt, optlen, data, len);
}

/* The n-th segment the stack sent (negative: from the end); CHECKs that there is one. */
static struct seg_view out(int n)
{
    struct seg_view v;
    memset(&v, 0, sizeof v);
    CHECK(tsim_cap(&S, n < 0 ? S.ncap + n : n, &v) == 0);
    return v;
}

static const uint8_t opt_mss1000[] = { 2, 4, 0x03, 0xe8 };

/* Active open to the peer's port 80; the peer answers with SYN-ACK carrying opt. */
static struct tcp_pcb *open_active(const uint8_t *opt, int optlen)
{
    struct tcp_pcb *pcb = NULL;
    CHECK(tcp_connect(&S.st[0], SIM_IP0, 0, SIM_IP1, 80, S.now, &pcb) == 0);
    struct seg_view syn = out(-1);
    iss = syn.seq;
    lport = syn.sport;
    peer(80, lport, PEER_ISS, iss + 1, TH_SYN | TH_ACK, 65535, opt, optlen, NULL, 0);
    CHECK(tcp_state(pcb) == TCP_ESTABLISHED);
    return pcb;
}

void test_tcp_golden_syn_and_handshake(void)
{
    tsim_init(&S, NULL, NULL, 0, 1, 51);
    struct tcp_pcb *pcb;
    CHECK(tcp_connect(&S.st[0], SIM_IP0, 0, SIM_IP1, 80, S.now, &pcb) == 0);
    CHECK(S.ncap == 1);
    struct seg_view v = out(0);
    /* MSS 1460, NOP, WS 2 (128 KiB), NOP, NOP, SACK-permitted */
    static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 2, 1, 1, 4, 2 };
    CHECK(v.flags == TH_SYN && v.ack == 0 && v.hl == 32 && v.len == 0 && v.wnd == 65535);
    CHECK(!memcmp(S.cap[0] + 20, opts, sizeof opts) && get_be16(S.cap[0] + 18) == 0);
    CHECK(v.sport >= 49152 && v.dport == 80);
    CHECK(v.seq == tcp_isn(&S.st[0], SIM_IP0, v.sport, SIM_IP1, 80, S.now));
    iss = v.seq;
    lport = v.sport;
    /* SYN-ACK: MSS 1000, no window scaling */
    peer(80, lport, PEER_ISS, iss + 1, TH_SYN | TH_ACK, 20000, opt_mss1000, 4, NULL, 0);
    CHECK(tcp_state(pcb) == TCP_ESTABLISHED && S.ncap == 2);
    v = out(1);
    CHECK(v.flags == TH_ACK && v.seq == iss + 1 && v.ack == PEER_ISS + 1 && v.hl == 20);
    CHECK(v.wnd == 65535 && pcb->snd_wnd == 20000 && pcb->mss == 1000 && pcb->rcv_ws == 0);
    static uint8_t data[3000];
    CHECK(tcp_send(pcb, data, sizeof data, S.now) == 3000);
    CHECK(S.ncap == 5);                          /* initial window 4000 (4 x MSS 1000) */
    for (int i = 0; i < 3; i++) {
        v = out(2 + i);
        CHECK(v.len == 1000 && v.seq == iss + 1 + 1000u * (uint32_t)i);
        CHECK((v.flags & TH_PSH) == (i == 2 ? TH_PSH : 0));
    }
    tcp_abort(pcb, S.now);
    v = out(-1);
    CHECK(v.flags == (TH_RST | TH_ACK) && v.seq == iss + 3001 && v.ack == PEER_ISS + 1);
    CHECK(tsim_stack_empty(&S.st[0]));
    tsim_free(&S);
}

/* RFC 9293 3.10.7.1: what a closed port answers. */
void test_tcp_golden_rst_for_closed_port(void)
{
    tsim_init(&S, NULL, NULL, 0, 1, 52);
    peer(1234, 99, 1000, 0, TH_SYN, 1000, NULL, 0, NULL, 0);
    struct seg_view v = out(-1);
    CHECK(S.ncap == 1 && v.flags == (TH_RST | TH_ACK) && v.seq == 0 && v.ack == 1001);
    CHECK(v.sport == 99 && v.dport == 1234 && v.len == 0);
    peer(1234, 99, 5000, 7000, TH_ACK | TH_PSH, 1000, NULL, 0, "0123456789", 10);
    v = out(-1);
    CHECK(S.ncap == 2 && v.flags == TH_RST && v.seq == 7000);
    peer(1234, 99, 9000, 0, TH_FIN, 1000, NULL, 0, "abcde", 5);
    v = out(-1);
    CHECK(S.ncap == 3 && v.flags == (TH_RST | TH_ACK) && v.ack == 9006);
    peer(1234, 99, 9000, 0, TH_RST, 1000, NULL, 0, NULL, 0);     /* never RST a RST */
    peer(1234, 99, 9000, 1, TH_RST | TH_ACK, 1000, NULL, 0, NULL, 0);
    CHECK(S.ncap == 3);
    CHECK(S.st[0].cnt.no_port == 5 && S.st[0].cnt.rst_out == 3);
    /* a listener answers a stray ACK with RST too */
    struct tcp_pcb *l;
    CHECK(tcp_listen(&S.st[0], 99, 2, &l) == 0);
    peer(1234, 99, 100, 4242, TH_ACK, 1000, NULL, 0, NULL, 0);
    v = out(-1);
    CHECK(S.ncap == 4 && v.flags == TH_RST && v.seq == 4242);
    tcp_close(l, S.now);
    tsim_free(&S);
}

/* Malformed segments are dropped, counted by reason, and never answered. */
void test_tcp_golden_malformed_dropped_and_counted(void)
{
    tsim_init(&S, NULL, NULL, 0, 1, 53);
    struct tcp_pcb *l;
    CHECK(tcp_listen(&S.st[0], 80, 2, &l) == 0);
    uint8_t b[100];
    size_t n = seg_build(b, SIM_IP1, SIM_IP0, 1234, 80, 1, 0, TH_SYN, 1000, NULL, 0, NULL, 0);
    struct tcp_counters *c = &S.st[0].cnt;
    b[16] ^= 1;                                                /* checksum */
    tcp_input(&S.st[0], SIM_IP1, SIM_IP0, b, n, S.now);
    CHECK(c->bad_cksum == 1);
    tcp_input(&S.st[0], SIM_IP2_BOGUS, SIM_IP0, b, n, S.now);  /* pseudo header differs */
    CHECK(c->bad_cksum == 2);
    tcp_input(&S.st[0], SIM_IP1, SIM_IP0, b, 19, S.now);       /* short */
    CHECK(c->bad_hdr == 1);
    static const struct {
        uint8_t opt[8];
        int len;
    } bad_opts[] = {
        { { 2, 0 }, 4 },                       /* length 0 */
        { { 2, 1 }, 4 },                       /* length 1 */
        { { 2, 8, 0, 0 }, 4 },                 /* past the header */
        { { 2, 3, 5 }, 4 },                    /* MSS of length 3 */
        { { 3, 4, 1, 1 }, 4 },                 /* WS of length 4 */
        { { 1, 1, 1, 8 }, 4 },                 /* a kind with no room for its length */
    };
    for (size_t i = 0; i < sizeof bad_opts / sizeof bad_opts[0]; i++) {
        n = seg_build(b, SIM_IP1, SIM_IP0, 1234, 80, 1, 0, TH_SYN, 1000, bad_opts[i].opt,
                      bad_opts[i].len, NULL, 0);
        tcp_input(&S.st[0], SIM_IP1, SIM_IP0, b, n, S.now);
    }
    CHECK(c->bad_opt == 6);
    /* data offset below 5, and beyond the segment: rebuild the checksum so only that is wrong */
    for (int off = 0; off < 2; off++) {
        n = seg_build(b, SIM_IP1, SIM_IP0, 1234, 80, 1, 0, TH_SYN, 1000, NULL, 0, NULL, 0);
        b[12] = off ? 0xf0 : 0x40;
        put_be16(b + 16, 0);
        struct inet_sum s;
        inet_sum_init(&s, inet_pseudo(SIM_IP1, SIM_IP0, IPPROTO_TCP, (uint16_t)n));
        inet_sum_add(&s, b, n);
        put_be16(b + 16, inet_sum_final(&s));
        tcp_input(&S.st[0], SIM_IP1, SIM_IP0, b, n, S.now);
    }
    CHECK(c->bad_hdr == 3);
    peer(0, 80, 1, 0, TH_SYN, 1000, NULL, 0, NULL, 0);                  /* port 0 */
    peer(1234, 80, 1, 0, TH_SYN | TH_RST, 1000, NULL, 0, NULL, 0);
    peer(1234, 80, 1, 0, TH_SYN | TH_FIN, 1000, NULL, 0, NULL, 0);
    CHECK(c->bad_hdr == 6);
    CHECK(S.ncap == 0 && c->in_segs == 14 && c->passive_opens == 0);
    /* and the listener still works */
    peer(1234, 80, 1, 0, TH_SYN, 1000, NULL, 0, NULL, 0);
    CHECK(S.ncap == 1 && out(0).flags == (TH_SYN | TH_ACK));
    tcp_close(l, S.now);
    tsim_free(&S);
}

/* Passive open: the SYN-ACK echoes window scaling only when the SYN offered it. */
void test_tcp_golden_listen_synack(void)
{
    struct tcp_config c;
    tcp_config_default(&c);
    c.rcvbuf = 131072;                          /* needs shift 2 */
    tsim_init(&S, &c, NULL, 0, 1, 54);
    struct tcp_pcb *l;
    CHECK(tcp_listen(&S.st[0], 80, 4, &l) == 0);
    static const uint8_t syn_opts[] = { 2, 4, 0x04, 0xb0, 1, 3, 3, 7 };   /* MSS 1200, WS 7 */
    peer(3000, 80, 100, 0, TH_SYN, 8192, syn_opts, 8, NULL, 0);
    struct seg_view v = out(-1);
    static const uint8_t want[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 2 };
    CHECK(v.flags == (TH_SYN | TH_ACK) && v.ack == 101 && v.hl == 28 && v.wnd == 65535);
    CHECK(!memcmp(S.cap[S.ncap - 1] + 20, want, sizeof want));
    uint32_t s_iss = v.seq;
    CHECK(!tcp_accept(l));
    peer(3000, 80, 101, s_iss + 1, TH_ACK, 100, NULL, 0, NULL, 0);
    struct tcp_pcb *a = tcp_accept(l);
    CHECK(a && tcp_state(a) == TCP_ESTABLISHED);
    CHECK(a && a->snd_wnd == 100u << 7 && a->mss == 1200 && a->rcv_ws == 2);
    peer(3000, 80, 101, s_iss + 1, TH_ACK | TH_PSH, 100, NULL, 0, "hello", 5);
    char buf[8];
    CHECK(a && tcp_recv(a, buf, sizeof buf, S.now) == 5 && !memcmp(buf, "hello", 5));
    /* no WS in the SYN: none in the SYN-ACK, and no scaling either way */
    peer(3001, 80, 900, 0, TH_SYN, 8192, opt_mss1000, 4, NULL, 0);
    v = out(-1);
    CHECK(v.flags == (TH_SYN | TH_ACK) && v.hl == 24 && v.ws == -1 && v.mss == 1460);
    peer(3001, 80, 901, v.seq + 1, TH_ACK, 100, NULL, 0, NULL, 0);
    struct tcp_pcb *b = tcp_accept(l);
    CHECK(b && b->snd_ws == 0 && b->rcv_ws == 0 && b->snd_wnd == 100);
    peer(3001, 80, 901, v.seq + 1, TH_ACK, 100, NULL, 0, "x", 1);
    tsim_idle(&S, S.now + 1000);                  /* the delayed ACK: window capped at 65535 */
    v = out(-1);
    CHECK(v.flags == TH_ACK && v.ack == 902 && v.wnd == 65534);   /* right edge kept */
    tcp_abort(a, S.now);
    tcp_abort(b, S.now);
    tcp_close(l, S.now);
    CHECK(tsim_stack_empty(&S.st[0]));
    tsim_free(&S);
}

/* RFC 5961: blind RST, SYN and ACK injection. */
void test_tcp_golden_rfc5961(void)
{
    tsim_init(&S, NULL, NULL, 0, 1, 55);
    struct tcp_pcb *pcb = open_active(NULL, 0);
    uint32_t nxt = PEER_ISS + 1;
    int n0 = S.ncap;
    peer(80, lport, nxt + 100, 0, TH_RST, 0, NULL, 0, NULL, 0);        /* in window, not exact */
    struct seg_view v = out(-1);
    CHECK(S.ncap == n0 + 1 && v.flags == TH_ACK && v.seq == iss + 1 && v.ack == nxt);
    CHECK(tcp_state(pcb) == TCP_ESTABLISHED && S.st[0].cnt.challenge_acks == 1);
    peer(80, lport, nxt + 200000, 0, TH_RST, 0, NULL, 0, NULL, 0);     /* outside: silence */
    CHECK(S.ncap == n0 + 1 && tcp_state(pcb) == TCP_ESTABLISHED);
    peer(80, lport, nxt + 5, 0, TH_SYN, 1000, NULL, 0, NULL, 0);        /* SYN: challenge */
    CHECK(S.ncap == n0 + 2 && out(-1).flags == TH_ACK && tcp_state(pcb) == TCP_ESTABLISHED);
    peer(80, lport, nxt, iss + 1000, TH_ACK, 1000, NULL, 0, "evil", 4);  /* acks unsent data */
    CHECK(S.ncap == n0 + 3 && out(-1).ack == nxt);
    peer(80, lport, nxt, iss - 200000, TH_ACK, 1000, NULL, 0, "old!", 4); /* ack far too old */
    CHECK(S.ncap == n0 + 4 && out(-1).ack == nxt);
    char b[8];
    CHECK(tcp_recv(pcb, b, sizeof b, S.now) == MOTE_EAGAIN);
    CHECK(S.st[0].cnt.drop_seq == 3);      /* the RST outside and the two ACKs */
    /* rate limit: at most 100 challenge ACKs a second */
    for (int i = 0; i < 150; i++)
        peer(80, lport, nxt + 10, 0, TH_RST, 0, NULL, 0, NULL, 0);
    CHECK(S.st[0].cnt.challenge_acks == 100);
    S.now += 1000;
    peer(80, lport, nxt + 10, 0, TH_RST, 0, NULL, 0, NULL, 0);
    CHECK(S.st[0].cnt.challenge_acks == 101);
    int n1 = S.ncap;
    peer(80, lport, nxt, 0, TH_RST, 0, NULL, 0, NULL, 0);               /* exact: reset */
    CHECK(S.ncap == n1 && tcp_state(pcb) == TCP_CLOSED && tcp_error(pcb) == TCP_ECONNRESET);
    tcp_close(pcb, S.now);
    CHECK(tsim_stack_empty(&S.st[0]));
    tsim_free(&S);
}

/* RFC 9293 figure 8: SYNs cross; each side answers SYN-ACK with its own ISS. */
void test_tcp_golden_simultaneous_open(void)
{
    tsim_init(&S, NULL, NULL, 0, 1, 56);
    struct tcp_pcb *pcb;
    CHECK(tcp_connect(&S.st[0], SIM_IP0, 7000, SIM_IP1, 80, S.now, &pcb) == 0);
    iss = out(-1).seq;
    peer(80, 7000, PEER_ISS, 0, TH_SYN, 4000, opt_mss1000, 4, NULL, 0);
    CHECK(tcp_state(pcb) == TCP_SYN_RCVD);
    struct seg_view v = out(-1);
    CHECK(v.flags == (TH_SYN | TH_ACK) && v.seq == iss && v.ack == PEER_ISS + 1 && v.mss == 1460);
    peer(80, 7000, PEER_ISS, iss + 1, TH_SYN | TH_ACK, 4000, opt_mss1000, 4, NULL, 0);
    CHECK(tcp_state(pcb) == TCP_ESTABLISHED && pcb->mss == 1000);
    CHECK(S.events[0] & TCP_EV_CONNECTED);
    CHECK(tcp_send(pcb, "hi", 2, S.now) == 2);
    v = out(-1);
    CHECK(v.len == 2 && v.seq == iss + 1 && v.ack == PEER_ISS + 1);
    tcp_abort(pcb, S.now);
    tsim_free(&S);
}

/* SYN_SENT: a bad ACK draws RST; a RST without ACK is ignored; with a good ACK it refuses. */
void test_tcp_golden_syn_sent_checks(void)
{
    tsim_init(&S, NULL, NULL, 0, 1, 57);
    struct tcp_pcb *pcb;
    CHECK(tcp_connect(&S.st[0], SIM_IP0, 0, SIM_IP1, 80, S.now, &pcb) == 0);
    struct seg_view syn = out(-1);
    iss = syn.seq;
    lport = syn.sport;
    peer(80, lport, PEER_ISS, iss + 5, TH_SYN | TH_ACK, 1000, NULL, 0, NULL, 0);
    struct seg_view v = out(-1);
    CHECK(S.ncap == 2 && v.flags == TH_RST && v.seq == iss + 5 && tcp_state(pcb) == TCP_SYN_SENT);
    peer(80, lport, PEER_ISS, 0, TH_RST, 0, NULL, 0, NULL, 0);
    CHECK(S.ncap == 2 && tcp_state(pcb) == TCP_SYN_SENT);
    peer(80, lport, 0, iss + 1, TH_RST | TH_ACK, 0, NULL, 0, NULL, 0);
    CHECK(S.ncap == 2 && tcp_state(pcb) == TCP_CLOSED && tcp_error(pcb) == TCP_ECONNREFUSED);
    tcp_close(pcb, S.now);
    CHECK(tsim_stack_empty(&S.st[0]));
    tsim_free(&S);
}

/* TIME_WAIT: a retransmitted FIN is ACKed and restarts 2*MSL; a RST does not end it (RFC 1337). */
void test_tcp_golden_time_wait(void)
{
    struct tcp_config c;
    tcp_config_default(&c);
    c.msl_ms = 1000;
    tsim_init(&S, &c, NULL, 0, 1, 58);
    struct tcp_pcb *pcb = open_active(NULL, 0);
    tcp_close(pcb, S.now);
    struct seg_view v = out(-1);
    CHECK(v.flags == (TH_FIN | TH_ACK) && v.seq == iss + 1);
    peer(80, lport, PEER_ISS + 1, iss + 2, TH_FIN | TH_ACK, 1000, NULL, 0, NULL, 0);
    v = out(-1);
    CHECK(v.flags == TH_ACK && v.ack == PEER_ISS + 2 && pcb->state == TCP_TIME_WAIT);
    uint64_t t0 = S.now;
    S.now += 1500;
    int n0 = S.ncap;
    peer(80, lport, PEER_ISS + 1, iss + 2, TH_FIN | TH_ACK, 1000, NULL, 0, NULL, 0);
    CHECK(S.ncap == n0 + 1 && out(-1).ack == PEER_ISS + 2);
    peer(80, lport, PEER_ISS + 2, 0, TH_RST, 0, NULL, 0, NULL, 0);
    CHECK(pcb->state == TCP_TIME_WAIT);
    tsim_idle(&S, t0 + 2000 + 1000);
    CHECK(pcb->state == TCP_TIME_WAIT);        /* restarted at t0 + 1500 */
    tsim_idle(&S, t0 + 1500 + 2000);
    CHECK(tsim_stack_empty(&S.st[0]));
    tsim_free(&S);
}

/* Data beyond the window is cut to it; what is past is dropped and ACKed. */
void test_tcp_golden_window_enforced(void)
{
    struct tcp_config c;
    tcp_config_default(&c);
    c.rcvbuf = 4096;
    tsim_init(&S, &c, NULL, 0, 1, 59);
    struct tcp_pcb *pcb = open_active(NULL, 0);
    static uint8_t big[6000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)i;
    uint32_t nxt = PEER_ISS + 1;
    peer(80, lport, nxt, iss + 1, TH_ACK, 1000, NULL, 0, big, sizeof big);
    CHECK(pcb->rlen == 4096 && pcb->rcv_nxt == nxt + 4096);
    uint32_t drops = S.st[0].cnt.drop_seq;
    peer(80, lport, nxt + 4096 + 0x80000000u - 10, iss + 1, TH_ACK, 1000, NULL, 0, big, 10);
    CHECK(S.st[0].cnt.drop_seq == drops + 1 && pcb->nooo == 0);   /* 2^31 away: not "in" */
    peer(80, lport, nxt + 5000, iss + 1, TH_ACK, 1000, NULL, 0, big, 10);   /* beyond: ACK */
    struct seg_view v = out(-1);
    CHECK(v.flags == TH_ACK && v.ack == nxt + 4096 && v.wnd == 0);
    static uint8_t got[5000];
    CHECK(tcp_recv(pcb, got, sizeof got, S.now) == 4096 && !memcmp(got, big, 4096));
    v = out(-1);                                   /* the window update */
    CHECK(v.flags == TH_ACK && v.wnd == 4096);
    /* out of order: kept at its place, gap ACKed at once, then filled */
    peer(80, lport, nxt + 4096 + 100, iss + 1, TH_ACK, 1000, NULL, 0, big + 100, 100);
    CHECK(out(-1).ack == nxt + 4096 && pcb->nooo == 1 && pcb->rlen == 0);
    peer(80, lport, nxt + 4096, iss + 1, TH_ACK, 1000, NULL, 0, big, 100);
    CHECK(out(-1).ack == nxt + 4096 + 200 && pcb->nooo == 0 && pcb->rlen == 200);
    CHECK(tcp_recv(pcb, got, sizeof got, S.now) == 200 && !memcmp(got, big, 200));
    tcp_abort(pcb, S.now);
    tsim_free(&S);
}

/* RFC 6528: ISNs differ per connection and key, and advance with the 4 us clock. */
void test_tcp_isn_rfc6528(void)
{
    tsim_init(&S, NULL, NULL, 0, 0, 60);
    uint32_t a = tcp_isn(&S.st[0], SIM_IP0, 50000, SIM_IP1, 80, 1000);
    uint32_t b = tcp_isn(&S.st[0], SIM_IP0, 50001, SIM_IP1, 80, 1000);
    uint32_t c = tcp_isn(&S.st[1], SIM_IP0, 50000, SIM_IP1, 80, 1000);
    CHECK(a != b && a != c && b - a != 1);
    CHECK(tcp_isn(&S.st[0], SIM_IP0, 50000, SIM_IP1, 80, 1010) - a == 2500);
    tsim_free(&S);
}

/* A new SYN for a pair in TIME_WAIT, beyond its sequence space, opens a new connection. */
void test_tcp_golden_time_wait_reuse(void)
{
    tsim_init(&S, NULL, NULL, 0, 1, 61);
    struct tcp_pcb *l;
    CHECK(tcp_listen(&S.st[0], 80, 2, &l) == 0);
    peer(3000, 80, 100, 0, TH_SYN, 8192, NULL, 0, NULL, 0);
    uint32_t s_iss = out(-1).seq;
    peer(3000, 80, 101, s_iss + 1, TH_ACK, 8192, NULL, 0, NULL, 0);
    struct tcp_pcb *a = tcp_accept(l);
    CHECK(a != NULL);
    tcp_close(a, S.now);                               /* we close first: TIME_WAIT here */
    peer(3000, 80, 101, s_iss + 2, TH_FIN | TH_ACK, 8192, NULL, 0, NULL, 0);
    CHECK(a->state == TCP_TIME_WAIT);
    peer(3000, 80, 50, 0, TH_SYN, 8192, NULL, 0, NULL, 0);         /* old sequence: refused */
    CHECK(a->state == TCP_TIME_WAIT && out(-1).flags == TH_ACK);
    peer(3000, 80, 100000, 0, TH_SYN, 8192, NULL, 0, NULL, 0);     /* new: accepted */
    struct seg_view v = out(-1);
    CHECK(v.flags == (TH_SYN | TH_ACK) && v.ack == 100001);
    peer(3000, 80, 100001, v.seq + 1, TH_ACK, 8192, NULL, 0, NULL, 0);
    struct tcp_pcb *b = tcp_accept(l);
    CHECK(b && tcp_state(b) == TCP_ESTABLISHED);
    if (b)
        tcp_abort(b, S.now);
    tcp_close(l, S.now);
    CHECK(tsim_stack_empty(&S.st[0]));
    tsim_free(&S);
}

/*
 * SACK (RFC 2018), the receiver's half: a SYN offering SACK-permitted gets
 * it back; out-of-order data is reported in SACK blocks on the ACKs, the
 * block with the latest segment first; the blocks go once the hole is filled.
 * A SYN without it gets none, and no blocks.
 */
void test_tcp_golden_sack_blocks(void)
{
    tsim_init(&S, NULL, NULL, 0, 1, 58);
    struct tcp_pcb *l;
    CHECK(tcp_listen(&S.st[0], 80, 4, &l) == 0);
    static const uint8_t syn_opts[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };   /* MSS 1460, SACK-permitted */
    peer(3000, 80, 100, 0, TH_SYN, 8192, syn_opts, 8, NULL, 0);
    struct seg_view v = out(-1);
    static const uint8_t want[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };
    CHECK(v.flags == (TH_SYN | TH_ACK) && v.hl == 28);
    CHECK(!memcmp(S.cap[S.ncap - 1] + 20, want, sizeof want));
    uint32_t s_iss = v.seq;
    peer(3000, 80, 101, s_iss + 1, TH_ACK, 8192, NULL, 0, NULL, 0);
    struct tcp_pcb *a = tcp_accept(l);
    CHECK(a && tcp_state(a) == TCP_ESTABLISHED);
    static uint8_t d[100];
    /* bytes 101..200 lost; 201..300 and then 401..500 arrive: two blocks, 401 first */
    peer(3000, 80, 201, s_iss + 1, TH_ACK, 8192, NULL, 0, d, 100);
    v = out(-1);
    CHECK(v.flags == TH_ACK && v.ack == 101 && v.hl == 32);
    static const uint8_t one[] = { 1, 1, 5, 10, 0, 0, 0, 201, 0, 0, 1, 45 };
    CHECK(!memcmp(S.cap[S.ncap - 1] + 20, one, sizeof one));
    peer(3000, 80, 401, s_iss + 1, TH_ACK, 8192, NULL, 0, d, 100);
    v = out(-1);
    CHECK(v.ack == 101 && v.hl == 40);
    static const uint8_t two[] = { 1, 1, 5, 18, 0, 0, 1, 145, 0, 0, 1, 245, 0, 0, 0, 201, 0, 0, 1, 45 };
    CHECK(!memcmp(S.cap[S.ncap - 1] + 20, two, sizeof two));
    /* 301..400 joins the two ranges: one block, 201..501 */
    peer(3000, 80, 301, s_iss + 1, TH_ACK, 8192, NULL, 0, d, 100);
    v = out(-1);
    static const uint8_t joined[] = { 1, 1, 5, 10, 0, 0, 0, 201, 0, 0, 1, 245 };
    CHECK(v.ack == 101 && v.hl == 32 && !memcmp(S.cap[S.ncap - 1] + 20, joined, sizeof joined));
    /* the hole filled: everything ACKed, no blocks */
    peer(3000, 80, 101, s_iss + 1, TH_ACK, 8192, NULL, 0, d, 100);
    v = out(-1);
    CHECK(v.flags == TH_ACK && v.ack == 501 && v.hl == 20);
    /* a SYN without SACK-permitted: none back, and no blocks on its ACKs */
    peer(3001, 80, 900, 0, TH_SYN, 8192, opt_mss1000, 4, NULL, 0);
    v = out(-1);
    CHECK(v.flags == (TH_SYN | TH_ACK) && v.hl == 24);
    peer(3001, 80, 901, v.seq + 1, TH_ACK, 8192, NULL, 0, NULL, 0);
    struct tcp_pcb *b = tcp_accept(l);
    CHECK(b != NULL);
    peer(3001, 80, 1001, v.seq + 1, TH_ACK, 8192, NULL, 0, d, 100);
    v = out(-1);
    CHECK(v.flags == TH_ACK && v.ack == 901 && v.hl == 20);
    tsim_free(&S);
}

/*
 * Duplicate ACKs whose window moves (Linux grows its window as out-of-order
 * data arrives) still count when their SACK blocks report data beyond the
 * hole: the third starts fast retransmit. Without blocks they would not.
 */
void test_tcp_golden_sack_dupacks(void)
{
    tsim_init(&S, NULL, NULL, 0, 1, 59);
    static const uint8_t sackok[] = { 2, 4, 0x03, 0xe8, 1, 1, 4, 2 };      /* MSS 1000, SACK-permitted */
    struct tcp_pcb *pcb = open_active(sackok, 8);
    static uint8_t data[4000];
    CHECK(tcp_send(pcb, data, sizeof data, S.now) == 4000);
    int sent = S.ncap;
    CHECK(out(-1).seq == iss + 3001);                       /* four segments out */
    /* the first is lost: three ACKs of iss + 1, each a bigger window, each SACKing more */
    for (uint32_t k = 1; k <= 3; k++) {
        uint8_t opt[12] = { 1, 1, 5, 10 };
        put_be32(opt + 4, iss + 1001);
        put_be32(opt + 8, iss + 1001 + 1000 * k);
        peer(80, lport, PEER_ISS + 1, iss + 1, TH_ACK, (uint16_t)(20000 + 1000 * k), opt, 12, NULL, 0);
    }
    int again = 0;
    for (int i = sent; i < S.ncap; i++) {
        struct seg_view v = out(i);
        again += v.seq == iss + 1 && v.len == 1000;         /* fast retransmit, no timeout */
    }
    CHECK(again == 1);
    CHECK(pcb->st.fast_rexmits == 1 && pcb->st.timeouts == 0);
    tcp_abort(pcb, S.now);
    tsim_free(&S);
}

/*
 * The connection's first TCP_QUICKACKS data segments: each ACKed at once,
 * even inside a batch. After them, tcp_batch: in-order data owes its ACK at
 * the end of the batch (up to a quarter of the receive buffer, 8 KiB here),
 * not every second segment; out-of-order data is still ACKed at once.
 * Outside a batch: every second.
 */
void test_tcp_golden_ack_batch(void)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.rcvbuf = 32768;
    tsim_init(&S, &cfg, NULL, 0, 1, 60);
    struct tcp_pcb *l, *c;
    CHECK(tcp_listen(&S.st[0], 80, 4, &l) == 0);
    peer(3000, 80, 100, 0, TH_SYN, 65535, opt_mss1000, 4, NULL, 0);
    uint32_t s_iss = out(-1).seq;
    peer(3000, 80, 101, s_iss + 1, TH_ACK, 65535, NULL, 0, NULL, 0);
    CHECK((c = tcp_accept(l)) != NULL);
    static uint8_t d[1000];
    uint32_t seq = 101;
    int before = S.ncap;
    tcp_batch(&S.st[0], 1, S.now);
    for (int i = 0; i < TCP_QUICKACKS; i++, seq += 1000) {
        peer(3000, 80, seq, s_iss + 1, TH_ACK, 65535, NULL, 0, d, 1000);
        CHECK(S.ncap == before + i + 1 && out(-1).ack == seq + 1000);
    }
    tcp_batch(&S.st[0], 0, S.now);
    static uint8_t sink[TCP_QUICKACKS * 1000];
    CHECK(tcp_recv(c, sink, sizeof sink, S.now) == (int)sizeof sink);   /* room again */
    before = S.ncap;
    tcp_batch(&S.st[0], 1, S.now);
    for (int i = 0; i < 4; i++, seq += 1000)
        peer(3000, 80, seq, s_iss + 1, TH_ACK, 65535, NULL, 0, d, 1000);
    CHECK(S.ncap == before);                              /* 4 segments, no ACK yet */
    tcp_batch(&S.st[0], 0, S.now);
    CHECK(S.ncap == before + 1 && out(-1).ack == seq);     /* one, for all of them */
    /* a long batch: an ACK once 8 KiB (a quarter of 32 KiB) are owed, and one at the end */
    before = S.ncap;
    tcp_batch(&S.st[0], 1, S.now);
    for (int i = 0; i < 10; i++, seq += 1000)
        peer(3000, 80, seq, s_iss + 1, TH_ACK, 65535, NULL, 0, d, 1000);
    CHECK(S.ncap == before + 1 && out(-1).ack == seq - 1000);   /* after the 9th */
    /* out of order inside a batch: at once */
    peer(3000, 80, seq + 1000, s_iss + 1, TH_ACK, 65535, NULL, 0, d, 1000);
    CHECK(S.ncap == before + 2 && out(-1).ack == seq);
    tcp_batch(&S.st[0], 0, S.now);
    CHECK(S.ncap == before + 2);                          /* nothing more owed */
    /* outside a batch: every second segment */
    peer(3000, 80, seq, s_iss + 1, TH_ACK, 65535, NULL, 0, d, 1000);   /* fills the hole */
    before = S.ncap;
    seq += 2000;
    peer(3000, 80, seq, s_iss + 1, TH_ACK, 65535, NULL, 0, d, 1000);
    CHECK(S.ncap == before);
    peer(3000, 80, seq + 1000, s_iss + 1, TH_ACK, 65535, NULL, 0, d, 1000);
    CHECK(S.ncap == before + 1 && out(-1).ack == seq + 2000);
    tsim_free(&S);
}
