/*
 * netif.c - the interface's owner: brings the NIC and the stack up on the
 * first call of the network API, runs the network thread (received frames,
 * the stack's timers, transmit buffers coming back) and serialises app
 * threads' calls into the stack with one lock (netif.h).
 */
#include <hal/board.h>
#include <core/core.h>
#include <mm/mm.h>
#include "netif.h"

static struct netif *volatile netif;    /* set once everything is up */
static int netif_err;                   /* why networking could not start */
static struct mote_mutex start_lock = MOTE_MUTEX_INIT;

void netif_wq_init(struct netif_wq *wq)
{
    mote_sem_init(&wq->sem, 0);
    wq->waiters = 0;
}

void netif_wake_all(struct netif_wq *wq)
{
    for (int i = 0; i < wq->waiters; i++)
        mote_sem_post(&wq->sem);
}

uint64_t netif_deadline(uint32_t timeout_ms)
{
    if (timeout_ms == 0)
        return 0;
    return timeout_ms == MOTE_FOREVER ? NET_NEVER : mote_uptime_ms() + timeout_ms;
}

int netif_wait(struct netif *nf, struct netif_wq *wq, uint64_t deadline)
{
    if (deadline == 0)
        return MOTE_EAGAIN;
    uint64_t now = mote_uptime_ms();
    if (now >= deadline)
        return MOTE_ETIMEDOUT;
    uint64_t left = deadline - now;
    wq->waiters++;
    netif_leave(nf);
    mote_sem_wait(&wq->sem, left >= MOTE_FOREVER ? MOTE_FOREVER : (uint32_t)left);
    mote_mutex_lock(&nf->lock);
    wq->waiters--;
    return 0;
}

int netif_need_addr(struct netif *nf, uint64_t deadline)
{
    while (!nf->ns.ip) {
        if (netif_wait(nf, &nf->misc, deadline))
            return MOTE_ENETUNREACH;
    }
    return 0;
}

/* The earliest time the stack needs the thread. */
static uint64_t next_deadline(struct netif *nf)
{
    uint64_t n = net_next_deadline(&nf->ns), t = tcp_next_deadline(&nf->ts);
    return n < t ? n : t;
}

void netif_leave(struct netif *nf)
{
    if (next_deadline(nf) < nf->wake_at)
        mote_sem_post(&nf->wake);
    mote_mutex_unlock(&nf->lock);
}

/* env.link_output: copy the frame into a transmit buffer; pad it to Ethernet's 60 bytes. */
static int link_output(void *ctx, const struct net_iov *iov, int niov)
{
    struct netif *nf = ctx;
    uint8_t *b = virtio_net_tx_buf(&nf->vn);
    /* every buffer in flight (transmit interrupts are off): give the device a moment */
    for (int tries = 0; !b && tries < 10; tries++) {
        mote_sleep_ms(1);
        b = virtio_net_tx_buf(&nf->vn);
    }
    if (!b) {
        nf->tx_full++;
        return MOTE_ENOMEM;
    }
    size_t len = 0;
    for (int i = 0; i < niov; i++) {
        if (iov[i].len > VNET_FRAME_MAX - len)
            return MOTE_EMSGSIZE;
        memcpy(b + len, iov[i].base, iov[i].len);
        len += iov[i].len;
    }
    if (len < 60) {
        memset(b + len, 0, 60 - len);
        len = 60;
    }
    return virtio_net_tx(&nf->vn, len);
}

static uint32_t env_random32(void *ctx)
{
    (void)ctx;
    return mote_random32();
}

/* env.event, with the lock held: wake whoever waits for it. */
static void on_event(void *ctx, const struct net_event *ev)
{
    struct netif *nf = ctx;
    struct net_stack *ns = &nf->ns;
    if (ev->type == NET_EV_UDP) {
        if (nf->udp[ev->handle])
            netif_wake_all(&nf->udp[ev->handle]->wq);
        return;
    }
    if (ev->type == NET_EV_ADDR_UP)
        printf("[mote] net: %u.%u.%u.%u gateway %u.%u.%u.%u dns %u.%u.%u.%u (%s) at %llu ms\n",
               MOTE_IP4_ARGS(ns->ip), MOTE_IP4_ARGS(ns->gw), MOTE_IP4_ARGS(ns->dns),
               ns->dhcp.state ? "dhcp" : "static", (unsigned long long)mote_uptime_ms());
    else if (ev->type == NET_EV_ADDR_DOWN || ev->type == NET_EV_CONFLICT)
        printf("[mote] net: address %u.%u.%u.%u %s\n", MOTE_IP4_ARGS(ev->value),
               ev->type == NET_EV_CONFLICT ? "claimed by another host" : "lost");
    netif_wake_all(&nf->misc);
}

/* The NIC's interrupt (interrupt context): hand the work to the thread. */
static void on_irq(void *arg)
{
    struct netif *nf = arg;
    mote_sem_post(&nf->wake);
}

/* tcp_env.output: TCP's segments go out as IPv4 packets. */
static int tcp_out(void *ctx, uint32_t src, uint32_t dst, const struct net_iov *iov, int niov)
{
    struct netif *nf = ctx;
    return ip_output(&nf->ns, src, dst, IPPROTO_TCP, iov, niov);
}

/* ns.tcp_input: every valid TCP segment to us. */
static void tcp_in(void *tcp, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
                   uint64_t now_ms)
{
    tcp_input(tcp, src, dst, seg, len, now_ms);
}

