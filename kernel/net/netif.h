/*
 * netif.h - the glue between the pure stack (net.h, tcp.h), the NIC
 * (drivers/virtio/net.c) and the threads of an app: one struct netif, its
 * lock and its network thread (netif.c), and the calls of mote/net.h on
 * top (iface.c, sock.c, tcp_sock.c). Private to kernel/net.
 *
 * Locking: nf->lock serialises every call into the stack, from the network
 * thread (received frames, timers) and from app threads (sockets). A
 * blocking call waits on a struct netif_wq with the lock dropped and
 * re-checks when woken; the stack's events (called with the lock held)
 * wake the waiters.
 */
#ifndef NET_NETIF_H
#define NET_NETIF_H

#include <mote.h>
#include <mote/net.h>
#include <drivers/virtio/virtio.h>
#include "net.h"
#include "tcp.h"

#define NETIF_RX_BUDGET 32       /* frames per turn of the lock: app calls get in between */
#define NETIF_RECHECK_MS 1000    /* the thread looks even without an interrupt (a lost edge) */
#define NETIF_STACK 16384        /* the network thread's stack */
#define NETIF_EXIT_LINGER_MS 2000   /* a clean exit waits this long at most for unacknowledged data */

/* Threads waiting for something the stack will tell (a condition variable on nf->lock). */
struct netif_wq {
    struct mote_sem sem;
    int waiters;
};

struct mote_udp {
    struct netif_wq wq;
    int h;                       /* the stack's UDP handle */
};

struct netif {
    struct mote_mutex lock;
    struct mote_sem wake;        /* the network thread's: the NIC's interrupt, an earlier deadline */
    uint64_t wake_at;            /* when the thread looks next on its own (ms), under lock */
    struct netif_wq misc;        /* address changes, ping and DNS answers: each waiter re-checks */
    struct mote_udp *udp[NET_UDP_ENDPOINTS];
    struct mote_tcp *tcp_of[TCP_MAX_PCBS];   /* the handle holding each pcb, by index */
    uint64_t tx_full;            /* frames dropped: every transmit buffer busy */
    struct virtio_net vn;
    struct net_stack ns;
    struct tcp_stack ts;
};

/*
 * Start networking on first use, then take nf->lock: 0 and *out, or
 * MOTE_ENODEV (no NIC) / the error networking failed with (remembered).
 */
int netif_enter(struct netif **out);
/* The interface if networking has started (no lock taken), else NULL: never starts it. */
struct netif *netif_started(void);
/* Drop the lock, waking the network thread if its next deadline moved earlier. */
void netif_leave(struct netif *nf);
/* The deadline for timeout_ms from now: 0 for no waiting, NET_NEVER for MOTE_FOREVER. */
uint64_t netif_deadline(uint32_t timeout_ms);
/*
 * With nf->lock held: sleep on wq (lock dropped meanwhile) until woken or
 * the deadline; 0 when woken (re-check), MOTE_EAGAIN for deadline 0,
 * MOTE_ETIMEDOUT once it has passed. Returns with the lock held.
 */
int netif_wait(struct netif *nf, struct netif_wq *wq, uint64_t deadline);
/* Wake every waiter of wq. Any thread, with nf->lock held. */
void netif_wake_all(struct netif_wq *wq);
/* With the lock held: wait for an address; 0 or MOTE_ENETUNREACH at the deadline. */
int netif_need_addr(struct netif *nf, uint64_t deadline);
void netif_wq_init(struct netif_wq *wq);
/* tcp_sock.c: tcp_env.event. */
void netif_tcp_event(void *ctx, struct tcp_pcb *pcb, unsigned ev);

#endif
