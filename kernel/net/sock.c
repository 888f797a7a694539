/*
 * sock.c - mote/net.h's UDP sockets, DNS and ping over the stack, each
 * call under the interface's lock, waiting with it dropped (netif.h).
 */
#include <core/core.h>
#include <shell/shell.h>
#include "netif.h"

int mote_udp_open(uint16_t port, struct mote_udp **out)
{
    struct netif *nf;
    struct mote_udp *u = malloc(sizeof(*u));
    if (!u)
        return MOTE_ENOMEM;
    int err = netif_enter(&nf);
    if (err)
        goto err_free;
    err = udp_bind(&nf->ns, port);
    if (err >= 0) {
        netif_wq_init(&u->wq);
        u->h = err;
        nf->udp[err] = u;
        *out = u;
        err = 0;
    }
    netif_leave(nf);
    if (!err)
        return 0;
err_free:
    free(u);
    return err;
}

uint16_t mote_udp_port(const struct mote_udp *u)
{
    struct netif *nf;
    if (netif_enter(&nf))
        return 0;
    uint16_t port = udp_port(&nf->ns, u->h);
    netif_leave(nf);
    return port;
}

int mote_udp_sendto(struct mote_udp *u, uint32_t ip, uint16_t port, const void *buf, size_t len)
{
    struct netif *nf;
    int err = netif_enter(&nf);
    if (err)
        return err;
    err = len > NET_UDP_MAX ? MOTE_EMSGSIZE : udp_sendto(&nf->ns, u->h, ip, port, buf, len);
    TRACE(TRACE_NET, EV_UDP_SEND, (uint64_t)ip << 16 | port, err);
    netif_leave(nf);
    return err;
}

int mote_udp_recvfrom(struct mote_udp *u, void *buf, size_t cap, uint32_t *ip, uint16_t *port,
                      uint32_t timeout_ms)
{
    struct netif *nf;
    uint32_t src;
    uint16_t sport;
    uint64_t deadline = netif_deadline(timeout_ms);
    int r = netif_enter(&nf);
    if (r)
        return r;
    while ((r = udp_recvfrom(&nf->ns, u->h, buf, cap, &src, &sport)) == MOTE_EAGAIN &&
           (r = netif_wait(nf, &u->wq, deadline)) == 0)
        ;
    TRACE(TRACE_NET, EV_UDP_RECV, udp_port(&nf->ns, u->h), r);
    netif_leave(nf);
    if (r >= 0) {
        if (ip)
            *ip = src;
        if (port)
            *port = sport;
    }
    return r;
}

int mote_udp_close(struct mote_udp *u)
{
    struct netif *nf;
    int err = netif_enter(&nf);
    if (err)
        return err;
    nf->udp[u->h] = 0;
    err = udp_close(&nf->ns, u->h);
    netif_leave(nf);
    free(u);
    return err;
}

int mote_dns_resolve(const char *name, uint32_t *ip, uint32_t timeout_ms)
{
    struct netif *nf;
    uint64_t deadline = netif_deadline(timeout_ms);
    if (!name || !ip)
        return MOTE_EINVAL;
    if (inet_parse_ip4(name, ip))
        return 0;
    if (!strcmp(name, "host.mote.internal")) {
        *ip = MOTE_NET_HOST;
        return 0;
    }
    int r = netif_enter(&nf);
    if (r)
        return r;
    int h = r = netif_need_addr(nf, deadline);
    if (!r)
        h = r = dns_query(&nf->ns, name, mote_uptime_ms());
    while (h >= 0 && (r = dns_result(&nf->ns, h, ip)) == MOTE_EAGAIN) {
        if ((r = netif_wait(nf, &nf->misc, deadline)) != 0) {
            dns_cancel(&nf->ns, h);
            break;
        }
    }
    TRACE(TRACE_NET, EV_DNS, 0, r);
    netif_leave(nf);
    return r;
}

int mote_ping(uint32_t ip, size_t len, uint32_t timeout_ms, uint32_t *rtt_ms)
{
    struct netif *nf;
    uint32_t rtt = 0;
    int r = netif_enter(&nf);
    if (r)
        return r;
    /* the stack ends the ping at its timeout, so the wait for the answer needs none of its own */
    int h = r = netif_need_addr(nf, netif_deadline(timeout_ms));
    if (!r)
        h = r = icmp_ping_send(&nf->ns, ip, len, timeout_ms, mote_uptime_ms());
    while (h >= 0 && (r = icmp_ping_poll(&nf->ns, h, &rtt)) == MOTE_EAGAIN)
        netif_wait(nf, &nf->misc, NET_NEVER);
    TRACE(TRACE_NET, EV_PING, (uint64_t)ip << 16, r ? r : (int)rtt);
    netif_leave(nf);
    if (!r && rtt_ms)
        *rtt_ms = rtt;
    return r;
}
