/*
 * Checking a slot's image (update.h): header, placement, signature and
 * payload hash, with the payload streamed from flash either to its load
 * address (booting) or through a small buffer (the recovery mode's END).
 * The rules on the header's numbers are image.c's, shared with the host
 * tools through test/vectors/image-headers.txt.
 */
#include <hal/board.h>
#include <hal/boot.h>
#include <hal/cpu.h>
#include <core/core.h>
#include <crypto/crypto.h>
#include "update.h"

#define LOAD_CHUNK (64u * 1024)   /* read size when loading into RAM */
#define HASH_CHUNK 4096u          /* read size when only hashing */

static uint8_t hash_buf[HASH_CHUNK];
static char why_buf[160];   /* the longest reason: two 31-character profile names */

static const char *why(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
    va_end(ap);
    return why_buf;
}

void slot_keys_init(struct slot_keys *k, const uint8_t (*keys)[32], unsigned n)
{
    k->key = keys;
    k->count = n < SLOT_KEYS_MAX ? n : SLOT_KEYS_MAX;
    for (unsigned i = 0; i < k->count; i++)
        sha256(keys[i], 32, k->id[i]);
}

void slot_board(int slot, struct image_board *b)
{
    uintptr_t base;
    uint64_t ram;
    arch_ram_range(&base, &ram);
    b->arch = KERNEL_IMAGE_ARCH;
    b->slot_size = board.part_size[PART_SLOT_A + slot];
    b->ram_base = base;
    b->ram_size = ram;
    b->keep_start = (uintptr_t)__image_start;
    b->keep_end = (uintptr_t)__image_end;
}

enum slot_verdict slot_check_header(const uint8_t hdr[IMAGE_HEADER_SIZE], uint32_t min_counter,
                                    const struct image_board *b, struct image_info *in, const char **reason)
{
    const char *bad = image_parse_header(hdr, in);
    if (bad) {
        *reason = bad;
        return VERDICT_BAD_HEADER;
    }
    if (strcmp(in->profile, board.name)) {
        *reason = why("profile mismatch: image is for %s, device is %s", in->profile, board.name);
        return VERDICT_PROFILE;
    }
    enum image_misfit misfit = image_check_board(in, b, why_buf, sizeof(why_buf));
    if (misfit) {
        *reason = why_buf;
        return misfit == IMAGE_TOO_BIG ? VERDICT_TOO_BIG : VERDICT_PROFILE;
    }
    if (in->security_counter < min_counter) {
        *reason = why("downgrade: security counter %u < %u", in->security_counter, min_counter);
        return VERDICT_DOWNGRADE;
    }
    return VERDICT_OK;
}

/*
 * Stream the payload at flash offset `off` through SHA-256: into RAM at
 * its load address with `load`, else through hash_buf. Returns
 * VERDICT_OK, VERDICT_FLASH or VERDICT_HASH.
 */
static enum slot_verdict hash_payload(uint64_t off, const struct image_info *in, int load,
                                      const char **reason)
{
    struct sha256_ctx sha;
    uint8_t digest[32];
    uint8_t *ram = (uint8_t *)(uintptr_t)in->load_address;
    uint32_t chunk = load ? LOAD_CHUNK : HASH_CHUNK;
    sha256_init(&sha);
    for (uint32_t done = 0; done < in->payload_size;) {
        uint32_t n = in->payload_size - done < chunk ? in->payload_size - done : chunk;
        uint8_t *dst = load ? ram + done : hash_buf;
        if (mote_flash_read(off + done, dst, n)) {
            *reason = why("flash read error at offset 0x%lx", (unsigned long)(off + done));
            return VERDICT_FLASH;
        }
        sha256_update(&sha, dst, n);
        done += n;
    }
    sha256_final(&sha, digest);
    if (memcmp(digest, in->payload_sha256, 32)) {
        *reason = "hash mismatch";
        return VERDICT_HASH;
    }
    return VERDICT_OK;
}

enum slot_verdict slot_check(const struct slot_keys *keys, int slot, const struct image_board *b, uint32_t min_counter,
                             int load, struct image_info *in, const char **reason)
{
    uint64_t off = board.part_offset[PART_SLOT_A + slot];
    uint8_t hdr[IMAGE_HEADER_SIZE], sig[IMAGE_SIG_SIZE];
    *reason = "flash read error";
    if (mote_flash_read(off, hdr, sizeof(hdr)))
        return VERDICT_FLASH;
    enum slot_verdict v = slot_check_header(hdr, min_counter, b, in, reason);
    if (v)
        return v;
    if (mote_flash_read(off + IMAGE_HEADER_SIZE + in->payload_size, sig, sizeof(sig))) {
        *reason = "flash read error";
        return VERDICT_FLASH;
    }
    *reason = image_check_signature(hdr, sig, keys->key, (const uint8_t(*)[32])keys->id,
                                    keys->count, why_buf, sizeof(why_buf));
    if (*reason)
        return VERDICT_SIGNATURE;
    return hash_payload(off + IMAGE_HEADER_SIZE, in, load, reason);
}
