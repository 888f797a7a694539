/*
 * mote/kv.h - a small key-value store in flash that survives a power cut
 * at any moment (a set either happened or did not; nothing else changes)
 * and spreads its writes over its whole area, rotating through it 4 KiB at
 * a time. As Zephyr's NVS or ESP-IDF's NVS. docs/device-api.md, "Key-value
 * store".
 *
 * Give it a part of a writable partition: whole 4 KiB sectors, at least 2.
 * More sectors spread the wear wider; every get reads the sectors written
 * since the oldest live one, so keep it modest (8-16 sectors). The values
 * alive at once must fit in (sectors - 1) x 4 KiB, entry overheads included
 * (8 bytes + key + value, rounded up to 8). Setting a key to the value it
 * already has writes nothing.
 *
 * Each call may block on the flash; a store may be used from several
 * threads (it locks). Not from interrupt handlers.
 */
#ifndef MOTE_KV_H
#define MOTE_KV_H

#include <mote.h>
#include <mote/partition.h>

#define MOTE_ENOSPC (-28)          /* the store is full */
#define MOTE_KV_KEY_MAX 31         /* bytes of a key (a C string, at least 1) */
#define MOTE_KV_VALUE_MAX 1024     /* bytes of a value */
#define MOTE_KV_SECTOR 4096

struct mote_kv {
    struct mote_partition part;    /* where it lives (offset and size are its own area) */
    struct mote_mutex lock;
    void *impl;                    /* private */
};

/*
 * Open the store on [offset, offset + size) of partition `p` (a blank area
 * becomes an empty store). 0, MOTE_EINVAL (not whole sectors, fewer than 2,
 * outside p), MOTE_EPERM (p is not writable), MOTE_ENOMEM, or an I/O error.
 */
int mote_kv_mount(struct mote_kv *kv, const struct mote_partition *p, uint64_t offset, uint64_t size);
/* Store `len` bytes under `key`, durably. 0, MOTE_EINVAL (bad key or length), MOTE_ENOSPC. */
int mote_kv_set(struct mote_kv *kv, const char *key, const void *value, size_t len);
/*
 * Read the value of `key` into buf (at most `size` bytes). Returns its full
 * length (which may be more than `size`: then buf holds the start), or
 * MOTE_ENOENT.
 */
int mote_kv_get(struct mote_kv *kv, const char *key, void *buf, size_t size);
/* Remove `key`. 0 or MOTE_ENOENT. */
int mote_kv_delete(struct mote_kv *kv, const char *key);

#endif
