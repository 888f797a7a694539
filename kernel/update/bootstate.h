/*
 * The boot-state record and the bootloader's choice of slot.
 *
 * The record lives twice in the flash's boot_state partition (copies at
 * offsets 0 and BOOTSTATE_COPY_STRIDE), each with a sequence number and a
 * CRC-32. A new record is always written over the older copy, so a power cut
 * in the middle of a write leaves the newer one intact: after any torn write
 * the device reads either the old or the new state, never garbage.
 * Layout: docs/boot-flow.md (all fields little-endian).
 */
#ifndef BOOTSTATE_H
#define BOOTSTATE_H

#include <stddef.h>
#include <stdint.h>

#define BOOTSTATE_MAGIC 0x5453424du /* "MBST" */
#define BOOTSTATE_VERSION 1
#define BOOTSTATE_SIZE 64
#define BOOTSTATE_COPY_STRIDE 4096
#define SLOT_A 0
#define SLOT_B 1
#define SLOT_NONE 0xff

struct boot_state {
    uint32_t magic;
    uint16_t version;
    uint16_t size;
    uint32_t seq;               /* higher is newer */
    uint8_t active;             /* the slot with the confirmed image, or SLOT_NONE */
    uint8_t pending;            /* a new image waiting for its TEST boot, or SLOT_NONE */
    uint8_t tries;              /* TEST boots of `pending` so far */
    uint8_t booting;            /* the slot the bootloader last started */
    uint32_t security_counter;  /* images below this are refused */
    uint8_t reserved[40];
    uint32_t crc;               /* CRC-32 (IEEE) of the 60 bytes before it */
};

_Static_assert(sizeof(struct boot_state) == BOOTSTATE_SIZE, "boot_state layout");

/* Byte access to the boot_state partition (offsets relative to its start). */
struct flash_io {
    int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
    int (*write)(void *ctx, uint64_t off, const void *buf, size_t len);
    void *ctx;
};

/* A state with no confirmed image and nothing pending (a blank device). */
void bootstate_init(struct boot_state *st);
/*
 * Read both copies and return the newest valid one in *st (0), or a blank
 * state and MOTE_ENOENT if neither copy is valid. I/O errors are returned.
 */
int bootstate_load(const struct flash_io *io, struct boot_state *st);
/* Write *st as the next record (seq + 1) over the older copy. */
int bootstate_store(const struct flash_io *io, struct boot_state *st);

/*
 * What the bootloader does, as pure logic over the record: which slot to
 * start, after checking images with verify(slot) (NULL: the slot holds a
 * good image for this device; else why not, e.g. "hash mismatch"). Updates
 * *st (the caller stores it if `*changed`), says every refusal and revert in
 * one line through note(), and returns the slot to boot or SLOT_NONE.
 *
 * A pending image's TEST attempt is counted before verify() touches it:
 * boot_choose stores the record with tries = 1 through save() first, so a
 * fault, hang or reset while the candidate is loaded or started reverts it
 * on the next boot (MCUboot's lesson). If save() fails the candidate is not
 * tried on this boot.
 */
struct boot_env {
    const char *(*verify)(void *ctx, int slot);
    void (*note)(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
    void *ctx;
    /* Store *st now (bootstate_store): 0, or a negative error. */
    int (*save)(void *ctx, struct boot_state *st);
};
int boot_choose(struct boot_state *st, const struct boot_env *env, int *changed);

/*
 * The running app confirms the image in `slot` (with security counter
 * `counter`): it becomes the active slot and the floor for future images.
 * Returns 0, or MOTE_EINVAL if `slot` is not the one being tested or active.
 */
int bootstate_confirm(struct boot_state *st, int slot, uint32_t counter);
/* A new image was written to `slot`: test it on the next boot. */
int bootstate_set_pending(struct boot_state *st, int slot);

#endif
