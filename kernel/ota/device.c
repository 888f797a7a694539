/*
 * The OTA agent's hands on this device (struct ota_env, ota.h): the
 * inactive slot through the update path's flash_write, the bootloader's own
 * checks (update/slot_check.c) with the keys the bootloader handed on, the
 * boot-state record, the progress record in the persist partition, and
 * mote_reboot. The MQTT side of the env is service.c's.
 */
#include <hal/board.h>
#include <core/core.h>
#include <crypto/crypto.h>
#include <drivers/drivers.h>
#include <update/update.h>
#include "service.h"

#define HASH_STEP 4096u
#define PROGRESS_AT (2u * 4096)    /* the records' place in persist (docs/ota-protocol.md) */
#define FLASH_SECTOR 512u          /* the flash's write unit (drivers/flash.c: virtio-blk's sector) */

static uint8_t hash_buf[HASH_STEP];

static uint64_t slot_offset(const struct ota_device *d)
{
    return board.part_offset[PART_SLOT_A + d->inactive];
}

/*
 * The other slot may be written only while the running image is confirmed:
 * during a TEST boot of an image the flasher put there, the other slot holds
 * the only image the bootloader would go back to.
 */
static bool slot_writable(const struct ota_device *d)
{
    return !d->testing || bootctl_confirmed();
}

static int slot_write(void *ctx, uint32_t off, const void *data, size_t len)
{
    struct ota_device *d = ctx;
    if (!slot_writable(d) || off > d->board.slot_size || len > d->board.slot_size - off)
        return MOTE_EPERM;
    uint64_t t = mote_uptime_ns();
    int err = flash_write(slot_offset(d) + off, data, len, 0);
    d->write_ns += mote_uptime_ns() - t;
    return err;
}

static int slot_sync(void *ctx)
{
    struct ota_device *d = ctx;
    uint64_t t = mote_uptime_ns();
    int err = flash_sync();
    d->sync_ns += mote_uptime_ns() - t;
    d->syncs++;
    return err;
}

static void reason(char *why, const char *fmt, const char *detail)
{
    snprintf(why, OTA_REASON_MAX, fmt, detail);
}

static int check_header(void *ctx, const uint8_t *hdr, size_t len, uint32_t size, char *why)
{
    struct ota_device *d = ctx;
    struct image_info in;
    const char *bad;
    if (!slot_writable(d)) {
        reason(why, "%s", "the running image is on trial (not confirmed): its slot's partner "
                          "holds the only image to go back to");
        return MOTE_EPERM;
    }
    if (len < IMAGE_HEADER_SIZE) {
        reason(why, "%s", "first chunk shorter than an image header");
        return MOTE_EINVAL;
    }
    if (slot_check_header(hdr, d->min_counter, &d->board, &in, &bad)) {
        reason(why, "%s", bad);
        return MOTE_EINVAL;
    }
    uint64_t total = (uint64_t)IMAGE_HEADER_SIZE + in.payload_size + IMAGE_SIG_SIZE;
    if (total != size) {
        snprintf(why, OTA_REASON_MAX, "the header says %llu bytes, the offer %u",
                 (unsigned long long)total, (unsigned)size);
        return MOTE_EINVAL;
    }
    d->started_ms = mote_uptime_ms();
    printf("[mote] ota: %s %u.%u.%u, %u bytes, downloading into slot %c\n", in.app_name,
           (unsigned)in.version[0], (unsigned)in.version[1], (unsigned)in.version[2], (unsigned)size,
           d->inactive == SLOT_A ? 'A' : 'B');
    return 0;
}

static int verify_slot(void *ctx, uint32_t size, const uint8_t sha[32], char *why)
{
    struct ota_device *d = ctx;
    struct sha256_ctx s;
    uint8_t digest[32];
    struct image_info in;
    const char *bad;
    uint64_t took = mote_uptime_ms() - d->started_ms;
    printf("[mote] ota: all %u bytes in slot %c after %llu ms (%llu KiB/s; flash writes %llu ms, "
           "%u syncs %llu ms); checking them\n", (unsigned)size, d->inactive == SLOT_A ? 'A' : 'B',
           (unsigned long long)took, (unsigned long long)(took ? (uint64_t)size * 1000 / 1024 / took : 0),
           (unsigned long long)(d->write_ns / 1000000), (unsigned)d->syncs,
           (unsigned long long)(d->sync_ns / 1000000));
    sha256_init(&s);
    for (uint32_t done = 0; done < size;) {
        uint32_t n = size - done < HASH_STEP ? size - done : HASH_STEP;
        if (mote_flash_read(slot_offset(d) + done, hash_buf, n)) {
            reason(why, "%s", "flash: could not read the slot back");
            return MOTE_EIO;
        }
        sha256_update(&s, hash_buf, n);
        done += n;
    }
    sha256_final(&s, digest);
    if (memcmp(digest, sha, 32)) {
        reason(why, "%s", "sha256: the image in the slot is not the one offered");
        return MOTE_EINVAL;
    }
    enum slot_verdict v = slot_check(&d->keys, d->inactive, &d->board, d->min_counter, 0, &in, &bad);
    if (v == VERDICT_SIGNATURE)
        reason(why, "signature: %s", bad);
    else if (v)
        reason(why, "%s", bad);
    return v ? MOTE_EINVAL : 0;
}

