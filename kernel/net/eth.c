/* eth.c - Ethernet II framing: every received frame enters here, every sent one leaves here. */
#include "net.h"

const uint8_t net_bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/*
 * Accept frames to our MAC or to broadcast (no multicast groups are joined),
 * from a unicast source other than ourselves, and hand ARP and IPv4 on.
 * Everything else is counted and dropped.
 */
void net_input(struct net_stack *ns, const uint8_t *frame, size_t len, uint64_t now_ms)
{
    if (now_ms > ns->now_ms)
        ns->now_ms = now_ms;
    NET_COUNT(ns, rx_frames);
    ns->cnt[NET_C_rx_bytes] += len;
    if (len < 14) {
        NET_COUNT(ns, eth_short);
        return;
    }
    if (memcmp(frame, ns->mac, 6) && memcmp(frame, net_bcast_mac, 6)) {
        NET_COUNT(ns, eth_not_ours);
        return;
    }
    if ((frame[6] & 1) || !memcmp(frame + 6, ns->mac, 6)) {
        NET_COUNT(ns, eth_bad_src);
        return;
    }
    switch (get_be16(frame + 12)) {
    case ETH_TYPE_ARP:
        arp_input(ns, frame + 14, len - 14);
        break;
    case ETH_TYPE_IP:
        ip_input(ns, frame + 14, len - 14);
        break;
    default:
        NET_COUNT(ns, eth_type);
    }
}

/*
 * Put a 14-byte header in front of the pieces and hand the frame to the link.
 * No padding to 60 bytes: virtio-net and QEMU's backends take short frames.
 * Returns 0 or the link's error (counted in tx_errors).
 */
int eth_output(struct net_stack *ns, const uint8_t *dst, uint16_t type,
               const struct net_iov *iov, int niov)
{
    uint8_t hdr[14];
    struct net_iov v[NET_IOV_MAX];
    size_t len = sizeof hdr;
    if (niov < 0 || niov > NET_IOV_MAX - 1)
        return MOTE_EINVAL;
    memcpy(hdr, dst, 6);
    memcpy(hdr + 6, ns->mac, 6);
    put_be16(hdr + 12, type);
    v[0].base = hdr;
    v[0].len = sizeof hdr;
    for (int i = 0; i < niov; i++) {
        v[i + 1] = iov[i];
        len += iov[i].len;
    }
    int err = ns->env.link_output(ns->env.ctx, v, niov + 1);
    if (err < 0) {
        NET_COUNT(ns, tx_errors);
        return err;
    }
    NET_COUNT(ns, tx_frames);
    ns->cnt[NET_C_tx_bytes] += len;
    return 0;
}
