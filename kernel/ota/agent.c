/*
 * The OTA agent's state machine (ota.h): the life of a job from the first
 * chunk to the report after the reboot, and the timers. down/job lines are
 * in job.c, what the agent says in report.c.
 */
#include <mote.h>
#include "agent.h"

__attribute__((noinline)) static void copy_str(char *dst, const char *src, size_t size)
{
    size_t n = src ? strlen(src) : 0;
    n = n < size ? n : size - 1;
    memcpy(dst, src ? src : "", n);
    dst[n] = 0;
}

static void save_to(struct ota_agent *a, const struct flash_io *io)
{
    if (progress_store(io, &a->rec))
        a->stats.save_errors++;
    else
        a->stats.saves++;
}

void agent_save(struct ota_agent *a)
{
    save_to(a, a->env->progress);
}

void agent_end(struct ota_agent *a, uint32_t job, enum ota_status st, const char *version,
               const char *reason)
{
    struct progress *r = &a->rec;
    progress_clear(r);
    r->phase = PROGRESS_ENDED;
    r->job = job;
    r->status = (uint8_t)st;
    copy_str(r->version, version, sizeof(r->version));
    copy_str(r->reason, reason, sizeof(r->reason));
    for (char *p = r->reason; *p; p++)   /* reasons are printable ASCII on the wire */
        if (*p < ' ' || *p > '~')
            *p = '?';
    agent_save(a);
    a->phase = OTA_IDLE;
    a->due = OTA_NEVER;
    agent_ended(a);
}

void agent_finish(struct ota_agent *a, uint64_t now)
{
    struct progress *r = &a->rec;
    const struct ota_env *e = a->env;
    char why[OTA_REASON_MAX] = "";
    uint32_t job = r->job;
    if (e->slot_sync(e->ctx)) {
        agent_end(a, job, OTA_FAILED, NULL, "flash: could not sync the slot");
        return;
    }
    r->have = r->size;
    agent_save(a);
    agent_state(a, job, OTA_VERIFYING, 0, NULL, NULL);
    if (e->verify_slot(e->ctx, r->size, r->sha256, why)) {
        agent_end(a, job, OTA_FAILED, NULL, why[0] ? why : "verify failed");
        return;
    }
    /* recorded before the mark: a power cut between them ends as rolledback, never lost */
    r->phase = PROGRESS_INSTALLED;
    agent_save(a);
    if (e->set_pending(e->ctx)) {
        agent_end(a, job, OTA_FAILED, NULL, "boot state: could not mark the slot pending");
        return;
    }
    agent_state(a, job, OTA_INSTALLED, 0, NULL, NULL);
    r->phase = PROGRESS_REBOOTING;
    agent_save(a);
    agent_state(a, job, OTA_REBOOTING, 0, NULL, NULL);
    a->phase = OTA_RESTARTING;
    a->due = now + OTA_REBOOT_DELAY_MS;
}

/* What the last job became across the reboot, from the record and the boot facts. */
static void resume(struct ota_agent *a, uint64_t now)
{
    struct progress *r = &a->rec;
    char why[80];
    switch (r->phase) {
    case PROGRESS_DOWNLOADING:
        if (r->slot != (a->slot ^ 1) || r->size > a->slot_size || r->chunk < DL_CHUNK_MIN ||
            r->chunk > DL_CHUNK_MAX || r->window < 1 || r->window > DL_WINDOW_MAX) {
            progress_clear(r);   /* not for this slot (any more): forget it */
            agent_save(a);
            break;
        }
        dl_start(&a->dl, r->job, r->size, r->chunk, r->window, r->have);
        a->phase = OTA_FETCHING;
        a->reported = -1;
        a->last_chunk = now;
        break;
    case PROGRESS_INSTALLED:
    case PROGRESS_REBOOTING:
        if (r->slot != a->slot) {
            snprintf(why, sizeof(why), "new image did not confirm; running slot %c again",
                     a->slot == SLOT_A ? 'a' : 'b');
            agent_end(a, r->job, OTA_ROLLEDBACK, a->version, why);
        } else if (!a->testing) {
            agent_end(a, r->job, OTA_CONFIRMED, a->version, NULL);   /* confirmed, then reset */
        } else {
            a->phase = OTA_TESTING;
            a->due = now;
        }
        break;
    default:
        break;
    }
}

int ota_agent_init(struct ota_agent *a, const struct ota_env *env, const struct ota_boot *boot,
                   uint64_t now)
{
    memset(a, 0, sizeof(*a));
    a->env = env;
    copy_str(a->profile, boot->profile, sizeof(a->profile));
    copy_str(a->version, boot->version, sizeof(a->version));
    a->counter = boot->counter;
    a->slot = boot->slot & 1;
    a->testing = boot->testing;
    a->slot_size = boot->slot_size;
    a->max_chunk = boot->max_chunk;
    a->phase = OTA_IDLE;
    a->reported = -1;
    a->due = OTA_NEVER;
    int err = progress_load(env->progress, &a->rec);
    if (err == MOTE_ENOENT)
        err = 0;
    resume(a, now);
    return err;
}

