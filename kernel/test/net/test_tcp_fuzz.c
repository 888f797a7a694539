/*
 * Fuzzing tcp_input: two stacks run real connections in every state
 * (random user calls, a lossy reordering link, time jumps) while random,
 * mutated and crafted-near-the-window segments are fed to both. After every
 * step the pcbs' invariants must hold; at the end, with every handle
 * closed, both stacks must drain to empty (nothing leaked, nothing wedged).
 * ASan/UBSan catch the rest. TCP_FUZZ_ITERS sets the segment count.
 */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "tcp_sim.h"

static struct tsim S;

#define HELD_MAX 24
#define RING 64

static struct {
    struct tcp_pcb *pcb[HELD_MAX];
    int side[HELD_MAX];
    int n;
} held;

static struct {
    uint8_t seg[RING][SIM_SEGMAX];
    uint16_t len[RING];
    uint8_t from[RING];
    unsigned n;
} ring;

static unsigned long fuzzed, bad_invariants;
static unsigned long in_state[TCP_TIME_WAIT + 1];   /* crafted segments per target state */

static uint32_t rnd(uint32_t n)
{
    return n ? tsim_rand(&S) % n : 0;
}

static int keep_tap(struct tsim *s, int from, const uint8_t *seg, size_t len)
{
    (void)s;
    unsigned i = ring.n++ % RING;
    memcpy(ring.seg[i], seg, len);
    ring.len[i] = (uint16_t)len;
    ring.from[i] = (uint8_t)from;
    return 0;
}

static void hold(int side, struct tcp_pcb *pcb)
{
    if (held.n < HELD_MAX) {
        held.pcb[held.n] = pcb;
        held.side[held.n++] = side;
    } else {
        tcp_abort(pcb, S.now);
    }
}

static void unhold(int i)
{
    held.pcb[i] = held.pcb[--held.n];
    held.side[i] = held.side[held.n];
}

#define INV(cond) \
    do { if (!(cond)) { CHECK(cond); bad_invariants++; } } while (0)

static void check_stack(const struct tcp_stack *ts)
{
    int used[TCP_MAX_PCBS] = { 0 };
    const struct tcp_config *c = &ts->cfg;
    for (int i = 0; i < TCP_MAX_PCBS; i++) {
        const struct tcp_pcb *p = &ts->pcbs[i];
        INV(p->state <= TCP_TIME_WAIT);
        if (p->buf >= 0) {
            INV(p->buf < c->nbufs && !used[p->buf] && ts->buf_used[p->buf]);
            used[p->buf] = 1;
            INV(p->sbuf == ts->mem + (size_t)p->buf * (c->sndbuf + c->rcvbuf));
        }
        if (p->state == TCP_CLOSED && !(p->flags & PF_USER)) {
            INV(p->buf == -1 && p->t_rto == 0 && !p->parent);   /* a free slot */
            continue;
        }
        if (p->state >= TCP_SYN_SENT && p->state <= TCP_LAST_ACK)
            INV(p->buf >= 0);
        if (p->parent)
            INV(p->parent->state == TCP_LISTEN && p->parent->ts == ts);
        if (p->state <= TCP_LISTEN)
            continue;
        INV(p->slen <= c->sndbuf && p->rlen <= c->rcvbuf && p->nooo <= TCP_OOO_MAX);
        INV(SEQ_LEQ(p->snd_una, p->snd_nxt) && SEQ_LEQ(p->snd_nxt, p->snd_max));
        INV(p->snd_una - p->sbase + 1 <= 2);         /* sbase - 1 .. sbase + 1 */
        INV(SEQ_LEQ(p->snd_max, p->sbase + p->slen + 1));
        INV(p->rto >= TCP_RTO_MIN && p->rto <= TCP_RTO_MAX && p->mss >= TCP_MSS_MIN);
        INV(p->mss <= c->mss && p->cwnd <= (1u << 30));
        /* work outstanding (a SYN, data or FIN unacknowledged or unsent) always has a timer */
        int st = p->state;
        if (st == TCP_SYN_SENT || st == TCP_SYN_RCVD ||
            ((st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT || st == TCP_FIN_WAIT_1 ||
              st == TCP_CLOSING || st == TCP_LAST_ACK) &&
             (p->snd_max != p->snd_una || SEQ_LT(p->snd_nxt, p->sbase + p->slen))))
            INV(p->t_rto != 0);
        if (st == TCP_TIME_WAIT || (st == TCP_FIN_WAIT_2 && !(p->flags & PF_USER)))
            INV(p->t_rto != 0);
        if (p->rbuf)
            for (int k = 0; k < p->nooo; k++) {
                INV(SEQ_GT(p->ooo[k].start, p->rcv_nxt));
                INV(SEQ_LT(p->ooo[k].start, p->ooo[k].end));
                INV(SEQ_LEQ(p->ooo[k].end, p->rcv_nxt + c->rcvbuf - p->rlen));
                if (!SEQ_LEQ(p->ooo[k].end, p->rcv_nxt + c->rcvbuf - p->rlen))
                    fprintf(stderr, "%s ooo %u-%u rcv_nxt %u rlen %u nooo %d flags %x\n",
                            tcp_state_name(p->state), p->ooo[k].start, p->ooo[k].end,
                            p->rcv_nxt, p->rlen, p->nooo, p->flags);
            }
    }
    for (int b = 0; b < c->nbufs; b++)
        INV(used[b] == ts->buf_used[b]);
}

