/* The fake device and server of the agent's tests (fake.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include <ota/control.h>
#include <crypto/crypto.h>
#include "fake.h"
#include <mote.h>

/* ---- images ---- */

static void put32le(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

static uint32_t get32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void fake_image_make(struct fake_image *im, uint32_t payload, const char *profile, uint32_t counter,
                     const char *version, uint8_t key, uint32_t seed)
{
    unsigned maj = 0, min = 0, pat = 0;
    sscanf(version, "%u.%u.%u", &maj, &min, &pat);
    im->size = 256 + payload + 104;
    im->bytes = calloc(1, im->size);
    uint8_t *h = im->bytes;
    memcpy(h, "MOTE", 4);
    h[4] = 1;
    h[7] = 1;                       /* header size 256 */
    h[8] = 1;                       /* arm64 */
    put32le(h + 0x0c, payload);
    put32le(h + 0x20, maj);
    put32le(h + 0x24, min);
    put32le(h + 0x28, pat);
    put32le(h + 0x2c, counter);
    strncpy((char *)h + 0x30, profile ? profile : "qemu-virt-arm64", 31);
    strncpy((char *)h + 0x50, "telemetry", 31);
    uint32_t x = seed * 2654435761u + 1;
    for (uint32_t i = 0; i < payload; i++) {
        x = x * 1103515245u + 12345u;
        h[256 + i] = (uint8_t)(x >> 16);
    }
    sha256(h + 256, payload, h + 0x70);
    uint8_t *sig = h + 256 + payload;
    memcpy(sig, "MSIG", 4);
    sig[4] = 1;
    sig[6] = 64;
    memset(sig + 8, key, 32);
    memset(sig + 40, 0x5a, 64);
    sha256(im->bytes, im->size, im->sha);
    for (int i = 0; i < 32; i++)
        sprintf(im->sha_hex + 2 * i, "%02x", im->sha[i]);
    snprintf(im->version, sizeof(im->version), "%s", version);
}

void fake_image_free(struct fake_image *im)
{
    free(im->bytes);
    im->bytes = NULL;
}

/* ---- the env ---- */

static int f_publish(void *ctx, const char *leaf, const void *payload, size_t len, int qos)
{
    struct fake *f = ctx;
    CHECK(qos == 1);
    CHECK(len < FAKE_LINE && len <= CTL_MAX);
    CHECK(!strncmp(payload, leaf, strlen(leaf)));   /* the leaf is the verb */
    CHECK(f->a.connected);
    char *line = f->log[f->nlog++ % FAKE_LOG];
    size_t n = len < FAKE_LINE - 1 ? len : FAKE_LINE - 1;
    memcpy(line, payload, n);
    line[n] = 0;
    return 0;
}

static void f_reconnect(void *ctx)
{
    ((struct fake *)ctx)->reconnects++;
}

static int f_slot_write(void *ctx, uint32_t off, const void *data, size_t len)
{
    struct fake *f = ctx;
    CHECK(off + len <= FAKE_SLOT_SIZE);
    if (f->fail_slot_write || off + len > FAKE_SLOT_SIZE)
        return MOTE_EIO;
    memcpy(f->slot + off, data, len);
    f->slot_written += len;
    f->synced = false;
    return 0;
}

static int f_slot_sync(void *ctx)
{
    ((struct fake *)ctx)->synced = true;
    return 0;
}

static int f_check_header(void *ctx, const uint8_t *hdr, size_t len, uint32_t size, char *why)
{
    struct fake *f = ctx;
    CHECK(len >= 256);
    char profile[33] = "";
    memcpy(profile, hdr + 0x30, 32);
    uint32_t counter = get32le(hdr + 0x2c), payload = get32le(hdr + 0x0c);
    if (memcmp(hdr, "MOTE", 4))
        return snprintf(why, OTA_REASON_MAX, "bad magic"), -1;
    if (strcmp(profile, f->profile))
        return snprintf(why, OTA_REASON_MAX, "profile mismatch: image is for %s, device is %s",
                        profile, f->profile), -1;
    if (counter < f->boot.counter)
        return snprintf(why, OTA_REASON_MAX, "downgrade: security counter %u < %u", counter,
                        f->boot.counter), -1;
    if (256u + payload + 104u != size)
        return snprintf(why, OTA_REASON_MAX, "header says %u bytes, offer %u", 256 + payload + 104,
                        size), -1;
    return 0;
}

static int f_verify_slot(void *ctx, uint32_t size, const uint8_t sha[32], char *why)
{
    struct fake *f = ctx;
    uint8_t got[32];
    sha256(f->slot, size, got);
    if (memcmp(got, sha, 32))
        return snprintf(why, OTA_REASON_MAX, "sha256 mismatch"), -1;
    const uint8_t *key = f->slot + size - 96;
    for (int i = 0; i < 32; i++)
        if (key[i] != f->trusted_key)
            return snprintf(why, OTA_REASON_MAX, "signature: unknown key id %02x%02x%02x%02x", key[0],
                            key[1], key[2], key[3]), -1;
    return 0;
}

static int f_set_pending(void *ctx)
{
    struct fake *f = ctx;
    if (f->fail_pending)
        return MOTE_EIO;
    f->pending = true;
    return 0;
}

static int f_clear_pending(void *ctx)
{
    struct fake *f = ctx;
    f->pending = false;
    f->pending_clears++;
    return 0;
}

static void f_reboot(void *ctx)
{
    ((struct fake *)ctx)->rebooted = true;
}

static bool f_confirmed(void *ctx)
{
    return ((struct fake *)ctx)->confirmed;
}

static int p_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct fake *f = ctx;
    CHECK(off + len <= PROGRESS_REGION);
    memcpy(buf, f->persist + off, len);
    return 0;
}

