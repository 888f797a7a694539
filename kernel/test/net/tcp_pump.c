/* Bulk transfer both ways over a sim, checking every byte (tcp_sim.h). */
#include <string.h>
#include "check.h"
#include "tcp_sim.h"

/* Byte k of direction dir's stream: a hash, so a byte in the wrong place shows. */
uint8_t pump_byte(int dir, uint64_t k)
{
    uint32_t x = (uint32_t)k * 0x9e3779b1u + (uint32_t)(k >> 32) + (uint32_t)dir * 0x85ebca6bu;
    x ^= x >> 15;
    x *= 0x2c1b3c6du;
    x ^= x >> 12;
    return (uint8_t)x;
}

void pump_start(struct tsim *s, struct pump *p, uint64_t total0, uint64_t total1)
{
    if (!p->port)
        p->port = 7;
    if (!p->chunk)
        p->chunk = 4000;
    p->total[0] = total0;
    p->total[1] = total1;
    CHECK(tcp_listen(&s->st[1], p->port, 4, &p->listener) == 0);
    CHECK(tcp_connect(&s->st[0], SIM_IP0, 0, SIM_IP1, p->port, s->now, &p->pcb[0]) == 0);
}

static void pump_side(struct tsim *s, struct pump *p, int d)
{
    static uint8_t buf[65536];
    struct tcp_pcb *pcb = p->pcb[d];
    uint32_t chunk = p->chunk < sizeof buf ? p->chunk : sizeof buf;
    while (p->sent[d] < p->total[d]) {
        uint64_t left = p->total[d] - p->sent[d];
        uint32_t n = left < chunk ? (uint32_t)left : chunk;
        for (uint32_t i = 0; i < n; i++)
            buf[i] = pump_byte(d, p->sent[d] + i);
        int r = tcp_send(pcb, buf, n, s->now);
        if (r < 0)
            p->err[d] = r;
        if (r <= 0)
            break;
        p->sent[d] += (uint64_t)r;
    }
    if (p->sent[d] == p->total[d] && !p->shut[d] && tcp_state(pcb) >= TCP_ESTABLISHED) {
        CHECK(tcp_shutdown(pcb, s->now) == 0);
        p->shut[d] = 1;
    }
    if (s->now < p->read_from[d]) {
        if (s->app_wake <= s->now || s->app_wake > p->read_from[d])
            s->app_wake = p->read_from[d];
        return;
    }
    while (!p->eof[d]) {
        int r = tcp_recv(pcb, buf, chunk, s->now);
        if (r == 0) {
            p->eof[d] = 1;
        } else if (r > 0) {
            for (int i = 0; i < r; i++)
                if (buf[i] != pump_byte(!d, p->rcvd[d] + (uint64_t)i) && !p->bad++)
                    fprintf(stderr, "byte %llu of direction %d differs\n",
                            (unsigned long long)(p->rcvd[d] + (uint64_t)i), !d);
            p->rcvd[d] += (uint64_t)r;
        } else {
            if (r != MOTE_EAGAIN)
                p->err[d] = r;
            break;
        }
    }
}

/* The app both sides run: accept, send until total, shut down, read until EOF. */
int pump_app(struct tsim *s, void *arg)
{
    struct pump *p = arg;
    if (!p->pcb[1] && p->listener)
        p->pcb[1] = tcp_accept(p->listener);
    for (int d = 0; d < 2; d++)
        if (p->pcb[d])
            pump_side(s, p, d);
    if (p->err[0] || p->err[1])
        return 1;
    if (p->eof[0] && p->eof[1] && p->shut[0] && p->shut[1]) {
        if (!p->done_at)
            p->done_at = s->now;
        return 1;
    }
    return 0;
}

int pump_finish(struct tsim *s, struct pump *p, uint64_t limit)
{
    for (int d = 0; d < 2; d++)
        if (p->pcb[d])
            tcp_close(p->pcb[d], s->now);
    if (p->listener)
        tcp_close(p->listener, s->now);
    p->pcb[0] = p->pcb[1] = p->listener = NULL;
    tsim_idle(s, limit);
    return tsim_stack_empty(&s->st[0]) && tsim_stack_empty(&s->st[1]);
}

struct pair_wait {
    struct tcp_pcb *cli, *srv, *lis;
};

static int pair_app(struct tsim *s, void *arg)
{
    struct pair_wait *w = arg;
    (void)s;
    if (!w->srv)
        w->srv = tcp_accept(w->lis);
    return w->srv && tcp_state(w->cli) == TCP_ESTABLISHED;
}

int tsim_pair(struct tsim *s, uint16_t port, struct tcp_pcb **cli, struct tcp_pcb **srv,
             struct tcp_pcb **lis)
{
    struct pair_wait w = { 0 };
    if (tcp_listen(&s->st[1], port, 4, &w.lis) ||
        tcp_connect(&s->st[0], SIM_IP0, 0, SIM_IP1, port, s->now, &w.cli))
        return 0;
    int ok = tsim_run(s, pair_app, &w, s->now + 60000);
    *cli = w.cli;
    *srv = w.srv;
    if (lis)
        *lis = w.lis;
    else
        tcp_close(w.lis, s->now);
    return ok;
}
