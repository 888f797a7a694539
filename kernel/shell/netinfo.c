/*
 * netinfo.c - what the debug shell shows of the network (shell/shell.h,
 * struct netinfo_ops): the interface, every socket, the ARP cache, ping.
 * The shell reaches this table through a weak reference, so only an image
 * that networks links it (netif.c pulls it in), and nothing here starts
 * networking: before the first network call it says MOTE_ENODEV.
 */
#include <shell/shell.h>
#include <net/netif.h>

/* The started interface with its lock taken, or MOTE_ENODEV. */
static int enter(struct netif **nf)
{
    *nf = netif_started();
    if (!*nf)
        return MOTE_ENODEV;
    mote_mutex_lock(&(*nf)->lock);
    return 0;
}

static int info_status(struct mote_net_status *st)
{
    return netif_started() ? mote_net_status(st) : MOTE_ENODEV;
}

static int info_counter(int i, const char **name, uint64_t *value)
{
    return netif_started() ? mote_net_counter(i, name, value) : MOTE_ENODEV;
}

static int info_sockets(struct netinfo_sock *out, int max)
{
    struct netif *nf;
    int err = enter(&nf);
    if (err)
        return err;
    struct tcp_info ti[TCP_MAX_PCBS];
    int nt = tcp_netstat(&nf->ts, ti, TCP_MAX_PCBS), n = 0;
    for (int i = 0; i < nt && n < max; i++, n++) {
        struct netinfo_sock *s = &out[n];
        s->proto = "tcp";
        s->lip = ti[i].lip ? ti[i].lip : 0;
        s->rip = ti[i].rip;
        s->lport = ti[i].lport;
        s->rport = ti[i].rport;
        s->state = ti[i].state_name;
        s->sendq = ti[i].snd_queued;
        s->recvq = ti[i].rcv_queued;
        s->rexmits = ti[i].st.rexmits;
    }
    for (int h = 0; h < NET_UDP_ENDPOINTS && n < max; h++) {
        const struct udp_endpoint *u = &nf->ns.udp[h];
        if (!u->port)
            continue;
        struct netinfo_sock *s = &out[n++];
        s->proto = "udp";
        s->lip = nf->ns.ip;
        s->rip = 0;
        s->lport = u->port;
        s->rport = 0;
        s->state = "-";
        s->sendq = 0;
        s->recvq = u->queued;
        s->rexmits = 0;
    }
    netif_leave(nf);
    return n;
}

static int info_arp(struct netinfo_arp *out, int max)
{
    struct netif *nf;
    int err = enter(&nf);
    if (err)
        return err;
    int n = 0;
    uint64_t now = mote_uptime_ms();
    for (int i = 0; i < NET_ARP_ENTRIES && n < max; i++) {
        const struct arp_entry *e = &nf->ns.arp[i];
        if (e->state == ARP_FREE)
            continue;
        struct netinfo_arp *a = &out[n++];
        a->ip = e->ip;
        memcpy(a->mac, e->mac, 6);
        a->state = e->state == ARP_OK ? "ok" : "resolving";
        a->stale_in_ms = e->state == ARP_OK ? (int64_t)e->stale_ms - (int64_t)now : 0;
    }
    netif_leave(nf);
    return n;
}

const struct netinfo_ops netinfo_ops = {
    info_status, info_counter, info_sockets, info_arp, mote_ping, mote_dns_resolve,
};
