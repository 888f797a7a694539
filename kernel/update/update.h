/*
 * update/: verified boot and updates, shared by the bootloader, the running
 * app and (to come, kernel/ota/) the OTA agent: the boot-state record (bootstate.h), the signed
 * image format (image.h), the checks of an image in a slot (slot_check.c)
 * and the running app's side of test / confirm / revert (bootctl.c).
 */
#ifndef UPDATE_UPDATE_H
#define UPDATE_UPDATE_H

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
    VERDICT_PROFILE = 4,      /* for another profile or arch, or (loading) misplaced in RAM */
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
 * Check a 256-byte header for this board: it parses, its profile and arch
 * are the board's (board.name, KERNEL_IMAGE_ARCH), its security counter is
 * >= min_counter and the whole image (header, payload, signature block)
 * fits in `room` bytes. Fills *in. Returns VERDICT_OK, or VERDICT_BAD_HEADER
 * / PROFILE / DOWNGRADE / TOO_BIG with the reason in *why.
 */
enum slot_verdict slot_check_header(const uint8_t hdr[IMAGE_HEADER_SIZE], uint32_t min_counter,
                                    uint64_t room, struct image_info *in, const char **why);

/*
 * Check the image in `slot` (SLOT_A or SLOT_B) as the bootloader boots it:
 * the header (above), the key id and Ed25519 signature against `keys`, then
 * the payload's SHA-256. Without `load` the payload is hashed straight from
 * flash through a small buffer and RAM is left alone: what everyone but the
 * bootloader wants. With `load` (the bootloader only) the payload is placed
 * at its load address while it is hashed; it must fit RAM and miss this
 * image. Returns VERDICT_OK with *in filled, or the verdict of the first
 * failed check with the reason in *why.
 */
enum slot_verdict slot_check(const struct slot_keys *keys, int slot, uint32_t min_counter,
                             int load, struct image_info *in, const char **why);

/* ---- bootctl.c: the running app's side (mote_boot_status, mote_confirm) ---- */
/* This board's boot_state partition, over mote_flash_read/write. */
extern const struct flash_io bootstate_flash;
/* Start the TEST watchdog thread if the bootloader started this image on trial. */
void bootctl_watchdog_start(void);
/*
 * The boot state and the running slot's image header, from the flash: 0,
 * MOTE_EINVAL (not started by the Mote bootloader, or a bad header) or the
 * flash's error.
 */
int bootctl_running(struct boot_state *st, struct image_info *info);

#endif
