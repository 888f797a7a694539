/*
 * One image download's request window (docs/ota-protocol.md, "req"), the C
 * twin of the simulator's dev.mote.ota.sim.Download: at most two requests of
 * chunk x window bytes outstanding, one bit per chunk of each. A chunk is
 * taken only if it starts on a chunk boundary of an outstanding request,
 * has exactly that slot's length and the slot is still empty; chunks may
 * come in any order. `have` is the contiguous prefix held. Pure logic: the
 * agent (agent.c) checks CRCs and writes the flash.
 */
#ifndef OTA_DOWNLOAD_H
#define OTA_DOWNLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DL_OUTSTANDING 2
#define DL_WINDOW_MAX 256     /* the offer's window is 1..256 */
#define DL_CHUNK_MIN 256      /* the offer's chunk is 256..65536 */
#define DL_CHUNK_MAX 65536

/* An outstanding request for [off, end): which of its n chunks came, and how many in a row. */
struct dl_req {
    uint32_t off, end;
    uint16_t n, prefix;
    uint8_t got[DL_WINDOW_MAX / 8];
};

struct download {
    uint32_t job, size, chunk, window;
    uint32_t done;               /* bytes held before reqs[0] (all of them when nreqs is 0) */
    uint8_t nreqs;
    struct dl_req reqs[DL_OUTSTANDING];
};

/* Called with each request to send: bytes [off, off + len). */
typedef void (*dl_emit_fn)(void *arg, uint32_t off, uint32_t len);

/* Start (or resume at `from` bytes held) job `job`'s download; nothing outstanding. */
void dl_start(struct download *d, uint32_t job, uint32_t size, uint32_t chunk, uint32_t window,
              uint32_t from);

/* Bytes held from the start of the image with no gap. */
uint32_t dl_have(const struct download *d);

bool dl_complete(const struct download *d);

/* Add requests until two are outstanding (or all is asked for); emit each. */
void dl_fill(struct download *d, dl_emit_fn emit, void *arg);

/*
 * Nothing came for too long: emit one request per run of chunks still
 * missing in the outstanding requests (what did arrive is kept), or fill()
 * when none is outstanding.
 */
void dl_restart(struct download *d, dl_emit_fn emit, void *arg);

/*
 * Where a chunk of job `job` with `len` data bytes at `off` goes: 0 with
 * *req / *slot set when it fills an empty slot of an outstanding request
 * with exactly the slot's length, else MOTE_ENOENT (drop it).
 */
int dl_find(const struct download *d, uint32_t job, uint32_t off, size_t len, int *req, int *slot);

/* The chunk found by dl_find is in flash: mark it, advance `have`. */
void dl_mark(struct download *d, int req, int slot);

#endif
