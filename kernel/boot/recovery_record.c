/* The resume record and the target-slot rule (recovery_record.h). Pure logic. */
#include <mote.h>
#include <lib/lib.h>
#include <update/bootstate.h>
#include "recovery_record.h"

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void resume_encode(const struct resume_record *r, uint8_t out[RESUME_SIZE])
{
    memset(out, 0, RESUME_SIZE);
    put32(out, RESUME_MAGIC);
    out[4] = RESUME_VERSION;
    out[5] = r->slot;
    put32(out + 8, r->offset);
    memcpy(out + 12, r->hash, 32);
    memcpy(out + 44, r->prefix, 32);
    put32(out + 76, crc32(out, 76));
}

int resume_decode(const uint8_t in[RESUME_SIZE], struct resume_record *r)
{
    memset(r, 0, sizeof(*r));
    if (get32(in) != RESUME_MAGIC || in[4] != RESUME_VERSION || get32(in + 76) != crc32(in, 76))
        return MOTE_ENOENT;
    r->slot = in[5];
    r->offset = get32(in + 8);
    memcpy(r->hash, in + 12, 32);
    memcpy(r->prefix, in + 44, 32);
    return 0;
}

uint32_t resume_start(const struct resume_record *r, int slot, const uint8_t hash[32],
                      uint32_t size)
{
    if (r->slot != slot || r->offset > size || memcmp(r->hash, hash, 32))
        return 0;
    return r->offset;
}

int resume_prefix_ok(const struct resume_record *r, const uint8_t digest[32])
{
    return !memcmp(r->prefix, digest, 32);
}

int resume_due(uint32_t saved, uint32_t held)
{
    return held > saved && held - saved >= RESUME_EVERY;
}

int recovery_target_slot(int active)
{
    return active == SLOT_A ? SLOT_B : SLOT_A;
}
