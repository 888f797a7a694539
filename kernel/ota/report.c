/*
 * What the agent says (docs/ota-protocol.md): hello, req and state lines,
 * built as the simulator's Hello / ChunkRequest / StateReport write them.
 * Nothing is published while the agent is not connected.
 */
#include <mote.h>
#include "agent.h"
#include "control.h"

static const char *const status_wire[] = {
    [OTA_DOWNLOADING] = "downloading", [OTA_VERIFYING] = "verifying",
    [OTA_INSTALLED] = "installed",     [OTA_REBOOTING] = "rebooting",
    [OTA_CONFIRMED] = "confirmed",     [OTA_FAILED] = "failed",
    [OTA_ROLLEDBACK] = "rolledback",   [OTA_CANCELLED] = "cancelled",
};

static void say(struct ota_agent *a, const char *leaf, const struct ctl_line *l)
{
    if (a->connected)
        a->env->publish(a->env->ctx, leaf, l->buf, l->len, 1);
}

void agent_hello(struct ota_agent *a)
{
    struct ctl_line l;
    ctl_begin(&l, "hello");
    ctl_put_str(&l, "profile", a->profile);
    ctl_put_str(&l, "version", a->version);
    ctl_put_num(&l, "counter", a->counter);
    ctl_put_str(&l, "slot", a->slot == SLOT_A ? "a" : "b");
    ctl_put_num(&l, "max_chunk", a->max_chunk);
    if (a->phase == OTA_FETCHING) {
        ctl_put_num(&l, "job", a->rec.job);
        ctl_put_num(&l, "have", dl_have(&a->dl));
    }
    say(a, "hello", &l);
}

void agent_state(struct ota_agent *a, uint32_t job, enum ota_status st, uint32_t off,
                 const char *version, const char *reason)
{
    struct ctl_line l;
    ctl_begin(&l, "state");
    ctl_put_num(&l, "job", job);
    ctl_put_str(&l, "status", status_wire[st]);
    if (st == OTA_DOWNLOADING)
        ctl_put_num(&l, "off", off);
    if (version && *version)
        ctl_put_str(&l, "version", version);
    if (reason && *reason)
        ctl_put_reason(&l, reason);
    say(a, "state", &l);
}

void agent_ended(struct ota_agent *a)
{
    const struct progress *r = &a->rec;
    agent_state(a, r->job, (enum ota_status)r->status, 0, r->version, r->reason);
}

/* dl_emit_fn: one `req` line. */
void agent_req(void *arg, uint32_t off, uint32_t len)
{
    struct ota_agent *a = arg;
    struct ctl_line l;
    ctl_begin(&l, "req");
    ctl_put_num(&l, "job", a->dl.job);
    ctl_put_num(&l, "off", off);
    ctl_put_num(&l, "len", len);
    say(a, "req", &l);
}

/*
 * A `downloading` report when asked to (`now_`), when `have` crossed a tenth
 * of the image, or when it moved and the last report is OTA_PROGRESS_MS old.
 */
void agent_progress(struct ota_agent *a, bool now_, uint64_t now)
{
    uint32_t have = dl_have(&a->dl);
    int64_t tenth = a->dl.size / 10 ? a->dl.size / 10 : 1;
    if (now_ || (int64_t)have / tenth != a->reported / tenth ||
        (now - a->last_report >= OTA_PROGRESS_MS && (int64_t)have != a->reported)) {
        a->reported = have;
        a->last_report = now;
        agent_state(a, a->rec.job, OTA_DOWNLOADING, have, NULL, NULL);
    }
}
