/*
 * update/: verified boot and updates, shared by the bootloader, the running
 * app and (to come, kernel/ota/) the OTA agent: the boot-state record (bootstate.h), the signed
 * image format (image.h), the checks of an image in a slot (slot_check.c)
 * and the running app's side of test / confirm / revert (bootctl.c).
 */
#ifndef UPDATE_UPDATE_H
#define UPDATE_UPDATE_H

#include <stdbool.h>
#include <stdint.h>
#include <update/bootstate.h>
#include <update/image.h>

/*
 * ---- slot_check.c: is the image in a slot one this device may boot? ----
 * The bootloader's checks (docs/image-format.md), shared by booting
 * (boot/bootmain.c), the recovery mode's BEGIN and END (boot/recovery.c)
 * and whatever else writes a slot (the OTA agent, to come), so an image is judged
 * the same way by every path, and refused with the same words. Checks run
 * one at a time: the reason may point into a static buffer.
 */

/*
 * What a check found: 0, or the first check that failed. The values are
 * the recovery protocol's STATUS codes for the same refusals
 * (boot/recovery_proto.h, RPROTO_S*), so the recovery mode passes them on.
 */
enum slot_verdict {
    VERDICT_OK = 0,
    VERDICT_BAD_HEADER = 3,   /* the header does not parse */
    VERDICT_PROFILE = 4,      /* for another profile or arch, or placed outside RAM / over us */
    VERDICT_DOWNGRADE = 5,    /* security counter below the floor */
    VERDICT_TOO_BIG = 6,      /* header + payload + signature do not fit the slot */
    VERDICT_FLASH = 7,        /* the flash could not be read */
    VERDICT_SIGNATURE = 9,    /* unknown key id, or a bad signature */
    VERDICT_HASH = 10,        /* the payload is not the one the header signs */
};

/* The public keys an image may be signed with. */
#define SLOT_KEYS_MAX 8
struct slot_keys {
    const uint8_t (*key)[32];       /* raw Ed25519 public keys (the caller's array, kept) */
    uint8_t id[SLOT_KEYS_MAX][32];  /* their key ids: SHA-256 of each */
    unsigned count;
};

/* Trust keys[0..n) (at most SLOT_KEYS_MAX of them): hashes their key ids. */
void slot_keys_init(struct slot_keys *k, const uint8_t (*keys)[32], unsigned n);

/*
 * The limits this bootloader puts on an image in `slot` (image.h): the
 * kernel's arch, the slot's size, the RAM the machine has (arch_ram_range)
 * and the bootloader's own image (code, data, stacks, heap: __image_start
 * to __image_end), which a payload may not overwrite. Bootloader only: in a
 * running app __image_* are the app's, not the bootloader's.
 */
void slot_board(int slot, struct image_board *b);

/*
 * Check a 256-byte header for board *b: it parses (the header rules of
 * image.c), its profile is the board's (board.name), its arch, size and
 * load range fit *b (image_check_board), and its security counter is
 * >= min_counter. Fills *in. Returns VERDICT_OK, or VERDICT_BAD_HEADER /
 * PROFILE (also arch and placement) / TOO_BIG / DOWNGRADE with the reason
 * in *why.
 */
enum slot_verdict slot_check_header(const uint8_t hdr[IMAGE_HEADER_SIZE], uint32_t min_counter,
                                    const struct image_board *b, struct image_info *in, const char **why);

/*
 * Check the image in `slot` (SLOT_A or SLOT_B) as the bootloader boots it:
 * the header against *b (slot_board, or bootctl_trusted_keys in an app), the key id and Ed25519
 * signature against `keys`, then the payload's SHA-256. Without `load` the
 * payload is hashed straight from flash through a small buffer and RAM is
 * left alone. With `load` (booting) the payload is placed at its load
 * address while it is hashed; the header check has made sure it fits the
 * RAM and misses the bootloader. Returns VERDICT_OK with *in filled, or the verdict of the first
 * failed check with the reason in *why.
 */
enum slot_verdict slot_check(const struct slot_keys *keys, int slot, const struct image_board *b, uint32_t min_counter,
                             int load, struct image_info *in, const char **why);

/*
 * ---- handoff.c: what the bootloader hands the image it starts ----
 * The keys it trusts, the RAM it found and the memory it occupies itself,
 * so that whatever checks an image in the running app (the OTA agent before
 * it marks a slot pending) trusts and places exactly what the bootloader
 * will check again at the next boot (the app cannot always find the RAM
 * range itself: on x86 the firmware's memory map is gone by then). A block in the bootloader's
 * memory, its address passed by arch_boot_jump (hal/boot.h,
 * BOOT_F_HANDOFF). Pure logic: host-tested.
 */
#define HANDOFF_MAGIC 0x464f484du   /* "MHOF" */
struct boot_handoff {
    uint32_t magic;                  /* HANDOFF_MAGIC */
    uint16_t size;                   /* sizeof(struct boot_handoff) */
    uint16_t nkeys;                  /* 1..SLOT_KEYS_MAX */
    uint64_t ram_base, ram_size;     /* the RAM an image must lie in ... */
    uint64_t boot_start, boot_end;   /* ... missing the bootloader's own memory */
    uint8_t keys[SLOT_KEYS_MAX][32]; /* raw Ed25519 public keys; unused ones zero */
    uint32_t reserved;               /* zero; keeps the block free of padding */
    uint32_t crc;                    /* CRC-32 of everything before it */
};

/* Fill *h with keys[0..n) (at most SLOT_KEYS_MAX are kept) and b's RAM and bootloader ranges. */
void handoff_make(struct boot_handoff *h, const uint8_t (*keys)[32], unsigned n, const struct image_board *b);
/* Is *h a whole block (magic, size, key count, ranges, CRC)? 0, or MOTE_EINVAL. */
int handoff_check(const struct boot_handoff *h);

/* ---- bootctl.c: the running app's side (mote_boot_status, mote_confirm) ---- */
/* This board's boot_state partition, over mote_flash_read/write. */
extern const struct flash_io bootstate_flash;
/* Start the TEST watchdog thread if the bootloader started this image on trial. */
void bootctl_watchdog_start(void);
/*
 * The keys the bootloader that started this image trusts and what it allows
 * an image in `slot` (its handoff block), ready for slot_check(). 0;
 * MOTE_ENOENT when no Mote bootloader handed any on (an ELF booted on its
 * own, an older bootloader); MOTE_EINVAL when the block is damaged.
 */
int bootctl_trusted_keys(struct slot_keys *k, int slot, struct image_board *b);
/* Has mote_confirm() succeeded since this boot (the image is confirmed now)? */
bool bootctl_confirmed(void);
/*
 * The boot state and the running slot's image header, from the flash: 0,
 * MOTE_EINVAL (not started by the Mote bootloader, or a bad header) or the
 * flash's error.
 */
int bootctl_running(struct boot_state *st, struct image_info *info);

#endif
