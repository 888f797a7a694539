/*
 * A fake device and server for the agent's host tests, in virtual time:
 * an in-memory inactive slot, a persist region that can lose power after
 * any byte of a write, a boot state (pending, confirmed, rebooted), the
 * bootloader's checks over synthetic images, a log of every published
 * line, and a server that answers each `req` with chunks cut from the
 * offered image (delivered in order, or as a test picks them).
 */
#ifndef OTA_FAKE_H
#define OTA_FAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <ota/ota.h>

#define FAKE_SLOT_SIZE (2u << 20)
#define FAKE_LOG 4096          /* lines kept (a ring) */
#define FAKE_LINE 256
#define FAKE_QUEUE 8192        /* chunks the server has cut and not delivered */

/* A synthetic signed image (docs/image-format.md's layout, fake signature). */
struct fake_image {
    uint8_t *bytes;
    uint32_t size;
    uint8_t sha[32];
    char sha_hex[65];
    char version[16];
};

struct fake_chunk {
    uint32_t job, off, len;
};

struct fake {
    struct ota_env env;
    struct flash_io pio, lazy_pio;  /* the progress region; the same without a flush (ota.h) */
    struct ota_boot boot;
    struct ota_agent a;
    uint64_t now;

    uint8_t *slot;                  /* the inactive slot */
    uint8_t persist[PROGRESS_REGION];
    long budget;                    /* persist bytes writable before the power goes; -1: no limit */
    uint64_t slot_written;          /* bytes written to the slot so far */
    bool synced;                    /* no slot write since the last slot sync */
    unsigned lazy_saves;            /* records written through lazy_pio */
    bool fail_slot_write, fail_pending;

    bool pending, rebooted, confirmed;
    int reconnects, pending_clears;
    char profile[32], version[16];
    uint8_t trusted_key;            /* every byte of the trusted key id */

    char log[FAKE_LOG][FAKE_LINE];  /* published lines */
    unsigned nlog, read, served;    /* lines so far; the test's and the server's cursors */

    const struct fake_image *img;   /* what the server serves */
    uint32_t chunk;                 /* its chunk size */
    struct fake_chunk queue[FAKE_QUEUE];
    unsigned qlen;
    uint64_t delivered;             /* chunk data bytes delivered */
};

/* Make an image of `payload` bytes for `profile` (NULL: the fake's) with `key` as key id. */
void fake_image_make(struct fake_image *im, uint32_t payload, const char *profile, uint32_t counter,
                     const char *version, uint8_t key, uint32_t seed);
void fake_image_free(struct fake_image *im);

/* A device running `version` in slot A, counter `counter`, profile "qemu-virt-arm64". */
struct fake *fake_new(const char *version, uint32_t counter);
void fake_free(struct fake *f);

/* Power on (again): a new agent over the same flash. Returns ota_agent_init's result. */
int fake_boot(struct fake *f, uint8_t slot, bool testing, const char *version);
void fake_connect(struct fake *f);
void fake_disconnect(struct fake *f);

/* The next published line the test has not read, or "" when there is none. */
const char *fake_next(struct fake *f);
/* Skip every published line. */
void fake_skip(struct fake *f);
/* How many unread lines start with `prefix`; the cursor moves to the end. */
int fake_count(struct fake *f, const char *prefix);

/* Send a control line on down/job. */
void fake_job(struct fake *f, const char *line);
/* Offer `img` as job `job` with chunk size and window; the server serves it from now on. */
void fake_offer(struct fake *f, uint32_t job, const struct fake_image *img, uint32_t chunk,
                uint32_t window);

/* The server reads new `req` lines and queues their chunks. */
void fake_serve(struct fake *f);
/* Deliver queued chunk i (0: the oldest) as it is; returns false when there is none. */
bool fake_deliver(struct fake *f, unsigned i);
/* Deliver up to n chunks in order (serving new requests as they come); returns how many. */
unsigned fake_run(struct fake *f, unsigned n);
/* Forget every queued chunk (lost on the way). */
void fake_drop_queue(struct fake *f);
/* Send a chunk message built from the image, with the given fields (crc_xor spoils the CRC). */
void fake_send_chunk(struct fake *f, uint32_t job, uint32_t off, uint32_t len, uint32_t crc_xor);

/* Let `ms` of virtual time pass, running the agent's timer at each deadline. */
void fake_wait(struct fake *f, uint64_t ms);

#endif