static void fix_cksum(uint8_t *b, size_t n, uint32_t src, uint32_t dst)
{
    if (n < 18)
        return;
    put_be16(b + 16, 0);
    struct inet_sum s;
    inet_sum_init(&s, inet_pseudo(src, dst, IPPROTO_TCP, (uint16_t)n));
    inet_sum_add(&s, b, n);
    put_be16(b + 16, inet_sum_final(&s));
}

/* Some option bytes: valid ones, unknown ones, and garbage. */
static int random_options(uint8_t *o)
{
    int n = 0;
    switch (rnd(6)) {
    case 0:
        return 0;
    case 1:
        o[n++] = 2, o[n++] = 4, put_be16(o + n, (uint16_t)rnd(3000)), n += 2;
        break;
    case 2:
        o[n++] = 1, o[n++] = 3, o[n++] = 3, o[n++] = (uint8_t)rnd(20);
        break;
    case 3:
        o[n++] = 4, o[n++] = 2, o[n++] = 8, o[n++] = 10;      /* SACK-permitted, timestamps */
        for (int i = 0; i < 8; i++)
            o[n++] = (uint8_t)rnd(256);
        break;
    default:
        n = (int)rnd(40);
        for (int i = 0; i < n; i++)
            o[i] = (uint8_t)rnd(6);
    }
    return n;
}

/* A segment aimed at a pcb: its 4-tuple, sequence numbers near its windows, any flags. */
static void craft(int to)
{
    struct tcp_stack *ts = &S.st[to];
    const struct tcp_pcb *p = &ts->pcbs[rnd(TCP_MAX_PCBS)];
    if (p->state == TCP_CLOSED)
        return;
    in_state[p->state]++;
    static const int32_t deltas[] = { 0, 0, 0, 1, -1, 100, -100, 1460, -1460, 30000, -30000,
                                      65536, 1 << 30 };
    int32_t d1 = deltas[rnd(13)], d2 = deltas[rnd(13)];
    uint32_t seq = p->rcv_nxt + (uint32_t)d1;
    uint32_t ack = (rnd(2) ? p->snd_una : p->snd_max) + (uint32_t)d2;
    if (rnd(8) == 0)
        seq = tsim_rand(&S);
    uint8_t flags = rnd(4) ? TH_ACK : 0;
    static const uint8_t extra[] = { 0, 0, 0, TH_PSH, TH_FIN, TH_RST, TH_SYN, TH_URG, 0x3f };
    flags |= extra[rnd(9)];
    uint8_t opt[40];
    int optlen = random_options(opt);
    static uint8_t data[3000];
    size_t len = rnd(3) ? 0 : rnd(sizeof data);
    uint16_t sport = p->state == TCP_LISTEN ? (uint16_t)(1 + rnd(4)) : p->rport;
    static uint8_t b[3100];
    size_t n = seg_build(b, S.ip[!to], S.ip[to], sport, p->lport, seq, ack, flags,
                         (uint16_t)tsim_rand(&S), opt, optlen, data, len);
    tcp_input(ts, S.ip[!to], S.ip[to], b, n, S.now);
}

