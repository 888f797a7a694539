/*
 * virtio over virtio-mmio (virtio 1.x spec, section 4.2), legacy (version 1)
 * and modern (version 2) windows (mmio.c), split virtqueues (ring.c), and
 * the virtio-blk driver on top (blk.c). Internal to the kernel and
 * the bootloader; apps use mote_flash_* (flash.c).
 *
 * A struct virtio_dev must stay where it is once a request was made: its
 * interrupt handler keeps a pointer to it (and its queues live in it).
 *
 * Waiting: from a thread the caller sleeps on a semaphore that the device's
 * interrupt posts; before the scheduler runs (the bootloader, early boot)
 * the CPU sleeps until the interrupt is pending (arch_wait_irq); from an
 * interrupt handler, or without an IRQ, the used ring is polled.
 *
 * DMA: the device reads and writes memory by physical address. Only memory
 * from page_alloc() (identity-mapped) may be handed to it; thread stacks are
 * NOT at their physical address. virtio_blk bounces every transfer through
 * its own pages, so its callers may pass any buffer.
 */
#ifndef VIRTIO_H
#define VIRTIO_H

#include <stddef.h>
#include <stdint.h>
#include <mote.h>

#define VIRTIO_ID_NET     1
#define VIRTIO_ID_BLOCK   2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG     4

#define VIRTIO_F_VERSION_1 32   /* feature bit numbers, as in the spec */

#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2    /* the device writes this buffer */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1  /* driver to device: no interrupt needed (a hint) */
#define VIRTQ_USED_F_NO_NOTIFY 1      /* device to driver: no doorbell needed (a hint) */

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

/* One split virtqueue: descriptors + avail ring in its first page, used ring in the next. */
struct virtq {
    unsigned index;            /* queue number on the device */
    uint16_t size;             /* entries: a power of two */
    uint16_t free_head;        /* first free descriptor, chained through `next` */
    uint16_t nfree;
    uint16_t last_used;        /* used->idx up to which we have consumed */
    struct virtq_desc *desc;
    struct virtq_avail *avail;
    volatile struct virtq_used *used;
    struct mote_sem done;      /* posted by the device's IRQ for every used buffer */
    struct mote_mutex lock;    /* one virtio_transfer at a time (threads only) */
};

#define VIRTIO_MAX_QUEUES 2

struct virtio_dev {
    uintptr_t base;            /* MMIO window */
    unsigned window;           /* index of the window on the board */
    unsigned irq;              /* board.virtio_irq + window */
    uint32_t version;          /* 1 legacy, 2 modern */
    uint32_t device_id;
    uint64_t features;         /* negotiated */
    int irq_state;             /* 0 not tried, 1 attached, <0 irq_attach failed: poll */
    int broken;                /* a request timed out: the device owns our buffers */
    void (*hook)(void *);      /* virtio_irq_hook: the driver's interrupt handler, or 0 */
    void *hook_arg;
    struct virtq *queues[VIRTIO_MAX_QUEUES];   /* &vqs[i] once set up, else 0 */
    struct virtq vqs[VIRTIO_MAX_QUEUES];       /* here, not malloc'ed: no heap in the driver */
};

/* One buffer of a descriptor chain. `addr` must be DMA-able (see above). */
struct virtio_buf {
    void *addr;
    uint32_t len;
    int device_writes;         /* 1: the device fills it (a read request's data, a status byte) */
};

/* Window number `n` of the board, if it holds a device (magic, version 1/2, id != 0). */
int virtio_probe(unsigned n, struct virtio_dev *dev);
/* The `nth` (0-based) window holding device `id`, from the last one down. MOTE_ENODEV if none. */
int virtio_find(uint32_t id, unsigned nth, struct virtio_dev *dev);
/*
 * Reset, ACKNOWLEDGE, DRIVER, then offer the device's features masked by
 * `wanted` (VIRTIO_F_VERSION_1 is added and required on a modern window).
 * On return the device is in FEATURES_OK (modern) and dev->features holds
 * the result; set up queues, then virtio_ready(). MOTE_EIO if the device refuses.
 */
