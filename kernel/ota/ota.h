/*
 * The device's OTA agent (docs/ota-protocol.md): the protocol's device end,
 * message for message what the simulator (dev.mote.ota.sim.SimulatedDevice)
 * does, as a pure state machine. It never blocks and never reads a clock:
 * the MQTT client hands it what arrives on down/job and down/chunk, a timer
 * calls it at ota_agent_next_deadline(), and it acts through struct ota_env
 * (publish, the inactive slot, the bootloader's checks, the boot state, the
 * progress record). Times are milliseconds on any monotonic clock.
 *
 * What it keeps across reboots is in the progress record (progress.h):
 * a download resumes from what is in flash, an installed image is reported
 * `confirmed` after its TEST boot once the app confirmed (or `rolledback`
 * when the bootloader went back), and the last ending report is repeated
 * after every hello until a new job comes.
 */
#ifndef OTA_H
#define OTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "download.h"
#include "progress.h"

#define OTA_TIMEOUT_MS 5000       /* no chunk for this long: ask again for what is missing */
#define OTA_FRUITLESS 3           /* timeouts in a row without a chunk: reconnect instead */
#define OTA_PROGRESS_MS 3000      /* `downloading` reports: every tenth, or after this long */
#define OTA_SAVE_EVERY (64u * 1024) /* save `have` after this many new bytes (after a sync) */
#define OTA_CONFIRM_POLL_MS 1000  /* TEST boot: how often to ask whether the app confirmed */
#define OTA_REBOOT_DELAY_MS 1000  /* between `rebooting` and the reboot, for it to go out */
#define OTA_IMAGE_MIN 360         /* header + signature block (docs/image-format.md) */
#define OTA_REASON_MAX PROGRESS_REASON_MAX /* reason buffers, NUL included */
#define OTA_NEVER UINT64_MAX

/*
 * What the agent does to the world. Every callback gets `ctx`. Those that
 * return int return 0 or a negative MOTE_E* code; `why` buffers are
 * OTA_REASON_MAX bytes, to be filled with a NUL-terminated reason.
 */
struct ota_env {
    void *ctx;
    /* Publish on up/<leaf> ("hello", "state", "req"), not retained. Best effort. */
    int (*publish)(void *ctx, const char *leaf, const void *payload, size_t len, int qos);
    /*
     * Drop the MQTT connection and connect again (three timeouts in a row
     * with no chunk): the hello on the new connection re-synchronises the
     * server. The agent counts itself disconnected at once.
     */
    void (*request_reconnect)(void *ctx);
    /* Write `len` bytes at `off` of the inactive slot (the one not running). */
    int (*slot_write)(void *ctx, uint32_t off, const void *data, size_t len);
    /* Make every slot_write so far durable. */
    int (*slot_sync)(void *ctx);
    /*
     * The image's first `len` (>= 256) bytes have arrived: refuse it early?
     * 0 to go on, else a reason in `why`, e.g. "profile mismatch: image is
     * for X, device is Y", "downgrade: security counter 1 < 2", "image of N
     * bytes does not fit the slot", or a header that does not match the
     * offer's `size`. (The key id is in the signature block at the end of
     * the image: verify_slot checks it.)
     */
    int (*check_header)(void *ctx, const uint8_t *hdr, size_t len, uint32_t size, char *why);
    /*
     * All `size` bytes are in the inactive slot: the bootloader's own checks
     * (the whole file's SHA-256 = `sha256`, key id among the built-in keys,
     * Ed25519 signature, payload hash, profile, security counter). 0, or a
     * reason in `why`.
     */
    int (*verify_slot)(void *ctx, uint32_t size, const uint8_t sha256[32], char *why);
    /* Mark the inactive slot pending (TEST on the next boot) / no longer pending. */
    int (*set_pending)(void *ctx);
    int (*clear_pending)(void *ctx);
    /* Restart the device (does not return on a device; may in tests). */
    void (*reboot)(void *ctx);
    /* TEST boot: has the running app confirmed its image (mote_confirm) yet? */
    bool (*app_confirmed)(void *ctx);
    /* The progress record's region of the persist partition (PROGRESS_REGION bytes). */
    const struct flash_io *progress;
    /*
     * The same region, written without a flush of its own (NULL: `progress`).
     * A download's saves go here, each right after a slot_sync: the record
     * claims only bytes that sync made durable, and becomes durable itself
     * at the next one. One flush per save instead of two; a power cut before
     * that next flush falls back to the record before (progress.h's copies).
     */
    const struct flash_io *progress_lazy;
};

