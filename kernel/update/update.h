/*
 * update/: verified boot and updates, shared by the bootloader, the running
 * app and the OTA agent: the boot-state record (bootstate.h), the signed
 * image format (image.h), the checks of an image in a slot (slot_check.c)
 * and the running app's side of test / confirm / revert (bootctl.c).
 */
#ifndef UPDATE_UPDATE_H
#define UPDATE_UPDATE_H

#include <stdint.h>
#include <update/bootstate.h>
#include <update/image.h>

/*
 * ---- slot_check.c ----
 * The bootloader's checks of a signed image in a slot (docs/image-format.md),
 * shared by booting (bootmain.c) and the recovery mode's BEGIN and END
 * (recovery.c). Every refusal comes back as an RPROTO_S* code plus the one
 * console line that says why, so both paths word it the same.
 */

/* Hash the trusted keys into their key ids. Call once before any check. */
void slot_check_init(void);

/*
 * Check a 256-byte header for this board: it parses, its profile and arch
 * are the board's, its security counter is >= min_counter and the whole
 * image (header, payload, signature block) fits in `room` bytes. Fills
 * *in. Returns RPROTO_SOK, or RPROTO_SBAD_HEADER / SPROFILE / SDOWNGRADE /
 * STOO_BIG with the reason in *why.
 */
int slot_check_header(const uint8_t hdr[IMAGE_HEADER_SIZE], uint32_t min_counter, uint64_t room,
                      struct image_info *in, const char **why);

/*
 * Check the image in `slot` as the bootloader boots it: the header (above),
 * the key id and Ed25519 signature, then the payload's SHA-256. With `load`
 * the payload is placed at its load address while it is hashed (it must fit
 * RAM and miss the bootloader); without, it is hashed straight from flash
 * through a small buffer and RAM is left alone. Returns RPROTO_SOK with *in
 * filled, or the RPROTO_S* code of the first failed check (SFLASH, SPROFILE
 * for a misplaced image, SSIGNATURE, SHASH, ...) with the reason in *why.
 */
int slot_check(int slot, uint32_t min_counter, int load, struct image_info *in, const char **why);

/* ---- bootctl.c: the running app's side (mote_boot_status, mote_confirm) ---- */
/* This board's boot_state partition, over mote_flash_read/write. */
extern const struct flash_io bootstate_flash;
/* Start the TEST watchdog thread if the bootloader started this image on trial. */
void bootctl_watchdog_start(void);

#endif