/* TCP with the module's defaults (tcp.h: 6 connections of 32 KiB send + 128 KiB receive rings). */
static int tcp_start(struct netif *nf)
{
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    size_t pages = (tcp_mem_size(&cfg) + PAGE_SIZE - 1) / PAGE_SIZE;
    void *mem = page_alloc(pages);
    if (!mem)
        return MOTE_ENOMEM;
    struct tcp_env env = {tcp_out, env_random32, nf, netif_tcp_event};
    int err = tcp_init(&nf->ts, &env, &cfg, mem, pages * PAGE_SIZE);
    if (err) {
        page_free(mem, pages);
        return err;
    }
    nf->ns.tcp_input = tcp_in;
    nf->ns.tcp = &nf->ts;
    return 0;
}

static void on_frame(void *arg, const uint8_t *frame, size_t len)
{
    struct netif *nf = arg;
    net_input(&nf->ns, frame, len, mote_uptime_ms());
}

/*
 * The network thread: take what arrived, run what is due, give transmit
 * buffers back, sleep until the next deadline or interrupt. Receive
 * interrupts are off while it works (a burst costs one); interrupts posted
 * meanwhile only make it look once more.
 */
static void net_thread(void *arg)
{
    struct netif *nf = arg;
    for (;;) {
        while (mote_sem_wait(&nf->wake, 0) == 0)
            ;
        virtio_net_rx_irq(&nf->vn, 0);   /* frames that come while we work raise no interrupt */
        mote_mutex_lock(&nf->lock);
        tcp_batch(&nf->ts, 1, 0);
        int n = virtio_net_rx(&nf->vn, on_frame, nf, NETIF_RX_BUDGET);
        uint64_t now = mote_uptime_ms();
        tcp_batch(&nf->ts, 0, now);     /* one ACK for the batch's in-order data */
        if (now >= net_next_deadline(&nf->ns))
            net_timer(&nf->ns, now);
        if (now >= tcp_next_deadline(&nf->ts))
            tcp_timer(&nf->ts, now);
        virtio_net_tx_reclaim(&nf->vn);
        uint64_t next = next_deadline(nf);
        if (next > now + NETIF_RECHECK_MS)
            next = now + NETIF_RECHECK_MS;
        nf->wake_at = n == NETIF_RX_BUDGET ? now : next;
        mote_mutex_unlock(&nf->lock);
        if (n == NETIF_RX_BUDGET) {
            mote_yield();
            continue;
        }
        virtio_net_rx_irq(&nf->vn, 1);
        if (virtio_net_rx_pending(&nf->vn))
            continue;                    /* it came before interrupts were back on */
        if (next > now && mote_sem_wait(&nf->wake, (uint32_t)(next - now)) == MOTE_ETIMEDOUT)
            virtio_irq_ack(&nf->vn.dev);    /* an edge may have been lost: re-arm the line */
    }
}

/*
 * At a clean exit (device_exit): give the peers up to NETIF_EXIT_LINGER_MS
 * to acknowledge what the app sent, closed or not, before the power goes,
 * as Linux still delivers a process's last data after it has exited.
 */
static void netif_linger(void)
{
    struct netif *nf = netif;
    for (uint64_t end = mote_uptime_ms() + NETIF_EXIT_LINGER_MS;; mote_sleep_ms(5)) {
        mote_mutex_lock(&nf->lock);
        int left = tcp_unacked(&nf->ts);
        mote_mutex_unlock(&nf->lock);
        if (!left || mote_uptime_ms() >= end)
            return;
    }
}

/* Bring everything up; start_lock held. */
static int netif_start(void)
{
    if (!(board.devices & BOARD_DEV_NET_VIRTIO))
        return MOTE_ENODEV;
    struct netif *nf = calloc(1, sizeof(*nf));
    if (!nf)
        return MOTE_ENOMEM;
    mote_mutex_init(&nf->lock);
    mote_sem_init(&nf->wake, 0);
    netif_wq_init(&nf->misc);
    int err = virtio_net_init(&nf->vn, 0, on_irq, nf);
    if (err) {
        free(nf);
        return err;
    }
    static const struct net_env env0 = {link_output, env_random32, on_event, 0};
    struct net_env env = env0;
    env.ctx = nf;
    uint64_t now = mote_uptime_ms();
    net_init(&nf->ns, nf->vn.mac, &env, now);
    err = tcp_start(nf);
    if (err)
        return err;    /* the NIC stays up, unused: nothing else may take it */
    nf->wake_at = NET_NEVER;
    mote_mutex_lock(&nf->lock);
    if (!thread_spawn("net", net_thread, nf, MOTE_NET_PRIO, NETIF_STACK)) {
        mote_mutex_unlock(&nf->lock);
        return MOTE_ENOMEM;    /* the NIC stays up, unused: nothing else may take it */
    }
    dhcp_start(&nf->ns, now);
    netif = nf;
    device_on_exit(netif_linger);
    netif_leave(nf);
    return 0;
}

struct netif *netif_started(void)
{
    return netif;
}

/*
 * The debug shell's view of the network (shell/netinfo.c), which it reaches by a
 * weak reference: this strong one links it into every image that networks
 * (and --gc-sections drops it again from those without the shell).
 */
extern const struct netinfo_ops netinfo_ops;
const void *const netif_netinfo = &netinfo_ops;

int netif_enter(struct netif **out)
{
    struct netif *nf = netif;
    if (!nf) {
        mote_mutex_lock(&start_lock);
        if (!netif && !netif_err)
            netif_err = netif_start();
        mote_mutex_unlock(&start_lock);
        if (!(nf = netif))
            return netif_err;
    }
    mote_mutex_lock(&nf->lock);
    *out = nf;
    return 0;
}
