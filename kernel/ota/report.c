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

/* Publish a line of `len` bytes (snprintf's count, cut at the buffer's end) on up/<leaf>. */
static void say(struct ota_agent *a, const char *leaf, const char *line, int len)
{
    if (a->connected && len > 0)
        a->env->publish(a->env->ctx, leaf, line, len < CTL_MAX ? (size_t)len : CTL_MAX, 1);
}

void agent_hello(struct ota_agent *a)
{
    char line[CTL_MAX + 1], held[32] = "";
    if (a->phase == OTA_FETCHING)
        snprintf(held, sizeof(held), " job=%u have=%u", a->rec.job, dl_have(&a->dl));
    say(a, "hello", line,
        snprintf(line, sizeof(line), "hello profile=%s version=%s counter=%u slot=%c max_chunk=%u%s",
                 a->profile, a->version, a->counter, a->slot == SLOT_A ? 'a' : 'b', a->max_chunk,
                 held));
}

/* Reasons and versions are printable ASCII (agent_end makes them so); "" or NULL: left out. */
void agent_state(struct ota_agent *a, uint32_t job, enum ota_status st, uint32_t off,
                 const char *version, const char *reason)
{
    char line[CTL_MAX + 1], at[16] = "";
    bool v = version && *version, r = reason && *reason;
    if (st == OTA_DOWNLOADING)
        snprintf(at, sizeof(at), " off=%u", off);
    say(a, "state", line,
        snprintf(line, sizeof(line), "state job=%u status=%s%s%s%s%s%s", job, status_wire[st], at,
                 v ? " version=" : "", v ? version : "", r ? " reason=" : "", r ? reason : ""));
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
    char line[64];
    say(a, "req", line, snprintf(line, sizeof(line), "req job=%u off=%u len=%u", a->dl.job, off, len));
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