static int set_pending(void *ctx)
{
    struct ota_device *d = ctx;
    struct boot_state st;
    int err = bootstate_load(&bootstate_flash, &st);
    if (!err)
        err = bootstate_set_pending(&st, d->inactive);
    if (!err)
        err = bootstate_store(&bootstate_flash, &st);
    return err;
}

static int clear_pending(void *ctx)
{
    struct ota_device *d = ctx;
    struct boot_state st;
    int err = bootstate_load(&bootstate_flash, &st);
    if (err || st.pending != d->inactive)
        return err;
    st.pending = SLOT_NONE;
    st.tries = 0;
    return bootstate_store(&bootstate_flash, &st);
}

static void reboot(void *ctx)
{
    (void)ctx;
    printf("[mote] ota: restarting into the new image (TEST boot)\n");
    mote_reboot();
}

static bool app_confirmed(void *ctx)
{
    (void)ctx;
    return bootctl_confirmed();
}

static int progress_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    (void)ctx;
    if (off > PROGRESS_REGION || len > PROGRESS_REGION - off)
        return MOTE_EINVAL;
    return mote_flash_read(board.part_offset[PART_PERSIST] + PROGRESS_AT + off, buf, len);
}

/*
 * A record (256 bytes at the start of its copy's 4 KiB) goes out as the
 * whole sector, zero-padded: the rest of the sector is unused, and a partial
 * one would cost the driver a read first (drivers/flash.c).
 */
static int progress_put(uint64_t off, const void *buf, size_t len, int sync)
{
    static uint8_t sector[FLASH_SECTOR];
    if (off > PROGRESS_REGION || len > PROGRESS_REGION - off)
        return MOTE_EINVAL;
    uint64_t at = board.part_offset[PART_PERSIST] + PROGRESS_AT + off;
    if (at % FLASH_SECTOR || len > FLASH_SECTOR)
        return flash_write(at, buf, len, sync);
    memset(sector, 0, sizeof(sector));
    memcpy(sector, buf, len);
    return flash_write(at, sector, sizeof(sector), sync);
}

static int progress_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    (void)ctx;
    return progress_put(off, buf, len, 1);
}

/* ota.h, progress_lazy: right after a slot sync, which makes the previous record durable too. */
static int progress_write_lazy(void *ctx, uint64_t off, const void *buf, size_t len)
{
    (void)ctx;
    return progress_put(off, buf, len, 0);
}

int ota_device_init(struct ota_device *d, struct ota_env *env, char *why, size_t why_size)
{
    struct mote_boot_status bs;
    memset(d, 0, sizeof(*d));
    if (mote_boot_status(&bs)) {
        snprintf(why, why_size, "no boot state: not started by the Mote bootloader");
        return MOTE_ENODEV;
    }
    d->running = (uint8_t)(bs.slot == 'B' ? SLOT_B : SLOT_A);
    d->inactive = d->running ^ 1;
    int err = bootctl_trusted_keys(&d->keys, d->inactive, &d->board);
    if (err) {
        snprintf(why, why_size, err == MOTE_ENOENT ? "the bootloader handed on no trusted keys"
                                                   : "the bootloader's handoff block is damaged");
        return MOTE_ENODEV;
    }
    d->testing = bs.testing;
    d->min_counter = bs.min_security_counter;
    snprintf(d->version, sizeof(d->version), "%u.%u.%u", (unsigned)bs.version[0],
             (unsigned)bs.version[1], (unsigned)bs.version[2]);
    d->progress = (struct flash_io){ progress_read, progress_write, d };
    d->progress_lazy = (struct flash_io){ progress_read, progress_write_lazy, d };
    env->ctx = d;
    env->slot_write = slot_write;
    env->slot_sync = slot_sync;
    env->check_header = check_header;
    env->verify_slot = verify_slot;
    env->set_pending = set_pending;
    env->clear_pending = clear_pending;
    env->reboot = reboot;
    env->app_confirmed = app_confirmed;
    env->progress = &d->progress;
    env->progress_lazy = &d->progress_lazy;
    return 0;
}
