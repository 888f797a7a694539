/*
 * The recovery mode's pure logic (docs/flasher-protocol.md, section 7):
 * the resume record it keeps in the persist partition, and which slot a
 * transfer writes. Compiled into the bootloader and host-tested
 * (kernel/test/boot/test_recovery_record.c).
 */
#ifndef RECOVERY_RECORD_H
#define RECOVERY_RECORD_H

#include <stdint.h>

#define RESUME_MAGIC 0x4d53524du    /* "MRSM" */
#define RESUME_VERSION 1
#define RESUME_SIZE 48              /* bytes at the start of the persist partition */
#define RESUME_EVERY (64u * 1024)   /* advance the record after this many new bytes */

/*
 * An interrupted transfer: `offset` bytes of the image whose 256-byte
 * header hashes to `hash` are durably in `slot`, contiguous from 0.
 * offset 0 means nothing to resume.
 */
struct resume_record {
    uint8_t slot;
    uint32_t offset;
    uint8_t hash[32];
};

/*
 * Layout (little-endian): magic u32 | version u8 | slot u8 | reserved u16 |
 * offset u32 | hash[32] | CRC-32 of the 44 bytes before it.
 */
void resume_encode(const struct resume_record *r, uint8_t out[RESUME_SIZE]);

/*
 * Read a record. Returns 0, or MOTE_ENOENT with an empty record (offset 0)
 * when the bytes are blank, torn or of another version.
 */
int resume_decode(const uint8_t in[RESUME_SIZE], struct resume_record *r);

/*
 * Where a BEGIN for the image with header hash `hash` and `size` bytes,
 * written to `slot`, starts: the record's offset when it is for the same
 * slot and header and not beyond the image, else 0.
 */
uint32_t resume_start(const struct resume_record *r, int slot, const uint8_t hash[32],
                      uint32_t size);

/* Is it time to save the record again (`held` bytes now, `saved` recorded)? */
int resume_due(uint32_t saved, uint32_t held);

/* The slot a transfer writes: never the active one; A when none is active. */
int recovery_target_slot(int active);

#endif
