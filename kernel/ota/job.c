/*
 * down/job: `offer` and `cancel` lines, handled as the simulator's
 * SimulatedDevice.offer / cancel do (docs/ota-protocol.md).
 */
#include <mote.h>
#include "agent.h"
#include "control.h"

struct offer {
    uint32_t job, chunk, window;
    uint64_t size, counter;
    uint8_t sha256[32];
    char version[PROGRESS_VERSION_MAX];
};

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Offer.from: every field present and in range (sha256: 64 lower-case hex
 * digits; chunk 256..65536; window 1..256). Stricter than Java where a C
 * field is narrower: job 1..2^32-1 (a chunk's job is 32 bits), counter
 * below 2^32 (an image's is 32 bits), version below 32 characters.
 * 0, or MOTE_EINVAL.
 */
static int offer_parse(const struct ctl *c, struct offer *o)
{
    uint64_t job, chunk, window, deadline;
    const char *v;
    size_t n;
    if (ctl_number(c, "job", UINT32_MAX, &job) || job == 0 ||
        ctl_number(c, "size", UINT64_MAX, &o->size) ||
        ctl_number(c, "counter", UINT32_MAX, &o->counter) ||
        ctl_number(c, "chunk", DL_CHUNK_MAX, &chunk) || chunk < DL_CHUNK_MIN ||
        ctl_number(c, "window", DL_WINDOW_MAX, &window) || window < 1 ||
        ctl_number(c, "deadline", UINT64_MAX, &deadline) ||
        ctl_get(c, "version", &v, &n) || n >= sizeof(o->version))
        return MOTE_EINVAL;
    memcpy(o->version, v, n);
    o->version[n] = 0;
    if (ctl_get(c, "sha256", &v, &n) || n != 64)
        return MOTE_EINVAL;
    for (int i = 0; i < 32; i++) {
        int hi = hex_digit(v[2 * i]), lo = hex_digit(v[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return MOTE_EINVAL;
        o->sha256[i] = (uint8_t)(hi << 4 | lo);
    }
    o->job = (uint32_t)job;
    o->chunk = (uint32_t)chunk;
    o->window = (uint32_t)window;
    return 0;
}

/* Why the device cannot even start downloading this offer (1, reason in why), or 0. */
static int refuse(const struct ota_agent *a, const struct offer *o, char *why)
{
    if (o->size < OTA_IMAGE_MIN || o->size > a->slot_size)
        snprintf(why, OTA_REASON_MAX, "image size %llu is outside %u..%u bytes",
                 (unsigned long long)o->size, OTA_IMAGE_MIN, a->slot_size);
    else if (o->counter < a->counter)
        snprintf(why, OTA_REASON_MAX, "downgrade: security counter %u < %u",
                 (unsigned)o->counter, a->counter);
    else if (o->chunk > a->max_chunk)
        snprintf(why, OTA_REASON_MAX, "chunk %u is above max_chunk %u", o->chunk, a->max_chunk);
    else
        return 0;
    return 1;
}

static void offer(struct ota_agent *a, const struct offer *o, uint64_t now)
{
    struct progress *r = &a->rec;
    if (r->phase == PROGRESS_ENDED && r->job == o->job) {
        agent_ended(a);   /* the server missed how it ended: say it again */
        return;
    }
    if (a->phase == OTA_RESTARTING || a->phase == OTA_TESTING) {
        a->stats.ignored++;   /* the job in hand ends first (its report tells the server) */
        return;
    }
    if (a->phase == OTA_FETCHING && r->job == o->job && r->size == o->size &&
        !memcmp(r->sha256, o->sha256, 32)) {
        /* offered again (after a reconnect or a reboot): resume from what is held */
        dl_start(&a->dl, o->job, r->size, o->chunk, o->window, dl_have(&a->dl));
        r->chunk = o->chunk;
        r->window = o->window;
    } else {
        char why[OTA_REASON_MAX];
        if (refuse(a, o, why)) {
            agent_end(a, o->job, OTA_FAILED, NULL, why);
            return;
        }
        uint32_t seq = r->seq;   /* a new job replaces whatever the record held */
        memset(r, 0, sizeof(*r));
        r->seq = seq;
        r->phase = PROGRESS_DOWNLOADING;
        r->slot = a->slot ^ 1;
        r->job = o->job;
        r->size = (uint32_t)o->size;
        r->counter = (uint32_t)o->counter;
        r->chunk = o->chunk;
        r->window = o->window;
        memcpy(r->sha256, o->sha256, 32);
        memcpy(r->version, o->version, sizeof(r->version));
        agent_save(a);
        dl_start(&a->dl, o->job, r->size, o->chunk, o->window, 0);
        a->reported = -1;
        a->phase = OTA_FETCHING;
    }
    dl_fill(&a->dl, agent_req, a);
    a->last_chunk = now;
    agent_progress(a, true, now);
    if (dl_complete(&a->dl))
        agent_finish(a, now);   /* all of it was in flash already (a reboot during verify) */
}

/* Stop the job if it is the one in hand and can still be stopped (not yet booted). */
static void cancel(struct ota_agent *a, uint32_t job)
{
    bool ours = a->rec.job == job && (a->phase == OTA_FETCHING || a->phase == OTA_RESTARTING);
    if (!ours || (a->phase == OTA_RESTARTING && a->env->clear_pending(a->env->ctx))) {
        a->stats.ignored++;
        return;
    }
    agent_end(a, job, OTA_CANCELLED, NULL, NULL);
}

void agent_job_line(struct ota_agent *a, const void *payload, size_t len, uint64_t now)
{
    struct ctl c;
    struct offer o;
    uint64_t job;
    if (ctl_parse(&c, payload, len))
        goto bad;
    if (ctl_verb_is(&c, "offer")) {
        if (offer_parse(&c, &o))
            goto bad;
        offer(a, &o, now);
    } else if (ctl_verb_is(&c, "cancel")) {
        if (ctl_number(&c, "job", UINT32_MAX, &job))
            goto bad;
        cancel(a, (uint32_t)job);
    } else {
        goto bad;
    }
    return;
bad:
    a->stats.bad_lines++;
}
