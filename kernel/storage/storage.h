/*
 * storage/: the app's view of the flash. Partitions by name from the
 * profile (partition.c, which also says which ranges app code may not
 * write), and a power-safe key-value store (kv.c: pure logic over byte
 * I/O, host-tested; kv_part.c: mote_kv_* on a partition).
 */
#ifndef STORAGE_STORAGE_H
#define STORAGE_STORAGE_H

#include <stddef.h>
#include <stdint.h>
#include <mote.h>

/* ---- partition.c ---- */
/*
 * The system's records at the start of the persist partition (recovery
 * resume record, device identity, OTA progress copies, crash records:
 * docs/ota-protocol.md, "The device's persist partition"); the app's part
 * begins after them.
 */
#define PERSIST_RESERVED (24u * 1024)
/* 1 if app code may not write [offset, offset + len) of the flash (mote_flash_write). */
int partition_protected(uint64_t offset, uint64_t len);

/* ---- kv.c: the store, over byte I/O relative to its area ---- */
#define KV_SECTOR 4096u
#define KV_KEY_MAX MOTE_KV_KEY_MAX
#define KV_VALUE_MAX MOTE_KV_VALUE_MAX

struct kv_io {
    int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
    int (*write)(void *ctx, uint64_t off, const void *buf, size_t len);
    void *ctx;
};

struct kv {
    struct kv_io io;
    uint32_t sectors;   /* the area is sectors * KV_SECTOR bytes */
    uint32_t cur;       /* the sector writes go to */
    uint32_t seq;       /* its sequence number */
    uint32_t wpos;      /* where the next entry goes in it */
    int mounted;
};

/*
 * Mount the store on `sectors` (>= 2) sectors through `io`: a blank area
 * is formatted, a collection a power cut interrupted is finished. 0,
 * MOTE_EINVAL (fewer than 2 sectors) or an I/O error.
 */
int kv_mount(struct kv *kv, const struct kv_io *io, uint32_t sectors);
/* As mote_kv_set / mote_kv_get / mote_kv_delete (mote/kv.h). */
int kv_set(struct kv *kv, const char *key, const void *value, size_t len);
int kv_get(struct kv *kv, const char *key, void *buf, size_t size);
int kv_delete(struct kv *kv, const char *key);

#endif
