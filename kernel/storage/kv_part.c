/* mote_kv_* (mote/kv.h): the store of kv.c on part of a partition, under a mutex. */
#include <core/core.h>
#include "storage.h"

static int part_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct mote_kv *kv = ctx;
    return mote_partition_read(&kv->part, off, buf, len);
}

static int part_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    struct mote_kv *kv = ctx;
    return mote_partition_write(&kv->part, off, buf, len);
}

int mote_kv_mount(struct mote_kv *kv, const struct mote_partition *p, uint64_t offset, uint64_t size)
{
    if (!kv || !p || offset % KV_SECTOR || size % KV_SECTOR || size < 2 * KV_SECTOR ||
        offset > p->size || size > p->size - offset || size / KV_SECTOR > UINT32_MAX)
        return MOTE_EINVAL;
    if (!p->writable)
        return MOTE_EPERM;
    struct kv *impl = calloc(1, sizeof(*impl));
    if (!impl)
        return MOTE_ENOMEM;
    kv->part = *p;
    kv->part.offset += offset;
    kv->part.size = size;
    mote_mutex_init(&kv->lock);
    struct kv_io io = { part_read, part_write, kv };
    int err = kv_mount(impl, &io, (uint32_t)(size / KV_SECTOR));
    if (err) {
        free(impl);
        kv->impl = 0;
        return err;
    }
    kv->impl = impl;
    return 0;
}

int mote_kv_set(struct mote_kv *kv, const char *key, const void *value, size_t len)
{
    if (!kv || !kv->impl)
        return MOTE_EINVAL;
    mote_mutex_lock(&kv->lock);
    int r = kv_set(kv->impl, key, value, len);
    mote_mutex_unlock(&kv->lock);
    return r;
}

int mote_kv_get(struct mote_kv *kv, const char *key, void *buf, size_t size)
{
    if (!kv || !kv->impl)
        return MOTE_EINVAL;
    mote_mutex_lock(&kv->lock);
    int r = kv_get(kv->impl, key, buf, size);
    mote_mutex_unlock(&kv->lock);
    return r;
}

int mote_kv_delete(struct mote_kv *kv, const char *key)
{
    if (!kv || !kv->impl)
        return MOTE_EINVAL;
    mote_mutex_lock(&kv->lock);
    int r = kv_delete(kv->impl, key);
    mote_mutex_unlock(&kv->lock);
    return r;
}
