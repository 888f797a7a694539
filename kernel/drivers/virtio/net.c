/*
 * virtio-net (virtio 1.x 5.1): one Ethernet interface, no offloads. The
 * receive queue holds VNET_RX_BUFS buffers of VNET_BUF bytes (header and
 * frame in one descriptor), handed back to the device as soon as the frame
 * was processed; transmit copies each frame into one of VNET_TX_BUFS
 * buffers, reclaimed when the device is done with them. Interrupts are
 * wanted for received frames only, and not while the network thread is
 * draining the queue anyway: transmit completions are collected on the next
 * send. The caller (the network thread) serialises every call.
 */
#include <core/core.h>
#include <mm/mm.h>
#include "virtio.h"

#define VIRTIO_NET_F_MAC 5          /* config holds the MAC address */

#define RXQ 0
#define TXQ 1

/* Pages holding every buffer. */
static size_t net_pages(const struct virtio_net *vn)
{
    return ((size_t)(vn->nrx + vn->ntx) * VNET_BUF + PAGE_SIZE - 1) / PAGE_SIZE;
}

static int net_post_rx(struct virtio_net *vn, unsigned i)
{
    struct virtio_buf b = {vn->rx + (size_t)i * VNET_BUF, VNET_BUF, 1};
    int head = virtio_post(&vn->dev, RXQ, &b, 1);
    if (head >= 0)
        vn->rx_of[head] = (uint8_t)i;
    return head < 0 ? head : 0;
}

/*
 * Find the nth virtio-net device, negotiate (MAC, and VERSION_1 on a modern
 * window), hook the interrupt to irq(arg), set up both queues and fill the
 * receive one. MOTE_ENODEV if there is none; on another failure the device
 * is marked FAILED and the error returned.
 */
int virtio_net_init(struct virtio_net *vn, unsigned nth, void (*irq)(void *), void *arg)
{
    memset(vn, 0, sizeof(*vn));
    struct virtio_dev *dev = &vn->dev;
    int err = virtio_find(VIRTIO_ID_NET, nth, dev);
    if (err)
        return err;
    err = virtio_negotiate(dev, 1ull << VIRTIO_NET_F_MAC);
    if (err)
        goto err_fail;
    /* struct virtio_net_hdr: 10 bytes, 12 with num_buffers, which VERSION_1 always has */
    vn->hdr_len = dev->features & (1ull << VIRTIO_F_VERSION_1) ? 12 : 10;
    if ((err = virtio_queue_setup(dev, RXQ, VNET_RX_BUFS)) ||
        (err = virtio_queue_setup(dev, TXQ, VNET_TX_BUFS)))
        goto err_fail;
    err = MOTE_ENOMEM;
    vn->nrx = dev->queues[RXQ]->size;
    vn->ntx = dev->queues[TXQ]->size;
    vn->rx = page_alloc(net_pages(vn));
    if (!vn->rx)
        goto err_fail;
    vn->tx = vn->rx + (size_t)vn->nrx * VNET_BUF;
    for (unsigned i = 0; i < vn->ntx; i++)
        vn->tx_free[i] = (uint8_t)i;
    vn->tx_nfree = vn->ntx;
    if (dev->features & (1ull << VIRTIO_NET_F_MAC)) {
        uint32_t lo = virtio_config_read32(dev, 0), hi = virtio_config_read32(dev, 4);
        for (int i = 0; i < 4; i++)
            vn->mac[i] = (uint8_t)(lo >> (8 * i));
        vn->mac[4] = (uint8_t)hi;
        vn->mac[5] = (uint8_t)(hi >> 8);
    } else {
        /* locally administered, unicast; the caller may randomise the rest */
        static const uint8_t fallback[6] = {0x02, 0x4d, 0x6f, 0x74, 0x65, 0x01};
        memcpy(vn->mac, fallback, 6);
    }
    err = virtio_irq_hook(dev, irq, arg);
    if (err)
        goto err_free;
    virtio_queue_irq(dev, TXQ, 0);
    for (unsigned i = 0; i < vn->nrx; i++)
        net_post_rx(vn, i);
    virtio_ready(dev);
    virtio_kick(dev, RXQ);
    return 0;

err_free:
    page_free(vn->rx, net_pages(vn));
err_fail:
    virtio_fail(dev);
    return err;
}

/*
 * Hand each received frame (without the virtio header) to fn, at most
 * budget of them, giving every buffer back to the device afterwards.
 * Returns how many frames there were.
 */
int virtio_net_rx(struct virtio_net *vn, void (*fn)(void *arg, const uint8_t *frame, size_t len),
                  void *arg, int budget)
{
    int n = 0;
    uint32_t len;
    int head;
    while (n < budget && (head = virtio_reap(&vn->dev, RXQ, &len)) >= 0) {
        unsigned i = vn->rx_of[head];
        if (len > vn->hdr_len && len <= VNET_BUF)
            fn(arg, vn->rx + (size_t)i * VNET_BUF + vn->hdr_len, len - vn->hdr_len);
        else
            vn->rx_bad++;
        net_post_rx(vn, i);
        n++;
    }
    if (n)
        virtio_kick(&vn->dev, RXQ);
    return n;
}

/*
 * Receive interrupts on or off: off while the network thread drains the
 * queue, so a burst of frames costs one interrupt, not one each (NAPI's
 * idea). After turning them back on, check virtio_net_rx_pending: a frame
 * that came in between raised none.
 */
void virtio_net_rx_irq(struct virtio_net *vn, int on)
{
    virtio_queue_irq(&vn->dev, RXQ, on);
}

/* A received frame waits for virtio_net_rx. */
int virtio_net_rx_pending(struct virtio_net *vn)
{
    return virtio_used_pending(&vn->dev, RXQ);
}

/* Take back the transmit buffers the device has finished with. */
void virtio_net_tx_reclaim(struct virtio_net *vn)
{
    int head;
    while ((head = virtio_reap(&vn->dev, TXQ, 0)) >= 0)
        vn->tx_free[vn->tx_nfree++] = vn->tx_of[head];
}

/*
 * A free transmit buffer's frame area (VNET_FRAME_MAX bytes), or 0 if the
 * device still holds them all. The caller fills it and passes it to
 * virtio_net_tx before asking for another.
 */
uint8_t *virtio_net_tx_buf(struct virtio_net *vn)
{
    if (!vn->tx_nfree)
        virtio_net_tx_reclaim(vn);
    if (!vn->tx_nfree)
        return 0;
    uint8_t *b = vn->tx + (size_t)vn->tx_free[vn->tx_nfree - 1] * VNET_BUF;
    memset(b, 0, vn->hdr_len);      /* no checksum offload, no GSO, num_buffers 0 */
    return b + vn->hdr_len;
}

/* Send the len-byte frame written into the buffer virtio_net_tx_buf gave. 0 or negative. */
int virtio_net_tx(struct virtio_net *vn, size_t len)
{
    if (!vn->tx_nfree || len > VNET_FRAME_MAX)
        return MOTE_EINVAL;
    unsigned i = vn->tx_free[vn->tx_nfree - 1];
    struct virtio_buf b = {vn->tx + (size_t)i * VNET_BUF, (uint32_t)(vn->hdr_len + len), 0};
    int head = virtio_post(&vn->dev, TXQ, &b, 1);
    if (head < 0)
        return head;
    vn->tx_nfree--;
    vn->tx_of[head] = (uint8_t)i;
    virtio_kick(&vn->dev, TXQ);
    return 0;
}
