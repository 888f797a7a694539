/* CRC-32 (lib/crc32.c): known values, every table entry, and zlib-style chaining. */
#include <stdint.h>
#include "check.h"
#include <lib/lib.h>

/* CRC-32 a bit at a time: what every entry of crc32.c's table must agree with. */
static uint32_t crc32_bitwise(const uint8_t *p, size_t len)
{
    uint32_t c = 0xffffffffu;
    while (len--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

void test_crc32_known_values(void)
{
    CHECK(crc32("123456789", 9) == 0xcbf43926u);   /* the standard check value */
    CHECK(crc32("", 0) == 0);
    CHECK(crc32("The quick brown fox jumps over the lazy dog", 43) == 0x414fa339u);
    /* One byte each: together they use every table entry once. */
    for (unsigned b = 0; b < 256; b++) {
        uint8_t byte = (uint8_t)b;
        CHECK(crc32(&byte, 1) == crc32_bitwise(&byte, 1));
    }
}

/* As zlib's crc32(crc, buf, len): start from 0, and pieces chain to the whole's CRC. */
void test_crc32_update_chains_pieces(void)
{
    static uint8_t msg[1000];
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7 + (i >> 3));
    uint32_t whole = crc32(msg, sizeof(msg));
    CHECK(whole == crc32_bitwise(msg, sizeof(msg)));
    CHECK(crc32_update(0, msg, sizeof(msg)) == whole);
    CHECK(crc32_update(0, "", 0) == 0);
    CHECK(crc32_update(whole, msg, 0) == whole);           /* nothing more: unchanged */
    for (size_t cut = 0; cut <= sizeof(msg); cut += 37) {  /* two pieces, any split */
        uint32_t c = crc32_update(0, msg, cut);
        CHECK(crc32_update(c, msg + cut, sizeof(msg) - cut) == whole);
    }
    uint32_t c = 0;                                        /* byte by byte */
    for (size_t i = 0; i < sizeof(msg); i++)
        c = crc32_update(c, msg + i, 1);
    CHECK(c == whole);
    CHECK(crc32_update(crc32("12345", 5), "6789", 4) == 0xcbf43926u);
}