static int p_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    struct fake *f = ctx;
    CHECK(off + len <= PROGRESS_REGION);
    for (size_t i = 0; i < len; i++) {
        if (f->budget == 0)
            return MOTE_EIO;   /* the power is gone: the rest never reaches the flash */
        f->persist[off + i] = ((const uint8_t *)buf)[i];
        if (f->budget > 0)
            f->budget--;
    }
    return 0;
}

/* A record without a flush: only right after a slot sync, which covers what it claims (ota.h). */
static int p_write_lazy(void *ctx, uint64_t off, const void *buf, size_t len)
{
    struct fake *f = ctx;
    CHECK(f->synced);
    f->lazy_saves++;
    return p_write(ctx, off, buf, len);
}

struct fake *fake_new(const char *version, uint32_t counter)
{
    struct fake *f = calloc(1, sizeof(*f));
    f->slot = calloc(1, FAKE_SLOT_SIZE);
    f->budget = -1;
    f->trusted_key = 0xa7;
    snprintf(f->profile, sizeof(f->profile), "qemu-virt-arm64");
    snprintf(f->version, sizeof(f->version), "%s", version);
    f->pio = (struct flash_io){ p_read, p_write, f };
    f->lazy_pio = (struct flash_io){ p_read, p_write_lazy, f };
    f->env = (struct ota_env){
        .ctx = f, .publish = f_publish, .request_reconnect = f_reconnect,
        .slot_write = f_slot_write, .slot_sync = f_slot_sync, .check_header = f_check_header,
        .verify_slot = f_verify_slot, .set_pending = f_set_pending,
        .clear_pending = f_clear_pending, .reboot = f_reboot, .app_confirmed = f_confirmed,
        .progress = &f->pio, .progress_lazy = &f->lazy_pio,
    };
    f->boot = (struct ota_boot){ .profile = f->profile, .version = f->version, .counter = counter,
                                 .slot = SLOT_A, .slot_size = FAKE_SLOT_SIZE, .max_chunk = 16384 };
    fake_boot(f, SLOT_A, false, version);
    return f;
}

void fake_free(struct fake *f)
{
    free(f->slot);
    free(f);
}

int fake_boot(struct fake *f, uint8_t slot, bool testing, const char *version)
{
    snprintf(f->version, sizeof(f->version), "%s", version);
    f->boot.slot = slot;
    f->boot.testing = testing;
    f->rebooted = false;
    f->budget = -1;
    f->qlen = 0;             /* chunks on their way are lost, and so are unanswered requests */
    f->served = f->nlog;
    return ota_agent_init(&f->a, &f->env, &f->boot, f->now);
}

