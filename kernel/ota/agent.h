/* The agent's internal interfaces, shared by agent.c, job.c and report.c. */
#ifndef OTA_AGENT_H
#define OTA_AGENT_H

#include "ota.h"

/* ---- report.c: what the agent says ---- */
void agent_hello(struct ota_agent *a);
/* `state job=J status=S [off=N] [version=V] [reason=R]`; version/reason NULL or "": left out. */
void agent_state(struct ota_agent *a, uint32_t job, enum ota_status st, uint32_t off,
                 const char *version, const char *reason);
/* The ending report held in the record (rec.phase == PROGRESS_ENDED). */
void agent_ended(struct ota_agent *a);
/* dl_emit_fn: `req job=J off=O len=L`. */
void agent_req(void *arg, uint32_t off, uint32_t len);
void agent_progress(struct ota_agent *a, bool now_, uint64_t now);

/* ---- job.c: down/job lines ---- */
void agent_job_line(struct ota_agent *a, const void *payload, size_t len, uint64_t now);

/* ---- agent.c ---- */
/* Save the record (flushed); counts the outcome. */
void agent_save(struct ota_agent *a);
/*
 * End job `job` with `st` (and version / reason, either may be NULL): record
 * it (repeated after every hello until a new job), report it, go idle.
 */
void agent_end(struct ota_agent *a, uint32_t job, enum ota_status st, const char *version,
               const char *reason);
/* The whole image is in the slot: verify, install, report, reboot at `due`. */
void agent_finish(struct ota_agent *a, uint64_t now);

#endif
