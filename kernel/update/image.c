/* Reading signed images on the device: header fields and the signature block. */
#include <mote.h>
#include <crypto/crypto.h>
#include "image.h"

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

/* Copy a NUL-padded field of 1-31 printable ASCII characters; refuse anything else. */
static int copy_name(char *dst, const uint8_t *src)
{
    int ended = 0;
    if (!src[0] || src[31])
        return -1;
    for (int i = 0; i < 32; i++) {
        uint8_t c = src[i];
        if (!c)
            ended = 1;
        else if (ended || c < 0x20 || c > 0x7e)
            return -1;
        dst[i] = (char)c;
    }
    dst[32] = 0;
    return 0;
}

const char *image_parse_header(const uint8_t hdr[IMAGE_HEADER_SIZE], struct image_info *info)
{
    if (all_bytes(hdr, IMAGE_HEADER_SIZE, 0) || all_bytes(hdr, IMAGE_HEADER_SIZE, 0xff))
        return "empty";
    if (le32(hdr) != IMAGE_MAGIC)
        return "bad magic";
    if (le16(hdr + 4) != IMAGE_FORMAT_VERSION)
        return "unsupported format version";
    if (le16(hdr + 6) != IMAGE_HEADER_SIZE || !all_bytes(hdr + 0x90, 112, 0) ||
        le16(hdr + 0x0a) != 0)
        return "bad header";
    info->arch = le16(hdr + 8);
    if (info->arch != IMAGE_ARCH_ARM64 && info->arch != IMAGE_ARCH_X86_64)
        return "bad header";
    info->payload_size = le32(hdr + 0x0c);
    info->load_address = le64(hdr + 0x10);
    info->entry_point = le64(hdr + 0x18);
    for (int i = 0; i < 3; i++)
        info->version[i] = le32(hdr + 0x20 + 4 * i);
    info->security_counter = le32(hdr + 0x2c);
    if (copy_name(info->profile, hdr + 0x30) || copy_name(info->app_name, hdr + 0x50))
        return "bad header";
    memcpy(info->payload_sha256, hdr + 0x70, 32);
    if (info->payload_size == 0)
        return "bad header: payload is empty";
    if (info->load_address > UINT64_MAX - info->payload_size)
        return "bad header: load range wraps past the end of the address space";
    if (info->entry_point < info->load_address ||
        info->entry_point - info->load_address >= info->payload_size)
        return "bad header: entry point outside the payload";
    return 0;
}

const char *image_arch_name(uint16_t arch, char *buf, size_t size)
{
    if (arch == IMAGE_ARCH_ARM64)
        return "arm64";
    if (arch == IMAGE_ARCH_X86_64)
        return "x86_64";
    snprintf(buf, size, "arch %u", arch);
    return buf;
}

enum image_misfit image_check_board(const struct image_info *in, const struct image_board *b, char *why_buf,
                                    size_t why_size)
{
    uint64_t lo = in->load_address, size = in->payload_size;
    if (in->arch != b->arch) {
        char x[12], y[12];
        snprintf(why_buf, why_size, "arch mismatch: image is for %s, device is %s",
                 image_arch_name(in->arch, x, sizeof(x)), image_arch_name(b->arch, y, sizeof(y)));
        return IMAGE_ARCH;
    }
    /* 32-bit payload + 360: no overflow in 64 bits */
    if ((uint64_t)IMAGE_HEADER_SIZE + size + IMAGE_SIG_SIZE > b->slot_size) {
        snprintf(why_buf, why_size, "image too big: a %lu-byte payload does not fit the slot (%lu bytes)",
                 (unsigned long)size, (unsigned long)b->slot_size);
        return IMAGE_TOO_BIG;
    }
    /* lo - ram_base only once lo >= ram_base; size <= ram_size before ram_size - size */
    if (lo < b->ram_base || size > b->ram_size || lo - b->ram_base > b->ram_size - size) {
        snprintf(why_buf, why_size, "image at 0x%lx does not fit in RAM", (unsigned long)lo);
        return IMAGE_OUTSIDE_RAM;
    }
    /* lo + size does not wrap: image_parse_header refused such ranges */
    if (lo < b->keep_end && lo + size > b->keep_start) {
        snprintf(why_buf, why_size, "image at 0x%lx overlaps the bootloader", (unsigned long)lo);
        return IMAGE_OVER_BOOTLOADER;
    }
    return IMAGE_FITS;
}

const char *image_check_signature(const uint8_t hdr[IMAGE_HEADER_SIZE],
                                  const uint8_t sig[IMAGE_SIG_SIZE], const uint8_t (*keys)[32],
                                  const uint8_t (*key_ids)[32], unsigned nkeys, char *why_buf,
                                  size_t why_size)
{
    if (le32(sig) != IMAGE_SIG_MAGIC || le16(sig + 4) != IMAGE_ALG_ED25519 || le16(sig + 6) != 64)
        return "bad signature block";
    for (unsigned i = 0; i < nkeys; i++) {
        if (memcmp(sig + 8, key_ids[i], 32))
            continue;
        return ed25519_verify(sig + 40, hdr, IMAGE_HEADER_SIZE, keys[i]) ? "bad signature" : 0;
    }
    const uint8_t *id = sig + 8;
    snprintf(why_buf, why_size, "unknown key id %02x%02x%02x%02x%02x%02x%02x%02x...", id[0], id[1],
             id[2], id[3], id[4], id[5], id[6], id[7]);
    return why_buf;
}
