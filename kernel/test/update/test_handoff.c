/*
 * The bootloader's handoff block (update/handoff.c): what it builds, the
 * app accepts; a damaged, foreign or oversized block is refused.
 */
#include <stdint.h>
#include "check.h"
#include <mote.h>
#include <update/update.h>

static const uint8_t keys[3][32] = { { 1, 2, 3 }, { 4, 5, 6 }, { 0xff } };
static const struct image_board board_ = { .ram_base = 0x40000000, .ram_size = 0x8000000,
                                           .keep_start = 0x40000000, .keep_end = 0x40080000 };

void test_handoff_round_trip_and_refusals(void)
{
    struct boot_handoff h, bad;
    handoff_make(&h, keys, 3, &board_);
    CHECK(handoff_check(&h) == 0);
    CHECK(h.nkeys == 3);
    CHECK(h.keys[2][0] == 0xff && h.keys[3][0] == 0);
    CHECK(h.ram_base == 0x40000000 && h.ram_size == 0x8000000);
    CHECK(h.boot_start == 0x40000000 && h.boot_end == 0x40080000);
    CHECK(sizeof(h) == 304);   /* no padding: every byte is under the CRC */

    /* any single bit flipped anywhere is refused */
    for (size_t i = 0; i < sizeof(h) * 8; i++) {
        bad = h;
        ((uint8_t *)&bad)[i / 8] ^= (uint8_t)(1u << (i % 8));
        CHECK(handoff_check(&bad) == MOTE_EINVAL);
    }
    /* a block of zeros (no bootloader wrote one) */
    memset(&bad, 0, sizeof(bad));
    CHECK(handoff_check(&bad) == MOTE_EINVAL);

    /* more keys than a block holds: the first SLOT_KEYS_MAX are kept */
    uint8_t many[SLOT_KEYS_MAX + 2][32];
    for (int i = 0; i < SLOT_KEYS_MAX + 2; i++)
        memset(many[i], i + 1, 32);
    handoff_make(&h, (const uint8_t(*)[32])many, SLOT_KEYS_MAX + 2, &board_);
    CHECK(handoff_check(&h) == 0 && h.nkeys == SLOT_KEYS_MAX);
    CHECK(h.keys[SLOT_KEYS_MAX - 1][0] == SLOT_KEYS_MAX);

    /* no key at all is not a block an image may trust */
    handoff_make(&h, keys, 0, &board_);
    CHECK(handoff_check(&h) == MOTE_EINVAL);
    /* a range that ends before it starts */
    struct image_board odd = board_;
    odd.keep_start = 2, odd.keep_end = 1;
    handoff_make(&h, keys, 1, &odd);
    CHECK(handoff_check(&h) == MOTE_EINVAL);
    /* no RAM */
    odd = board_;
    odd.ram_size = 0;
    handoff_make(&h, keys, 1, &odd);
    CHECK(handoff_check(&h) == MOTE_EINVAL);
}
