/*
 * The OTA agent's download-progress record, kept in the persist partition
 * so that a power cut or a reboot loses at most one save interval of a
 * download and never the end of a job: which job, which image (SHA-256,
 * size, version, counter), where it goes (slot), how much of it is durably
 * in flash (`have`, a contiguous prefix), and how far the job got (phase),
 * or how it ended (the report the agent repeats after every hello).
 *
 * Two copies, each with a sequence number and a CRC-32, exactly like the
 * boot-state record (bootstate.c): a new record always goes over the older
 * copy, so a torn write leaves the newer one intact.
 * Layout: docs/ota-protocol.md, "The device's progress record".
 */
#ifndef OTA_PROGRESS_H
#define OTA_PROGRESS_H

#include <lib/lib.h>          /* crc32 */
#include <update/bootstate.h>  /* struct flash_io */
#include <stdbool.h>
#include <stdint.h>

#define PROGRESS_MAGIC 0x50544f4du   /* "MOTP" */
#define PROGRESS_VERSION 1
#define PROGRESS_SIZE 256
#define PROGRESS_COPY_STRIDE 4096    /* copy 1 starts here in the record's region */
#define PROGRESS_REGION (2 * PROGRESS_COPY_STRIDE)
#define PROGRESS_VERSION_MAX 32      /* version field, NUL-padded: up to 31 characters */
#define PROGRESS_REASON_MAX 128      /* reason field, NUL-padded: up to 127 characters */

enum progress_phase {
    PROGRESS_NONE = 0,         /* no job */
    PROGRESS_DOWNLOADING = 1,  /* `have` bytes of the image are in `slot` */
    PROGRESS_INSTALLED = 2,    /* verified; the slot is (being) marked pending */
    PROGRESS_REBOOTING = 3,    /* restarting into it */
    PROGRESS_ENDED = 4,        /* `status` (+ version, reason) to repeat after every hello */
};

/* Job statuses, as in `state` reports; the record keeps the ending ones. */
enum ota_status {
    OTA_DOWNLOADING = 1,
    OTA_VERIFYING,
    OTA_INSTALLED,
    OTA_REBOOTING,
    OTA_CONFIRMED,
    OTA_FAILED,
    OTA_ROLLEDBACK,
    OTA_CANCELLED,
};

/*
 * The record as it is in flash (little-endian, like every Mote CPU): the
 * layout of docs/ota-protocol.md, checked by the static asserts below.
 */
struct progress {
    uint32_t magic;          /* PROGRESS_MAGIC */
    uint16_t format;         /* PROGRESS_VERSION */
    uint16_t length;         /* PROGRESS_SIZE */
    uint32_t seq;            /* higher is newer */
    uint8_t phase;           /* enum progress_phase */
    uint8_t slot;            /* the slot being written: SLOT_A or SLOT_B */
    uint8_t status;          /* PROGRESS_ENDED: OTA_CONFIRMED .. OTA_CANCELLED */
    uint8_t pad;             /* zero */
    uint32_t job;
    uint32_t size;           /* image bytes */
    uint32_t have;           /* bytes durably in the slot from its start */
    uint32_t counter;        /* the image's security counter (from the offer) */
    uint32_t chunk, window;  /* the offer's, to ask again before it is repeated */
    uint8_t sha256[32];      /* of the whole image, from the offer */
    char version[PROGRESS_VERSION_MAX]; /* the offer's; when ended, the report's (may be "") */
    char reason[PROGRESS_REASON_MAX];   /* when ended: the report's reason (may be "") */
    uint8_t reserved[20];    /* zero */
    uint32_t crc;            /* CRC-32 (IEEE) of the 252 bytes before it */
};

_Static_assert(sizeof(struct progress) == PROGRESS_SIZE, "progress layout");
_Static_assert(__builtin_offsetof(struct progress, job) == 16, "progress layout");
_Static_assert(__builtin_offsetof(struct progress, sha256) == 40, "progress layout");
_Static_assert(__builtin_offsetof(struct progress, version) == 72, "progress layout");
_Static_assert(__builtin_offsetof(struct progress, reason) == 104, "progress layout");
_Static_assert(__builtin_offsetof(struct progress, crc) == 252, "progress layout");

/* Clear *p to an empty record (phase NONE) that keeps its sequence number. */
void progress_clear(struct progress *p);

/* Is this copy whole (magic, format, length, CRC) and sensible? */
bool progress_valid(const struct progress *p);

/*
 * Read both copies (offsets 0 and PROGRESS_COPY_STRIDE of `io`) into *p:
 * the newest valid one (0), or a cleared record (phase NONE) and
 * MOTE_ENOENT. I/O errors are returned, with *p cleared.
 */
int progress_load(const struct flash_io *io, struct progress *p);

/*
 * Write *p as the next record (seq + 1) over the older copy, with its
 * magic, format, length and CRC filled in. On a write error p->seq is left
 * as it was, so a retry goes over the same copy.
 */
int progress_store(const struct flash_io *io, struct progress *p);

#endif
