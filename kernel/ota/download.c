/* The request window of one download (download.h). Pure logic. */
#include <mote.h>
#include "download.h"

static bool got(const struct dl_req *r, unsigned i)
{
    return r->got[i / 8] >> (i % 8) & 1;
}

void dl_start(struct download *d, uint32_t job, uint32_t size, uint32_t chunk, uint32_t window,
              uint32_t from)
{
    memset(d, 0, sizeof(*d));
    d->job = job;
    d->size = size;
    d->chunk = chunk;
    d->window = window;
    d->done = from < size ? from : size;
}

uint32_t dl_have(const struct download *d)
{
    if (!d->nreqs)
        return d->done;
    const struct dl_req *r = &d->reqs[0];
    uint64_t at = r->off + (uint64_t)r->prefix * d->chunk;
    return at < r->end ? (uint32_t)at : r->end;
}

bool dl_complete(const struct download *d)
{
    return dl_have(d) == d->size;
}

void dl_fill(struct download *d, dl_emit_fn emit, void *arg)
{
    uint32_t ask = d->nreqs ? d->reqs[d->nreqs - 1].end : d->done;
    uint32_t per = d->chunk * d->window;   /* <= 65536 * 256: fits */
    while (d->nreqs < DL_OUTSTANDING && ask < d->size) {
        uint32_t len = d->size - ask < per ? d->size - ask : per;
        struct dl_req *r = &d->reqs[d->nreqs++];
        memset(r, 0, sizeof(*r));
        r->off = ask;
        r->end = ask + len;
        r->n = (uint16_t)((len + d->chunk - 1) / d->chunk);
        emit(arg, ask, len);
        ask += len;
    }
}

void dl_restart(struct download *d, dl_emit_fn emit, void *arg)
{
    if (!d->nreqs) {
        dl_fill(d, emit, arg);
        return;
    }
    for (int k = 0; k < d->nreqs; k++) {
        const struct dl_req *r = &d->reqs[k];
        for (unsigned i = r->prefix; i < r->n; i++) {
            if (got(r, i))
                continue;
            unsigned j = i;
            while (j < r->n && !got(r, j))
                j++;
            uint32_t from = r->off + i * d->chunk;
            uint64_t to = r->off + (uint64_t)j * d->chunk;
            emit(arg, from, (uint32_t)(to < r->end ? to : r->end) - from);
            i = j;
        }
    }
}

int dl_find(const struct download *d, uint32_t job, uint32_t off, size_t len, int *req, int *slot)
{
    if (job != d->job)
        return MOTE_ENOENT;
    for (int k = 0; k < d->nreqs; k++) {
        const struct dl_req *r = &d->reqs[k];
        if (off < r->off || off >= r->end || (off - r->off) % d->chunk)
            continue;
        unsigned i = (off - r->off) / d->chunk;
        uint32_t want = r->end - off < d->chunk ? r->end - off : d->chunk;
        if (got(r, i) || len != want)
            return MOTE_ENOENT;
        *req = k;
        *slot = (int)i;
        return 0;
    }
    return MOTE_ENOENT;
}

void dl_mark(struct download *d, int req, int slot)
{
    struct dl_req *r = &d->reqs[req];
    r->got[slot / 8] |= (uint8_t)(1u << (slot % 8));
    while (r->prefix < r->n && got(r, r->prefix))
        r->prefix++;
    /* a later request may already be complete too */
    while (d->nreqs && d->reqs[0].prefix == d->reqs[0].n) {
        d->done = d->reqs[0].end;
        d->reqs[0] = d->reqs[1];
        d->nreqs--;
    }
}
