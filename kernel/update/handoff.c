/*
 * The bootloader's handoff block (update.h): the keys it trusts and the memory an image may use, passed on
 * to the image it starts so the image judges an update exactly as the
 * bootloader will. Pure logic over the block's bytes.
 */
#include <mote.h>
#include <lib/lib.h>
#include "update.h"

#define HANDOFF_CRC_LEN __builtin_offsetof(struct boot_handoff, crc)

void handoff_make(struct boot_handoff *h, const uint8_t (*keys)[32], unsigned n, const struct image_board *b)
{
    memset(h, 0, sizeof(*h));
    if (n > SLOT_KEYS_MAX)
        n = SLOT_KEYS_MAX;
    h->magic = HANDOFF_MAGIC;
    h->size = (uint16_t)sizeof(*h);
    h->nkeys = (uint16_t)n;
    h->ram_base = b->ram_base;
    h->ram_size = b->ram_size;
    h->boot_start = b->keep_start;
    h->boot_end = b->keep_end;
    memcpy(h->keys, keys, (size_t)n * 32);
    h->crc = crc32(h, HANDOFF_CRC_LEN);
}

int handoff_check(const struct boot_handoff *h)
{
    if (h->magic != HANDOFF_MAGIC || h->size != sizeof(*h) || h->nkeys < 1 ||
        h->nkeys > SLOT_KEYS_MAX || h->boot_start > h->boot_end || !h->ram_size || h->reserved ||
        h->crc != crc32(h, HANDOFF_CRC_LEN))
        return MOTE_EINVAL;
    return 0;
}
