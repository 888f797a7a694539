/* The recovery mode's resume record and target-slot rule (boot/recovery_record.c). */
#include <stdint.h>
#include "check.h"
#include <mote.h>
#include <boot/recovery_record.h>
#include <update/bootstate.h>

static void fill_hash(uint8_t h[32], uint8_t seed)
{
    for (int i = 0; i < 32; i++)
        h[i] = (uint8_t)(seed + i);
}

void test_resume_record_round_trip_and_damage(void)
{
    struct resume_record r = { .slot = SLOT_B, .offset = 0x30000 }, back;
    uint8_t raw[RESUME_SIZE];
    fill_hash(r.hash, 0x20);
    fill_hash(r.prefix, 0x90);
    resume_encode(&r, raw);
    CHECK(raw[0] == 'M' && raw[1] == 'R' && raw[2] == 'S' && raw[3] == 'M');
    CHECK(resume_decode(raw, &back) == 0);
    CHECK(back.slot == SLOT_B && back.offset == 0x30000 && !memcmp(back.hash, r.hash, 32) &&
          !memcmp(back.prefix, r.prefix, 32));
    for (int i = 0; i < RESUME_SIZE; i++) {     /* any flipped byte: nothing to resume */
        raw[i] ^= 0x40;
        CHECK(resume_decode(raw, &back) == MOTE_ENOENT && back.offset == 0);
        raw[i] ^= 0x40;
    }
    memset(raw, 0xff, sizeof(raw));              /* erased flash */
    CHECK(resume_decode(raw, &back) == MOTE_ENOENT && back.offset == 0);
    memset(raw, 0, sizeof(raw));                 /* blank file */
    CHECK(resume_decode(raw, &back) == MOTE_ENOENT && back.offset == 0);
}

void test_resume_start_same_image_only(void)
{
    struct resume_record r = { .slot = SLOT_B, .offset = 0x10000 };
    uint8_t same[32], other[32];
    fill_hash(r.hash, 1);
    fill_hash(same, 1);
    fill_hash(other, 2);
    CHECK(resume_start(&r, SLOT_B, same, 0x20000) == 0x10000);
    CHECK(resume_start(&r, SLOT_B, other, 0x20000) == 0);    /* another image */
    CHECK(resume_start(&r, SLOT_A, same, 0x20000) == 0);     /* another slot */
    CHECK(resume_start(&r, SLOT_B, same, 0x8000) == 0);      /* beyond this image's end */
    CHECK(resume_start(&r, SLOT_B, same, 0x10000) == 0x10000);
}

void test_resume_due_every_64k(void)
{
    CHECK(!resume_due(0, 0));
    CHECK(!resume_due(0, RESUME_EVERY - 1));
    CHECK(resume_due(0, RESUME_EVERY));
    CHECK(!resume_due(0x30000, 0x30000 + RESUME_EVERY - 1024));
    CHECK(resume_due(0x30000, 0x30400 + RESUME_EVERY));
    CHECK(!resume_due(0x30000, 0x1000));                      /* never backwards */
}

void test_recovery_target_never_active(void)
{
    CHECK(recovery_target_slot(SLOT_A) == SLOT_B);
    CHECK(recovery_target_slot(SLOT_B) == SLOT_A);
    CHECK(recovery_target_slot(SLOT_NONE) == SLOT_A);
}

/*
 * A record is tied to what the slot holds: the prefix hash of the bytes as
 * written must match what the slot holds now, and a version 1 record
 * (48 bytes, no prefix hash) is never resumed.
 */
void test_resume_record_is_tied_to_the_slot_bytes(void)
{
    struct resume_record r = { .slot = SLOT_A, .offset = 0x20000 }, back;
    uint8_t raw[RESUME_SIZE], now[32];
    fill_hash(r.hash, 3);
    fill_hash(r.prefix, 0x40);
    fill_hash(now, 0x40);
    CHECK(resume_prefix_ok(&r, now));
    now[31] ^= 1;                                   /* the slot was written since */
    CHECK(!resume_prefix_ok(&r, now));

    /* a version 1 record, as bootloaders before the prefix hash wrote it */
    resume_encode(&r, raw);
    raw[4] = 1;
    CHECK(resume_decode(raw, &back) == MOTE_ENOENT && back.offset == 0);
    CHECK(RESUME_SIZE == 80 && RESUME_VERSION == 2);
}