/* A segment seen on the wire, mutated, to either side. */
static void mutate(void)
{
    if (!ring.n)
        return;
    unsigned i = rnd(ring.n < RING ? ring.n : RING);
    static uint8_t b[SIM_SEGMAX];
    size_t n = ring.len[i];
    memcpy(b, ring.seg[i], n);
    int to = rnd(5) ? !ring.from[i] : ring.from[i];
    for (uint32_t k = 1 + rnd(3); k--;) {
        switch (rnd(6)) {
        case 0:
            b[rnd((uint32_t)n)] ^= (uint8_t)(1u << rnd(8));
            break;
        case 1:
            b[13] = (uint8_t)rnd(64);
            break;
        case 2:
            put_be32(b + 4, get_be32(b + 4) + (uint32_t)rnd(4000) - 2000);
            break;
        case 3:
            put_be32(b + 8, get_be32(b + 8) + (uint32_t)rnd(4000) - 2000);
            break;
        case 4:
            b[12] = (uint8_t)(rnd(16) << 4);
            break;
        default:
            n = rnd((uint32_t)n + 1);
        }
    }
    if (rnd(10))
        fix_cksum(b, n, S.ip[!to], S.ip[to]);
    tcp_input(&S.st[to], S.ip[!to], S.ip[to], b, n, S.now);
}

/* Pure noise, now and then with a valid checksum. */
static void noise(void)
{
    static uint8_t b[120];
    size_t n = rnd(sizeof b);
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)tsim_rand(&S);
    int to = (int)rnd(2);
    if (rnd(2))
        fix_cksum(b, n, S.ip[!to], S.ip[to]);
    tcp_input(&S.st[to], S.ip[!to], S.ip[to], b, n, S.now);
}

static void user_op(void)
{
    static uint8_t buf[6000];
    int side = (int)rnd(2);
    struct tcp_pcb *pcb;
    switch (rnd(12)) {
    case 0:
        if (tcp_connect(&S.st[side], S.ip[side], rnd(3) ? 0 : (uint16_t)(80 + rnd(3)),
                        S.ip[!side], (uint16_t)(80 + rnd(3)), S.now, &pcb) == 0)
            hold(side, pcb);
        return;
    case 1:
        if (tcp_listen(&S.st[side], (uint16_t)(80 + rnd(3)), 1 + (int)rnd(3), &pcb) == 0)
            hold(side, pcb);
        return;
    default:
        break;
    }
    if (!held.n)
        return;
    int i = (int)rnd((uint32_t)held.n);
    pcb = held.pcb[i];
    switch (rnd(10)) {
    case 0:
    case 1:
    case 2:
        tcp_send(pcb, buf, rnd(sizeof buf), S.now);
        break;
    case 3:
    case 4:
        tcp_recv(pcb, buf, rnd(sizeof buf), S.now);
        break;
    case 5:
        if (tcp_state(pcb) == TCP_LISTEN) {
            struct tcp_pcb *c = tcp_accept(pcb);
            if (c)
                hold(held.side[i], c);
        } else {
            tcp_shutdown(pcb, S.now);
        }
        break;
    case 6:
        tcp_set_nodelay(pcb, (int)rnd(2));
        tcp_set_keepalive(pcb, (int)rnd(2), S.now);
        break;
    case 7:
        tcp_poll(pcb);
        break;
    case 8:
        unhold(i);
        tcp_close(pcb, S.now);
        break;
    default:
        if (rnd(3) == 0) {
            unhold(i);
            tcp_abort(pcb, S.now);
        }
    }
}

