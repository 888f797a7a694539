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
 * Parse and check a 256-byte header. Returns NULL and fills *info, or a
 * short reason ("empty", "bad magic", "unsupported format version",
 * "bad header").
 */
const char *image_parse_header(const uint8_t hdr[IMAGE_HEADER_SIZE], struct image_info *info);

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
