/*
 * The signed firmware image, device side (docs/image-format.md). The one C
 * reading of the format: the bootloader checks slots with it and the
 * running kernel reads its own header (mote_boot_status); the host
 * tools have their own in Java (dev.mote.sdk.image), kept in step by tests
 * that verify Java-signed images here.
 */
#ifndef IMAGE_H
#define IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define IMAGE_MAGIC 0x45544f4du      /* "MOTE" */
#define IMAGE_SIG_MAGIC 0x4749534du  /* "MSIG" */
#define IMAGE_FORMAT_VERSION 1
#define IMAGE_HEADER_SIZE 256
#define IMAGE_SIG_SIZE 104
#define IMAGE_ALG_ED25519 1
#define IMAGE_ARCH_ARM64 1
#define IMAGE_ARCH_X86_64 2
/* KERNEL_IMAGE_ARCH, defined by kernel/Makefile: the IMAGE_ARCH_* this kernel is built for. */

struct image_info {
    uint16_t arch;
    uint32_t payload_size;
    uint64_t load_address, entry_point;
    uint32_t version[3];             /* major, minor, patch */
    uint32_t security_counter;
    char profile[33], app_name[33];  /* NUL-terminated */
    uint8_t payload_sha256[32];
};

/*
 * Parse and check a 256-byte header: magic, format, field shapes, and the
 * rules on the numbers every reader applies (docs/image-format.md, "Header
 * rules"): a non-empty payload, a load range [load_address, load_address +
 * payload_size) that does not wrap past 2^64, the entry point inside it.
 * Returns NULL and fills *info, or a short reason ("empty", "bad magic",
 * "unsupported format version", "bad header", "bad header: payload is
 * empty", "bad header: load range wraps past the end of the address space",
 * "bad header: entry point outside the payload").
 */
const char *image_parse_header(const uint8_t hdr[IMAGE_HEADER_SIZE], struct image_info *info);

/*
 * What a board allows an image: the same numbers the host tools read from
 * the profile (dev.mote.sdk.image.Board), here from what the bootloader
 * knows of itself and the machine.
 */
struct image_board {
    uint16_t arch;                  /* IMAGE_ARCH_* */
    uint64_t slot_size;             /* header, payload and signature block must fit */
    uint64_t ram_base, ram_size;    /* the payload must lie in this RAM ... */
    uint64_t keep_start, keep_end;  /* ... and miss [keep_start, keep_end): the bootloader */
};

/* The first rule of image_check_board an image breaks, in the order they are checked. */
enum image_misfit {
    IMAGE_FITS = 0,
    IMAGE_ARCH,             /* built for the other architecture */
    IMAGE_TOO_BIG,          /* header + payload + signature block exceed a slot */
    IMAGE_OUTSIDE_RAM,      /* the load range leaves the RAM */
    IMAGE_OVER_BOOTLOADER,  /* the load range overlaps the bootloader */
};

/*
 * Does a parsed header (image_parse_header accepted it, so its load range
 * does not wrap) fit board *b? Overflow-safe for any numbers. Returns
 * IMAGE_FITS, or the first misfit with the reason in why_buf (>= 96 bytes):
 * "arch mismatch: image is for x86_64, device is arm64", "image too big: a
 * N-byte payload does not fit the slot (M bytes)", "image at 0x... does not
 * fit in RAM", "image at 0x... overlaps the bootloader".
 */
enum image_misfit image_check_board(const struct image_info *in, const struct image_board *b, char *why_buf,
                                    size_t why_size);

/* "arm64", "x86_64", or "arch N". The buffer holds an unknown code's name (>= 12 bytes). */
const char *image_arch_name(uint16_t arch, char *buf, size_t size);

/*
 * Check the 104-byte signature block against the header: algorithm, key id
 * among `keys` (raw Ed25519 public keys; key_ids[i] = SHA-256 of keys[i]),
 * and the signature. Returns NULL, or the reason ("bad signature block",
 * "unknown key id 3fa2c1d0...", "bad signature"). `why_buf` (>= 48 bytes)
 * holds reasons that carry a value.
 */
const char *image_check_signature(const uint8_t hdr[IMAGE_HEADER_SIZE],
                                  const uint8_t sig[IMAGE_SIG_SIZE], const uint8_t (*keys)[32],
                                  const uint8_t (*key_ids)[32], unsigned nkeys, char *why_buf,
                                  size_t why_size);

#endif
