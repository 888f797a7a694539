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
#define RESUME_VERSION 2            /* 1 had no prefix hash: such a record is not resumed */
#define RESUME_SIZE 80              /* bytes at the start of the persist partition */
#define RESUME_EVERY (64u * 1024)   /* advance the record after this many new bytes */

/*
 * An interrupted transfer: `offset` bytes of the image whose 256-byte
 * header hashes to `hash` are durably in `slot`, contiguous from 0, and
 * those bytes hash to `prefix` (SHA-256 of the slot's first `offset` bytes
 * as they were written). The prefix hash is what ties the record to the
 * slot's content: anything that wrote the slot since (the OTA agent, a
 * disk flasher) leaves bytes that no longer hash to it, and the transfer
 * starts over instead of resuming over them. offset 0: nothing to resume.
 */
struct resume_record {
    uint8_t slot;
    uint32_t offset;
    uint8_t hash[32];
    uint8_t prefix[32];
};

/*
 * Layout (little-endian): magic u32 | version u8 | slot u8 | reserved u16 |
 * offset u32 | hash[32] | prefix[32] | CRC-32 of the 76 bytes before it.
 */
void resume_encode(const struct resume_record *r, uint8_t out[RESUME_SIZE]);

/*
 * Read a record. Returns 0, or MOTE_ENOENT with an empty record (offset 0)
 * when the bytes are blank, torn or of another version.
 */
int resume_decode(const uint8_t in[RESUME_SIZE], struct resume_record *r);

/*
 * Where a BEGIN for the image with header hash `hash` and `size` bytes,
 * written to `slot`, may start: the record's offset when it is for the same
 * slot and header and not beyond the image, else 0. A nonzero answer is a
 * candidate only: the caller resumes there if the slot's first `offset`
 * bytes still hash to r->prefix (resume_prefix_ok), else starts at 0.
 */
uint32_t resume_start(const struct resume_record *r, int slot, const uint8_t hash[32],
                      uint32_t size);

/* Do the slot's first r->offset bytes, which hash to `digest`, still match the record? */
int resume_prefix_ok(const struct resume_record *r, const uint8_t digest[32]);

/* Is it time to save the record again (`held` bytes now, `saved` recorded)? */
int resume_due(uint32_t saved, uint32_t held);

/* The slot a transfer writes: never the active one; A when none is active. */
int recovery_target_slot(int active);

#endif
