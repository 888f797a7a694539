/*
 * iface.c - mote/net.h's calls on the interface as a whole: start (and
 * wait for an address), a static address, status and counters.
 */
#include "netif.h"

int mote_net_start(uint32_t timeout_ms)
{
    struct netif *nf;
    int err = netif_enter(&nf);
    if (err)
        return err;
    err = netif_need_addr(nf, netif_deadline(timeout_ms));
    netif_leave(nf);
    return err ? MOTE_ETIMEDOUT : 0;
}

int mote_net_set_static(const struct mote_net_config *c)
{
    struct netif *nf;
    if (!c || !c->ip)
        return MOTE_EINVAL;
    int err = netif_enter(&nf);
    if (err)
        return err;
    net_set_static(&nf->ns, c->ip, c->netmask, c->gateway, c->dns, mote_uptime_ms());
    netif_leave(nf);
    return 0;
}

/* What counts as a dropped received frame (mote_net_status). */
static const uint8_t drop_counters[] = {
    NET_C_eth_short, NET_C_eth_not_ours, NET_C_eth_bad_src, NET_C_eth_type, NET_C_arp_bad,
    NET_C_ip_short, NET_C_ip_version, NET_C_ip_hdr, NET_C_ip_len, NET_C_ip_cksum, NET_C_ip_frag,
    NET_C_ip_bad_src, NET_C_ip_not_ours, NET_C_ip_proto, NET_C_icmp_bad, NET_C_udp_bad,
    NET_C_udp_cksum, NET_C_udp_no_port, NET_C_udp_queue_full, NET_C_udp_no_buf, NET_C_dhcp_bad,
    NET_C_dns_bad,
};

int mote_net_status(struct mote_net_status *st)
{
    struct netif *nf;
    if (!st)
        return MOTE_EINVAL;
    memset(st, 0, sizeof(*st));
    int err = netif_enter(&nf);
    if (err)
        return err;
    struct net_stack *ns = &nf->ns;
    st->up = ns->ip != 0;
    st->dhcp = st->up && ns->dhcp.state != DHCP_OFF;
    memcpy(st->mac, ns->mac, 6);
    st->ip = ns->ip;
    st->netmask = ns->mask;
    st->gateway = ns->gw;
    st->dns = ns->dns;
    st->dhcp_server = st->dhcp ? ns->dhcp.server : 0;
    st->rx_frames = ns->cnt[NET_C_rx_frames];
    st->rx_bytes = ns->cnt[NET_C_rx_bytes];
    st->tx_frames = ns->cnt[NET_C_tx_frames];
    st->tx_bytes = ns->cnt[NET_C_tx_bytes];
    st->tx_errors = ns->cnt[NET_C_tx_errors] + nf->tx_full;
    for (size_t i = 0; i < sizeof(drop_counters); i++)
        st->rx_dropped += ns->cnt[drop_counters[i]];
    const struct tcp_counters *tc = &nf->ts.cnt;
    st->rx_dropped += nf->vn.rx_bad + tc->bad_cksum + tc->bad_hdr + tc->bad_opt + tc->no_port +
                      tc->drop_nomem + tc->drop_backlog + tc->drop_seq + tc->drop_state;
    netif_leave(nf);
    return 0;
}

/* After the stack's counters: struct tcp_counters field by field, then the NIC's. */
static const char more_names[] =
    "tcp_in_segs\0tcp_out_segs\0tcp_bad_cksum\0tcp_bad_hdr\0tcp_bad_opt\0tcp_no_port\0"
    "tcp_drop_nomem\0tcp_drop_backlog\0tcp_drop_seq\0tcp_drop_state\0tcp_oow_acks_skipped\0"
    "tcp_rst_in\0tcp_rst_out\0tcp_challenge_acks\0tcp_active_opens\0tcp_passive_opens\0"
    "nic_rx_bad\0nic_tx_full\0";
#define TCP_COUNTERS 16
_Static_assert(sizeof(struct tcp_counters) == TCP_COUNTERS * sizeof(uint32_t),
               "more_names lists every field of struct tcp_counters");

int mote_net_counter(int i, const char **name, uint64_t *value)
{
    struct netif *nf;
    int err = netif_enter(&nf);
    if (err)
        return err;
    err = 0;
    if (i >= 0 && i < NET_C_COUNT) {
        *name = net_counter_name(i);
        *value = nf->ns.cnt[i];
    } else if (i >= NET_C_COUNT && i < NET_C_COUNT + TCP_COUNTERS + 2) {
        int k = i - NET_C_COUNT;
        const char *s = more_names;
        for (int j = 0; j < k; j++)
            s += strlen(s) + 1;
        *name = s;
        *value = k < TCP_COUNTERS ? ((const uint32_t *)&nf->ts.cnt)[k]
                 : k == TCP_COUNTERS ? nf->vn.rx_bad : nf->tx_full;
    } else {
        err = MOTE_ENOENT;
    }
    netif_leave(nf);
    return err;
}