static unsigned long fuzz_round(uint32_t seed, unsigned long budget)
{
    struct tcp_config c;
    tcp_config_default(&c);
    c.sndbuf = c.rcvbuf = 4096;
    c.mss = 536;
    c.nbufs = 6;
    c.msl_ms = 2000;
    c.keep_idle_ms = 3000;
    c.keep_intvl_ms = 500;
    c.keep_cnt = 2;
    c.syn_retries = 3;
    c.data_retries = 5;
    tsim_init(&S, &c, &c, 0, 0, seed);
    for (int i = 0; i < 2; i++) {
        S.link[i].delay_ms = 1 + rnd(20);
        S.link[i].loss_pm = rnd(100);
        S.link[i].reorder_pm = rnd(200);
        S.link[i].reorder_ms = 30;
        S.link[i].dup_pm = rnd(50);
    }
    S.tap = keep_tap;
    ring.n = 0;
    held.n = 0;
    unsigned long done = 0;
    while (done < budget) {
        uint32_t what = rnd(10);
        if (what < 3) {
            user_op();
        } else if (what < 5) {
            tsim_run(&S, NULL, NULL, S.now + rnd(rnd(4) ? 50 : 5000));
        } else {
            uint32_t kind = rnd(10);
            if (kind < 5)
                craft((int)rnd(2));
            else if (kind < 9)
                mutate();
            else
                noise();
            done++;
        }
        check_stack(&S.st[0]);
        check_stack(&S.st[1]);
        if (bad_invariants)
            break;
    }
    /* let go of everything: the stacks must drain (TIME_WAIT, FIN_WAIT_2, retries) */
    while (held.n) {
        struct tcp_pcb *pcb = held.pcb[0];
        unhold(0);
        if (rnd(2))
            tcp_close(pcb, S.now);
        else
            tcp_abort(pcb, S.now);
    }
    tsim_idle(&S, S.now + 10 * 60 * 1000);
    CHECK(tsim_stack_empty(&S.st[0]) && tsim_stack_empty(&S.st[1]));
    if (!tsim_stack_empty(&S.st[0]) || !tsim_stack_empty(&S.st[1])) {
        bad_invariants++;
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < TCP_MAX_PCBS; i++) {
                const struct tcp_pcb *p = &S.st[k].pcbs[i];
                if (p->state || p->flags || p->buf != -1)
                    fprintf(stderr, "seed %u: side %d pcb %d %s flags %x buf %d t_rto %llu "
                            "t_keep %llu now %llu\n", seed, k, i, tcp_state_name(p->state),
                            p->flags, p->buf, (unsigned long long)p->t_rto,
                            (unsigned long long)p->t_keep, (unsigned long long)S.now),
                    fprintf(stderr, "  una %u nxt %u max %u sbase %u slen %u wnd %u cwnd %u "
                            "rcv_nxt %u rlen %u nrexmit %u nprobe %u\n", p->snd_una, p->snd_nxt,
                            p->snd_max, p->sbase, p->slen, p->snd_wnd, p->cwnd, p->rcv_nxt,
                            p->rlen, p->nrexmit, p->nprobe);
            }
    }
    tsim_free(&S);
    return done;
}

void test_tcp_fuzz(void)
{
    const char *env = getenv("TCP_FUZZ_ITERS");
    unsigned long total = env ? strtoul(env, NULL, 10) : 200000;
    fuzzed = bad_invariants = 0;
    memset(in_state, 0, sizeof in_state);
    uint32_t first = getenv("TCP_FUZZ_SEED") ? (uint32_t)atoi(getenv("TCP_FUZZ_SEED")) : 1;
    for (uint32_t seed = first; fuzzed < total && !bad_invariants; seed++)
        fuzzed += fuzz_round(seed * 7919, total - fuzzed < 20000 ? total - fuzzed : 20000);
    CHECK(bad_invariants == 0);
    for (int st = TCP_LISTEN; st <= TCP_TIME_WAIT; st++)
        CHECK(in_state[st] > 0);                 /* every state met crafted segments */
    if (env) {
        fprintf(stderr, "fuzz: %lu segments; crafted ones by state:", fuzzed);
        for (int st = TCP_LISTEN; st <= TCP_TIME_WAIT; st++)
            fprintf(stderr, " %s %lu", tcp_state_name(st), in_state[st]);
        fprintf(stderr, "\n");
    }
}
