/*
 * down/job: `offer` and `cancel` lines, handled as the simulator's
 * SimulatedDevice.offer / cancel do (docs/ota-protocol.md).
 */
#include <mote.h>
#include "agent.h"
#include "control.h"

/* An offer's numbers, in the order of `numbers` below. */
enum { O_JOB, O_SIZE, O_COUNTER, O_CHUNK, O_WINDOW, O_DEADLINE, O_NUMBERS };

struct offer {
    uint64_t n[O_NUMBERS];
    uint8_t sha256[32];
    char version[PROGRESS_VERSION_MAX];
};

/*
 * Offer.from's ranges (chunk 256..65536, window 1..256), and narrower ones
 * where a C field is: job 1..2^32-1 (a chunk's job is 32 bits), counter
 * below 2^32 (an image's is 32 bits).
 */
static const struct {
    char key[9];
    uint32_t min;
    uint64_t max;
} numbers[O_NUMBERS] = {
    [O_JOB] = { "job", 1, UINT32_MAX },
    [O_SIZE] = { "size", 0, UINT64_MAX },
    [O_COUNTER] = { "counter", 0, UINT32_MAX },
    [O_CHUNK] = { "chunk", DL_CHUNK_MIN, DL_CHUNK_MAX },
    [O_WINDOW] = { "window", 1, DL_WINDOW_MAX },
    [O_DEADLINE] = { "deadline", 0, UINT64_MAX },
};

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Offer.from: every field present and in range, sha256 64 lower-case hex
 * digits, version below 32 characters. 0, or MOTE_EINVAL.
 */
static int offer_parse(const struct ctl *c, struct offer *o)
{
    const char *v;
    size_t n;
    memset(o, 0, sizeof(*o));
    for (int i = 0; i < O_NUMBERS; i++)
        if (ctl_number(c, numbers[i].key, numbers[i].max, &o->n[i]) || o->n[i] < numbers[i].min)
            return MOTE_EINVAL;
    if (ctl_get(c, "version", &v, &n) || n >= sizeof(o->version))
        return MOTE_EINVAL;
    memcpy(o->version, v, n);
    if (ctl_get(c, "sha256", &v, &n) || n != 64)
        return MOTE_EINVAL;
    for (int i = 0; i < 64; i++) {
        int d = hex_digit(v[i]);
        if (d < 0)
            return MOTE_EINVAL;
        o->sha256[i / 2] |= (uint8_t)(i & 1 ? d : d << 4);
    }
    return 0;
}

/* Why the device cannot even start downloading this offer (1, reason in why), or 0. */
static int refuse(const struct ota_agent *a, const struct offer *o, char *why)
{
    if (o->n[O_SIZE] < OTA_IMAGE_MIN || o->n[O_SIZE] > a->slot_size)
        snprintf(why, OTA_REASON_MAX, "image size %llu is outside %u..%u bytes",
                 (unsigned long long)o->n[O_SIZE], OTA_IMAGE_MIN, a->slot_size);
    else if (o->n[O_COUNTER] < a->counter)
        snprintf(why, OTA_REASON_MAX, "downgrade: security counter %u < %u",
                 (unsigned)o->n[O_COUNTER], a->counter);
    else if (o->n[O_CHUNK] > a->max_chunk)
        snprintf(why, OTA_REASON_MAX, "chunk %u is above max_chunk %u", (unsigned)o->n[O_CHUNK],
                 a->max_chunk);
    else
        return 0;
    return 1;
}

static void offer(struct ota_agent *a, const struct offer *o, uint64_t now)
{
    struct progress *r = &a->rec;
    if (r->phase == PROGRESS_ENDED && r->job == o->n[O_JOB]) {
        agent_ended(a);   /* the server missed how it ended: say it again */
        return;
    }
    if (a->phase == OTA_RESTARTING || a->phase == OTA_TESTING) {
        a->stats.ignored++;   /* the job in hand ends first (its report tells the server) */
        return;
    }
    if (a->phase == OTA_FETCHING && r->job == o->n[O_JOB] && r->size == o->n[O_SIZE] &&
        !memcmp(r->sha256, o->sha256, 32)) {
        /* offered again (after a reconnect or a reboot): resume from what is held */
        r->chunk = (uint32_t)o->n[O_CHUNK];
        r->window = (uint32_t)o->n[O_WINDOW];
        dl_start(&a->dl, r->job, r->size, r->chunk, r->window, dl_have(&a->dl));
    } else {
        char why[OTA_REASON_MAX];
        if (refuse(a, o, why)) {
            agent_end(a, (uint32_t)o->n[O_JOB], OTA_FAILED, NULL, why);
            return;
        }
        progress_clear(r);   /* a new job replaces whatever the record held */
        r->phase = PROGRESS_DOWNLOADING;
        r->slot = a->slot ^ 1;
        r->job = (uint32_t)o->n[O_JOB];
        r->size = (uint32_t)o->n[O_SIZE];
        r->counter = (uint32_t)o->n[O_COUNTER];
        r->chunk = (uint32_t)o->n[O_CHUNK];
        r->window = (uint32_t)o->n[O_WINDOW];
        memcpy(r->sha256, o->sha256, 32);
        memcpy(r->version, o->version, sizeof(r->version));
        agent_save(a);
        dl_start(&a->dl, r->job, r->size, r->chunk, r->window, 0);
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