/* What the device is and runs, read at boot. Strings are copied. */
struct ota_boot {
    const char *profile;     /* the board's profile, as in image headers (< 32 chars) */
    const char *version;     /* the running image's version, "1.0.0" (< 32 chars) */
    uint32_t counter;        /* the lowest security counter the bootloader accepts */
    uint8_t slot;            /* the running slot: SLOT_A or SLOT_B */
    bool testing;            /* this is a TEST boot (not confirmed yet) */
    uint32_t slot_size;      /* bytes in the inactive slot */
    uint32_t max_chunk;      /* the largest chunk data the device takes (>= 256) */
};

/* Where the agent is. */
enum ota_phase {
    OTA_IDLE,         /* no job running (maybe an ending report to repeat) */
    OTA_FETCHING,     /* downloading job rec.job into the inactive slot */
    OTA_RESTARTING,   /* installed and pending: rebooting at `due` */
    OTA_TESTING,      /* the new image runs in TEST: `confirmed` once the app confirms */
};

/* What went by, for the shell and the benchmarks; kept apart from the state. */
struct ota_stats {
    uint32_t bad_lines;      /* control lines dropped: grammar, fields, values, unknown verb */
    uint32_t bad_chunks;     /* chunk messages with no data after the 12-byte header */
    uint32_t dropped_chunks; /* chunks not taken: other job or offset, length, duplicate, CRC */
    uint32_t ignored;        /* valid messages that did not apply (e.g. cancel of another job) */
    uint32_t timeouts;       /* asked again after OTA_TIMEOUT_MS without a chunk */
    uint32_t reconnects;     /* reconnects after OTA_FRUITLESS silent timeouts */
    uint32_t saves;          /* progress records written */
    uint32_t save_errors;    /* progress records that could not be written */
    uint64_t chunk_bytes;    /* data bytes of every chunk taken */
};

struct ota_agent {
    const struct ota_env *env;
    char profile[32], version[32];
    uint32_t counter, slot_size, max_chunk;
    uint8_t slot;
    bool testing;

    enum ota_phase phase;
    bool connected;
    struct progress rec;     /* the job, as last saved (have: durable bytes) */
    struct download dl;      /* OTA_FETCHING: the request window */
    uint8_t fruitless;       /* timeouts in a row with no chunk */
    int64_t reported;        /* `have` in the last downloading report; -1: none yet */
    uint64_t last_chunk, last_report, due;
    struct ota_stats stats;
};

/*
 * Start the agent after a boot: read the progress record and decide what
 * the last job became (resume a download; after the TEST boot of the
 * installed image wait for the app's confirm; `rolledback` when the
 * bootloader went back). Returns 0, or the I/O error reading the record
 * (the agent then starts with no job).
 */
int ota_agent_init(struct ota_agent *a, const struct ota_env *env, const struct ota_boot *boot,
                   uint64_t now);

/* The MQTT session is up and down/# subscribed: hello, then any ending report. */
void ota_agent_connected(struct ota_agent *a, uint64_t now);

/* The MQTT session is gone: publish nothing until connected again. */
void ota_agent_disconnected(struct ota_agent *a);

/*
 * A message on down/<leaf>: "job" (an offer or a cancel line) or "chunk"
 * (binary). Anything malformed is dropped and counted.
 */
void ota_agent_message(struct ota_agent *a, const char *leaf, const void *payload, size_t len,
                       uint64_t now);

/* Time passes: timeouts, progress reports, the confirm poll, the reboot. */
void ota_agent_timer(struct ota_agent *a, uint64_t now);

/* When ota_agent_timer wants to run next (OTA_NEVER: not until a message comes). */
uint64_t ota_agent_next_deadline(const struct ota_agent *a);

#endif