int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted);
/* Allocate and register queue `index` with at most `max_size` entries. */
int virtio_queue_setup(struct virtio_dev *dev, unsigned index, uint16_t max_size);
/* Set DRIVER_OK: the device may now be used. */
void virtio_ready(struct virtio_dev *dev);
/* Mark the device FAILED and free its queues (on a failed init). */
void virtio_fail(struct virtio_dev *dev);

/* Aligned 32-bit / 64-bit reads of the device-specific config space at byte `off`. */
uint32_t virtio_config_read32(struct virtio_dev *dev, unsigned off);
uint64_t virtio_config_read64(struct virtio_dev *dev, unsigned off);

/*
 * Submit one chain of `n` buffers on queue `qi`, notify the device and wait
 * until it returns the chain (polling or IRQ, see above). `*written` (may be
 * NULL) gets the byte count the device reports. Returns 0, MOTE_ETIMEDOUT
 * (the device is then marked broken), MOTE_EIO on a broken device, or
 * MOTE_EINVAL (too many buffers, or one that is not DMA-able memory).
 * Thread-safe per queue. From an IRQ handler only while no thread uses the
 * same queue (the handler's poll would consume the thread's completion).
 */
int virtio_transfer(struct virtio_dev *dev, unsigned qi, const struct virtio_buf *bufs, unsigned n,
                    uint32_t *written);
/*
 * virtio_transfer() in two halves, before the scheduler runs only: start
 * hands the chain to the device and returns its head at once, wait waits
 * for it. Nothing else may use the queue in between. Lets the bootloader
 * work while the device reads.
 */
int virtio_start(struct virtio_dev *dev, unsigned qi, const struct virtio_buf *bufs, unsigned n,
                 uint16_t *head);
int virtio_wait(struct virtio_dev *dev, unsigned qi, uint16_t head, uint32_t *written);

/*
 * ---- asynchronous queues (ring.c), for devices that are not request and
 * answer (a NIC's receive ring, its transmit completions). The driver owns
 * such a queue: no virtio_transfer on it, and it serialises these calls. ----
 */
/*
 * Attach the device's IRQ now with fn(arg) as the handler (run in interrupt
 * context, after the interrupt is acknowledged, for used-buffer interrupts).
 * Before the first virtio_post. 0, or MOTE_EINVAL (IRQ taken or already attached).
 */
int virtio_irq_hook(struct virtio_dev *dev, void (*fn)(void *), void *arg);
/* Acknowledge whatever interrupt is pending (recovers a lost x86 edge); any context. */
void virtio_irq_ack(struct virtio_dev *dev);
/*
 * Put one chain on queue qi without ringing the doorbell (virtio_kick does);
 * returns its head (>= 0), the id virtio_reap gives back for it, or
 * MOTE_EAGAIN (no free descriptors), MOTE_EINVAL, MOTE_EIO (broken device).
 */
int virtio_post(struct virtio_dev *dev, unsigned qi, const struct virtio_buf *bufs, unsigned n);
/* Tell the device about the chains posted (skipped while it says it polls). */
void virtio_kick(struct virtio_dev *dev, unsigned qi);
/*
 * Take back one chain the device is done with: its head (>= 0) and *len,
 * the bytes it wrote; MOTE_EAGAIN when it has returned nothing new.
 */
int virtio_reap(struct virtio_dev *dev, unsigned qi, uint32_t *len);
/* Ask for used-buffer interrupts on queue qi (on 1) or not (0); a hint the device may ignore. */
void virtio_queue_irq(struct virtio_dev *dev, unsigned qi, int on);
/* Has the device returned buffers on queue qi that virtio_reap has not taken yet? */
int virtio_used_pending(struct virtio_dev *dev, unsigned qi);

/* ---- blk.c: virtio-blk ---- */
#define VIRTIO_BLK_SECTOR 512u

