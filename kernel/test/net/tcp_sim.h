/*
 * tcp_sim.h - the host tests' world for TCP: two stacks (side 0 at
 * 10.0.0.1, side 1 at 10.0.0.2) wired back to back through a scripted link
 * in virtual time (delay, rate, loss, duplication, reordering, filters), or
 * one stack facing a "raw" side whose segments the test writes by hand and
 * whose received segments it reads back (golden tests).
 */
#ifndef TCP_SIM_H
#define TCP_SIM_H

#include <stdint.h>
#include <net/tcp.h>
#include <net/tcp_impl.h>

#define SIM_IP0 IP4(10, 0, 0, 1)
#define SIM_IP1 IP4(10, 0, 0, 2)
#define SIM_IP2_BOGUS IP4(10, 0, 0, 3)
#define SIM_QMAX 4096        /* segments in flight on the link */
#define SIM_CAPMAX 64        /* segments a raw side keeps */
#define SIM_SEGMAX 1600

struct tsim;

/* One direction of the link: what happens to the segments side i sends. */
struct tsim_link {
    unsigned loss_pm, dup_pm, reorder_pm;   /* per mille */
    uint32_t delay_ms;                      /* one way */
    uint32_t reorder_ms;                    /* extra delay of a reordered segment (up to) */
    uint32_t rate;                          /* bytes per ms, 0 = unlimited */
    uint32_t qlimit;                        /* drop-tail queue in bytes at that rate, 0 = none */
    uint64_t busy;                          /* the link serialises until then (us) */
    /* return nonzero to drop this segment (after the random script let it through) */
    int (*filter)(struct tsim *s, int from, const uint8_t *seg, size_t len);
    unsigned sent, lost, dups;
};

struct tsim_pkt {
    uint64_t due, order;
    int to;
    uint16_t len;
    uint8_t data[SIM_SEGMAX];
};

/* A segment as seen on the wire (parsed for assertions). */
struct seg_view {
    uint16_t sport, dport, wnd, mss;
    int ws;                  /* -1 if absent */
    uint32_t seq, ack, len;
    uint8_t flags, hl;
    const uint8_t *data;
};

/* Every segment either side emitted, in order (before the link's script). */
struct tsim_rec {
    uint64_t t;
    int from;
    uint8_t flags;
    uint16_t wnd;
    uint32_t seq, ack, len;
};
#define SIM_RECMAX 50000

struct tsim {
    struct tcp_stack st[2];
    void *mem[2];
    uint32_t ip[2];
    int raw[2];                         /* no stack on this side: segments are captured */
    struct tsim_link link[2];
    uint64_t now;
    uint32_t rng;
    struct tsim_pkt *q;
    int nq;
    uint64_t order;
    uint64_t app_wake;                  /* the app wants to run again at this time */
    unsigned events[2];                 /* OR of every event bit delivered, per side */
    unsigned nevents[2];
    int (*tap)(struct tsim *s, int from, const uint8_t *seg, size_t len);   /* sees every segment */
    void *user;
    uint8_t cap[SIM_CAPMAX][SIM_SEGMAX];
    uint16_t caplen[SIM_CAPMAX];
    int ncap;
    struct tsim_rec *rec;
    int nrec;
};

/* Both sides with cfg (NULL: tcp_config_default), raw sides without a stack. */
void tsim_init(struct tsim *s, const struct tcp_config *c0, const struct tcp_config *c1,
              int raw0, int raw1, uint32_t seed);
void tsim_free(struct tsim *s);
uint32_t tsim_rand(struct tsim *s);

/*
 * Run: deliver segments as they fall due, run both stacks' timers, call
 * app after each step until it returns nonzero (returns 1), or until
 * virtual time would pass `limit` / nothing is left to happen (returns 0).
 */
int tsim_run(struct tsim *s, int (*app)(struct tsim *s, void *arg), void *arg, uint64_t limit);
/* tsim_run with no app, until `limit`. */
void tsim_idle(struct tsim *s, uint64_t limit);

/* Raw side: build a segment from `from` (raw) to the other side and feed it now. */
size_t seg_build(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const uint8_t *opt,
                 int optlen, const void *data, size_t len);
void tsim_inject(struct tsim *s, int from, uint16_t sport, uint16_t dport, uint32_t seq,
                uint32_t ack, uint8_t flags, uint16_t wnd, const uint8_t *opt, int optlen,
                const void *data, size_t len);
/* Parse captured segment i (of the raw side's inbox); 0, or -1 if it is not valid TCP. */
int tsim_cap(struct tsim *s, int i, struct seg_view *v);
int seg_parse(const uint8_t *seg, size_t len, struct seg_view *v);

/* Recorded segments from side `from` with all bits of `flags` set, from index `start`. */
int tsim_count(const struct tsim *s, int start, int from, uint8_t flags);
/* Index of the next recorded segment from `from` with `flags` at or after start, -1 if none. */
int tsim_find(const struct tsim *s, int start, int from, uint8_t flags);

/* Listen on side 1's port, connect from side 0, run until both ends are established. */
int tsim_pair(struct tsim *s, uint16_t port, struct tcp_pcb **cli, struct tcp_pcb **srv,
             struct tcp_pcb **lis);

/* Print recorded segments [start, start + max) (debugging). */
void tsim_dump(const struct tsim *s, int start, int max);

/* Every pcb free and every buffer pair back in the pool: nothing leaked. */
int tsim_stack_empty(const struct tcp_stack *ts);

/* ---- bulk transfer both ways, checking every byte ---- */
struct pump {
    struct tcp_pcb *pcb[2];            /* side 0 connects, side 1 accepts */
    struct tcp_pcb *listener;
    uint16_t port;
    uint64_t total[2], sent[2], rcvd[2];
    int shut[2], eof[2], bad, err[2];
    uint32_t chunk;                    /* bytes per tcp_send, per tcp_recv */
    uint64_t read_from[2];             /* side i does not read before this time */
    uint64_t done_at;
};

/* Listen on side 1, connect from side 0, and move total0 / total1 bytes. */
void pump_start(struct tsim *s, struct pump *p, uint64_t total0, uint64_t total1);
int pump_app(struct tsim *s, void *arg);
uint8_t pump_byte(int dir, uint64_t k);
/* Close both ends and run until both stacks are empty again (TIME_WAIT included). */
int pump_finish(struct tsim *s, struct pump *p, uint64_t limit);

#endif
