/*
 * Checking a slot's image (slot_check.h): header, signature and payload
 * hash, with the payload streamed from flash either to its load address
 * (booting) or through a small buffer (the recovery mode's END).
 */
#include <hal/board.h>
#include <hal/cpu.h>
#include <boot/recovery_proto.h>
#include <core/core.h>
#include <crypto/crypto.h>
#include "update.h"

#define LOAD_CHUNK (64u * 1024)   /* read size when loading into RAM */
#define HASH_CHUNK 4096u          /* read size when only hashing */
#define MAX_KEYS 8

extern const uint8_t boot_keys[][32];
extern const unsigned boot_key_count;

static uint8_t key_ids[MAX_KEYS][32];
static uint8_t hash_buf[HASH_CHUNK];
static char why_buf[96];

static const char *why(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
    va_end(ap);
    return why_buf;
}

void slot_check_init(void)
{
    for (unsigned i = 0; i < boot_key_count && i < MAX_KEYS; i++)
        sha256(boot_keys[i], 32, key_ids[i]);
}

int slot_check_header(const uint8_t hdr[IMAGE_HEADER_SIZE], uint32_t min_counter, uint64_t room,
                      struct image_info *in, const char **reason)
{
    const char *bad = image_parse_header(hdr, in);
    if (bad) {
        *reason = bad;
        return RPROTO_SBAD_HEADER;
    }
    if (strcmp(in->profile, board.name) || in->arch != BOOT_IMAGE_ARCH) {
        *reason = why("profile mismatch: image is for %s, device is %s", in->profile, board.name);
        return RPROTO_SPROFILE;
    }
    if (in->security_counter < min_counter) {
        *reason = why("downgrade: security counter %u < %u", in->security_counter, min_counter);
        return RPROTO_SDOWNGRADE;
    }
    if ((uint64_t)IMAGE_HEADER_SIZE + in->payload_size + IMAGE_SIG_SIZE > room) {
        *reason = why("truncated: a %u-byte payload does not fit the slot", in->payload_size);
        return RPROTO_STOO_BIG;
    }
    return RPROTO_SOK;
}

/* Can the payload go to [load, load + size) without touching us or leaving RAM? */
static const char *check_placement(const struct image_info *in)
{
    uintptr_t base;
    uint64_t ram;
    arch_ram_range(&base, &ram);
    uint64_t lo = in->load_address, hi = lo + in->payload_size;
    if (lo < (uintptr_t)__image_end && hi > (uintptr_t)__image_start)
        return why("image at 0x%lx overlaps the bootloader", (unsigned long)lo);
    if (lo < base || hi > base + ram)
        return why("image at 0x%lx does not fit in RAM", (unsigned long)lo);
    return 0;
}

/*
 * Stream the payload at flash offset `off` through SHA-256: into RAM at
 * its load address with `load`, else through hash_buf. Returns
 * RPROTO_SOK, SFLASH or SHASH.
 */
static int hash_payload(uint64_t off, const struct image_info *in, int load, const char **reason)
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
            return RPROTO_SFLASH;
        }
        sha256_update(&sha, dst, n);
        done += n;
    }
    sha256_final(&sha, digest);
    if (memcmp(digest, in->payload_sha256, 32)) {
        *reason = "hash mismatch";
        return RPROTO_SHASH;
    }
    return RPROTO_SOK;
}

int slot_check(int slot, uint32_t min_counter, int load, struct image_info *in, const char **reason)
{
    uint64_t off = board.part_offset[PART_SLOT_A + slot];
    uint8_t hdr[IMAGE_HEADER_SIZE], sig[IMAGE_SIG_SIZE];
    *reason = "flash read error";
    if (mote_flash_read(off, hdr, sizeof(hdr)))
        return RPROTO_SFLASH;
    int code = slot_check_header(hdr, min_counter, board.part_size[PART_SLOT_A + slot], in, reason);
    if (code)
        return code;
    if (mote_flash_read(off + IMAGE_HEADER_SIZE + in->payload_size, sig, sizeof(sig))) {
        *reason = "flash read error";
        return RPROTO_SFLASH;
    }
    unsigned nkeys = boot_key_count < MAX_KEYS ? boot_key_count : MAX_KEYS;
    *reason = image_check_signature(hdr, sig, boot_keys, (const uint8_t(*)[32])key_ids, nkeys,
                                    why_buf, sizeof(why_buf));
    if (*reason)
        return RPROTO_SSIGNATURE;
    if (load && (*reason = check_placement(in)))
        return RPROTO_SPROFILE;
    return hash_payload(off + IMAGE_HEADER_SIZE, in, load, reason);
}