struct virtio_blk {
    struct virtio_dev dev;
    uint64_t sectors;          /* capacity in 512-byte sectors */
    uint32_t block_size;       /* the device's preferred block size (512 if not offered) */
    int read_only;
    int can_flush;
    uint8_t *req;              /* one DMA page: request header + status byte */
    uint8_t *bounce;           /* the window: DMA pages every transfer goes through */
    size_t window_pages;       /* its size, which bounds one request */
    uint64_t win_sector;       /* it holds sectors [win_sector, win_sector + win_count) */
    uint32_t win_count;
    int fetching;              /* a virtio_blk_prefetch() is still under way: */
    uint16_t fetch_head;       /* its chain, and the window it will be */
    uint64_t fetch_sector;
    uint32_t fetch_count;
    struct mote_mutex lock;    /* one request at a time on req and bounce (threads only) */
};

/*
 * Find the `nth` virtio-blk device and bring it up with a `window` of that
 * many bytes (see virtio_blk_read). MOTE_ENODEV if there is none.
 */
int virtio_blk_init(struct virtio_blk *blk, unsigned nth, size_t window);
/*
 * Read `len` bytes at byte `offset` (any alignment) / write `nsectors`
 * 512-byte sectors at `sector`. `buf` may be anywhere: everything is copied
 * through the window. A read request always fills the whole window (from
 * the first sector it lacks), so reading nearby bytes next needs no
 * request. MOTE_EINVAL if the range is past the end, MOTE_EPERM writing a
 * read-only device, MOTE_EIO if the device reports an error.
 */
int virtio_blk_read(struct virtio_blk *blk, uint64_t offset, void *buf, size_t len);
int virtio_blk_write(struct virtio_blk *blk, uint64_t sector, const void *buf, size_t nsectors);
/* Make written data durable; 0 at once if the device has no write cache to flush. */
int virtio_blk_flush(struct virtio_blk *blk);
/*
 * Start filling the window from the sector holding `offset` and return at
 * once; the next call on blk waits for it. Before the scheduler runs only
 * (virtio_start). A failed read-ahead just leaves the window empty.
 */
int virtio_blk_prefetch(struct virtio_blk *blk, uint64_t offset);

/* ---- net.c: virtio-net ---- */
#define VNET_BUF 2048           /* one receive or transmit buffer: header + frame */
#define VNET_FRAME_MAX 1514     /* Ethernet header + 1500, no FCS */
#define VNET_RX_BUFS 64
#define VNET_TX_BUFS 64

struct virtio_net {
    struct virtio_dev dev;
    uint8_t mac[6];
    uint16_t hdr_len;          /* struct virtio_net_hdr: 10 legacy, 12 modern */
    uint16_t nrx, ntx;         /* buffers, one per queue entry */
    uint16_t tx_nfree;
    uint8_t *rx, *tx;          /* DMA pages: nrx, then ntx buffers of VNET_BUF */
    uint8_t rx_of[VNET_RX_BUFS];   /* chain head -> buffer */
    uint8_t tx_of[VNET_TX_BUFS];
    uint8_t tx_free[VNET_TX_BUFS]; /* a stack of free transmit buffers */
    uint32_t rx_bad;           /* buffers returned too short or too long */
};

/* See net.c; every call but init from one thread at a time (the network thread's lock). */
int virtio_net_init(struct virtio_net *vn, unsigned nth, void (*irq)(void *), void *arg);
int virtio_net_rx(struct virtio_net *vn, void (*fn)(void *arg, const uint8_t *frame, size_t len),
                  void *arg, int budget);
uint8_t *virtio_net_tx_buf(struct virtio_net *vn);
int virtio_net_tx(struct virtio_net *vn, size_t len);
void virtio_net_tx_reclaim(struct virtio_net *vn);
void virtio_net_rx_irq(struct virtio_net *vn, int on);
int virtio_net_rx_pending(struct virtio_net *vn);

/* ---- rng.c: virtio-rng (entropy) ---- */
/*
 * Fill buf (any memory) with n bytes from the first virtio-rng device,
 * brought up on first use. Thread context or before the scheduler; blocks.
 * MOTE_ENODEV if the board has none, MOTE_EIO/MOTE_ETIMEDOUT if it fails.
 */
int virtio_rng_read(void *buf, size_t n);

#endif