void ota_agent_connected(struct ota_agent *a, uint64_t now)
{
    a->connected = true;
    agent_hello(a);
    if (a->rec.phase == PROGRESS_ENDED)
        agent_ended(a);   /* the server may have missed it (it died before reading it) */
    a->last_chunk = now;  /* the server's offer in answer to the hello resumes the download */
}

void ota_agent_disconnected(struct ota_agent *a)
{
    a->connected = false;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A chunk: [job, offset, CRC-32 of the data] big-endian, then the data. */
static void chunk(struct ota_agent *a, const uint8_t *msg, size_t len, uint64_t now)
{
    const struct ota_env *e = a->env;
    int req, slot;
    if (len <= 12) {
        a->stats.bad_chunks++;
        return;
    }
    uint32_t off = be32(msg + 4);
    const uint8_t *data = msg + 12;
    size_t n = len - 12;
    if (a->phase != OTA_FETCHING || dl_find(&a->dl, be32(msg), off, n, &req, &slot) ||
        crc32(data, n) != be32(msg + 8)) {
        a->stats.dropped_chunks++;
        return;
    }
    char why[OTA_REASON_MAX] = "";
    if (off == 0 && e->check_header(e->ctx, data, n, a->rec.size, why)) {
        agent_end(a, a->rec.job, OTA_FAILED, NULL, why[0] ? why : "image header refused");
        return;
    }
    dl_mark(&a->dl, req, slot);
    a->stats.chunk_bytes += n;
    a->fruitless = 0;
    a->last_chunk = now;
    bool done = dl_complete(&a->dl);
    if (!done) {
        /* the next request leaves before the flash write, not after it: the link stays busier */
        agent_progress(a, false, now);
        dl_fill(&a->dl, agent_req, a);
    }
    if (e->slot_write(e->ctx, off, data, n)) {
        snprintf(why, sizeof(why), "flash: could not write offset %u", (unsigned)off);
        agent_end(a, a->rec.job, OTA_FAILED, NULL, why);
        return;
    }
    if (done) {
        agent_finish(a, now);
        return;
    }
    uint32_t have = dl_have(&a->dl);
    if (have - a->rec.have >= OTA_SAVE_EVERY && !e->slot_sync(e->ctx)) {
        /* what the sync made durable; the record is, at the next sync (ota.h: progress_lazy) */
        a->rec.have = have;
        save_to(a, e->progress_lazy ? e->progress_lazy : e->progress);
    }
}

void ota_agent_message(struct ota_agent *a, const char *leaf, const void *payload, size_t len,
                       uint64_t now)
{
    if (!strcmp(leaf, "chunk"))
        chunk(a, payload, len, now);
    else if (!strcmp(leaf, "job"))
        agent_job_line(a, payload, len, now);
    else
        a->stats.ignored++;
}

void ota_agent_timer(struct ota_agent *a, uint64_t now)
{
    const struct ota_env *e = a->env;
    switch (a->phase) {
    case OTA_RESTARTING:
        if (now >= a->due) {
            a->due = OTA_NEVER;
            e->reboot(e->ctx);
        }
        break;
    case OTA_TESTING:
        if (now < a->due)
            break;
        if (e->app_confirmed(e->ctx))
            agent_end(a, a->rec.job, OTA_CONFIRMED, a->version, NULL);
        else
            a->due = now + OTA_CONFIRM_POLL_MS;
        break;
    case OTA_FETCHING:
        if (dl_complete(&a->dl)) {
            agent_finish(a, now);   /* resumed with every byte held */
            break;
        }
        if (!a->connected)
            break;
        if (now - a->last_chunk >= OTA_TIMEOUT_MS) {
            a->stats.timeouts++;
            a->last_chunk = now;
            if (++a->fruitless >= OTA_FRUITLESS) {
                /* asking again does not help: a new session's hello re-synchronises the server */
                a->fruitless = 0;
                a->stats.reconnects++;
                a->connected = false;
                e->request_reconnect(e->ctx);
                break;
            }
            dl_restart(&a->dl, agent_req, a);
        }
        agent_progress(a, false, now);
        break;
    default:
        break;
    }
}

uint64_t ota_agent_next_deadline(const struct ota_agent *a)
{
    if (a->phase != OTA_FETCHING)
        return a->phase == OTA_IDLE ? OTA_NEVER : a->due;
    if (dl_complete(&a->dl))
        return 0;
    if (!a->connected)
        return OTA_NEVER;
    uint64_t t = a->last_chunk + OTA_TIMEOUT_MS;
    if ((int64_t)dl_have(&a->dl) != a->reported && a->last_report + OTA_PROGRESS_MS < t)
        t = a->last_report + OTA_PROGRESS_MS;
    return t;
}