void fake_connect(struct fake *f)
{
    ota_agent_connected(&f->a, f->now);
}

void fake_disconnect(struct fake *f)
{
    ota_agent_disconnected(&f->a);
}

/* ---- the log ---- */

const char *fake_next(struct fake *f)
{
    if (f->nlog - f->read > FAKE_LOG)
        f->read = f->nlog - FAKE_LOG;
    return f->read < f->nlog ? f->log[f->read++ % FAKE_LOG] : "";
}

void fake_skip(struct fake *f)
{
    f->read = f->nlog;
}

int fake_count(struct fake *f, const char *prefix)
{
    int n = 0;
    const char *line;
    while (*(line = fake_next(f)))
        n += !strncmp(line, prefix, strlen(prefix));
    return n;
}

/* ---- the server ---- */

void fake_job(struct fake *f, const char *line)
{
    ota_agent_message(&f->a, "job", line, strlen(line), f->now);
}

void fake_offer(struct fake *f, uint32_t job, const struct fake_image *img, uint32_t chunk,
                uint32_t window)
{
    char line[512];
    f->img = img;
    f->chunk = chunk;
    snprintf(line, sizeof(line),
             "offer job=%u sha256=%s size=%u version=%s counter=%u chunk=%u window=%u deadline=600",
             job, img->sha_hex, img->size, img->version, get32le(img->bytes + 0x2c), chunk, window);
    fake_job(f, line);
}

void fake_serve(struct fake *f)
{
    if (f->nlog - f->served > FAKE_LOG)
        f->served = f->nlog - FAKE_LOG;
    for (; f->served < f->nlog; f->served++) {
        unsigned job, off, len;
        if (sscanf(f->log[f->served % FAKE_LOG], "req job=%u off=%u len=%u", &job, &off, &len) != 3)
            continue;
        for (uint32_t at = off; f->img && at < off + len && at < f->img->size; at += f->chunk) {
            uint32_t end = at + f->chunk < off + len ? at + f->chunk : off + len;
            end = end < f->img->size ? end : f->img->size;
            CHECK(f->qlen < FAKE_QUEUE);
            if (f->qlen < FAKE_QUEUE)
                f->queue[f->qlen++] = (struct fake_chunk){ job, at, end - at };
        }
    }
}

void fake_send_chunk(struct fake *f, uint32_t job, uint32_t off, uint32_t len, uint32_t crc_xor)
{
    static uint8_t msg[12 + 65536];
    CHECK(len <= 65536 && off + len <= f->img->size);
    const uint8_t *data = f->img->bytes + off;
    uint32_t crc = crc32(data, len) ^ crc_xor;
    uint32_t hdr[3] = { job, off, crc };
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 4; b++)
            msg[4 * i + b] = (uint8_t)(hdr[i] >> (24 - 8 * b));
    memcpy(msg + 12, data, len);
    f->delivered += len;
    ota_agent_message(&f->a, "chunk", msg, 12 + len, f->now);
}

bool fake_deliver(struct fake *f, unsigned i)
{
    fake_serve(f);
    if (i >= f->qlen)
        return false;
    struct fake_chunk c = f->queue[i];
    memmove(f->queue + i, f->queue + i + 1, (f->qlen - i - 1) * sizeof(c));
    f->qlen--;
    fake_send_chunk(f, c.job, c.off, c.len, 0);
    fake_serve(f);
    return true;
}

unsigned fake_run(struct fake *f, unsigned n)
{
    unsigned done = 0;
    while (done < n && fake_deliver(f, 0))
        done++;
    return done;
}

void fake_drop_queue(struct fake *f)
{
    fake_serve(f);
    f->qlen = 0;
}

void fake_wait(struct fake *f, uint64_t ms)
{
    uint64_t until = f->now + ms;
    int guard = 0;
    for (; guard < 100000; guard++) {
        uint64_t d = ota_agent_next_deadline(&f->a);
        if (d > until)
            break;
        if (d > f->now)
            f->now = d;
        ota_agent_timer(&f->a, f->now);
        if (f->rebooted)
            break;
    }
    CHECK(guard < 100000);   /* the timer always moves its deadline on */
    if (!f->rebooted)
        f->now = until;
}
