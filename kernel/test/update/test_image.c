/*
 * The header rules (update/image.c): the hostile but well-formed headers of
 * test/vectors/image-headers.txt, which the SDK's HeaderVectorsTest runs
 * through the Java readers too, so the bootloader, mote verify, the flasher
 * and the OTA server refuse the same headers with the same words.
 */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include <mote.h>
#include <update/image.h>

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* A well-formed header with these numbers (what HeaderVectorsTest builds with ImageHeader). */
static void header(uint8_t h[IMAGE_HEADER_SIZE], uint16_t arch, uint32_t size, uint64_t load, uint64_t entry)
{
    memset(h, 0, IMAGE_HEADER_SIZE);
    put32(h, IMAGE_MAGIC);
    put16(h + 4, IMAGE_FORMAT_VERSION);
    put16(h + 6, IMAGE_HEADER_SIZE);
    put16(h + 8, arch);
    put32(h + 0x0c, size);
    put64(h + 0x10, load);
    put64(h + 0x18, entry);
    put32(h + 0x20, 1);
    memcpy(h + 0x30, "qemu-virt-arm64", 15);
    memcpy(h + 0x50, "vectors", 7);
}

/* The refusal (or NULL) the rules give a header: parsing, then the board. */
static const char *judge(const uint8_t *h, const struct image_board *b, char *why, size_t size)
{
    struct image_info in;
    const char *bad = image_parse_header(h, &in);
    if (bad)
        return bad;
    return image_check_board(&in, b, why, size) == IMAGE_FITS ? NULL : why;
}

/* test/vectors/image-headers.txt, beside this folder (the tests run from kernel/). */
static FILE *open_vectors(void)
{
    static const char file[] = "../vectors/image-headers.txt";
    char path[512];
    const char *slash = strrchr(__FILE__, '/');
    size_t dir = slash ? (size_t)(slash - __FILE__ + 1) : 0;
    if (dir + sizeof(file) > sizeof(path))
        return NULL;
    memcpy(path, __FILE__, dir);
    memcpy(path + dir, file, sizeof(file));
    return fopen(path, "r");
}

void test_image_header_vectors(void)
{
    static char line[512];
    struct image_board b = { 0 };
    int have_board = 0, lines = 0, refused = 0;
    FILE *f = open_vectors();
    CHECK(f != NULL);
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#' || line[0] == 0)
            continue;
        char name[48];
        unsigned arch;
        unsigned long long n[5];
        int used = 0;
        if (!strncmp(line, "board ", 6)) {
            CHECK(sscanf(line + 6, "%u %llx %llx %llx %llx %llx", &arch, &n[0], &n[1], &n[2], &n[3], &n[4]) == 6);
            b = (struct image_board){ (uint16_t)arch, n[0], n[1], n[2], n[3], n[4] };
            have_board = 1;
            continue;
        }
        CHECK(have_board);
        if (sscanf(line, "%47s %u %llx %llx %llx %n", name, &arch, &n[0], &n[1], &n[2], &used) != 5 || !used) {
            fprintf(stderr, "image-headers.txt: cannot read '%s'\n", line);
            CHECK(0);
            continue;
        }
        const char *expect = line + used;
        uint8_t h[IMAGE_HEADER_SIZE];
        char why[96];
        header(h, (uint16_t)arch, (uint32_t)n[0], n[1], n[2]);
        const char *got = judge(h, &b, why, sizeof(why));
        if (!strcmp(expect, "ok") ? got != NULL : !got || !strstr(got, expect)) {
            fprintf(stderr, "image-headers.txt %s: got \"%s\", want \"%s\"\n", name, got ? got : "ok", expect);
            CHECK(0);
        }
        refused += got != NULL;
        lines++;
    }
    fclose(f);
    CHECK(lines >= 30 && refused >= 24);
}

/* Every load address and size near the edges: the checks never overflow (UBSan) and agree with 128-bit sums. */
void test_image_board_edges_never_overflow(void)
{
    static const uint64_t edges[] = { 0, 1, 0xfff, 0x1000, 0x40000000, 0x40100000, 0x4017ffff, 0x40180000,
                                      0x47ffffff, 0x48000000, 0x7fffffffffffffff, 0xfffffffffffff000,
                                      0xfffffffffffffffe, 0xffffffffffffffff };
    static const uint32_t sizes[] = { 0, 1, 0x1000, 0x6ffe98, 0x6ffe99, 0x80000000, 0xffffffff };
    struct image_board b = { IMAGE_ARCH_ARM64, 0x700000, 0x40000000, 0x8000000, 0x40100000, 0x40180000 };
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
            uint8_t h[IMAGE_HEADER_SIZE];
            char why[96];
            uint64_t lo = edges[i];
            uint32_t size = sizes[j];
            header(h, IMAGE_ARCH_ARM64, size, lo, lo);
            const char *got = judge(h, &b, why, sizeof(why));
            unsigned __int128 end = (unsigned __int128)lo + size;
            int fits = size > 0 && end <= (unsigned __int128)UINT64_MAX && 360u + (uint64_t)size <= b.slot_size &&
                       lo >= b.ram_base && end <= (unsigned __int128)b.ram_base + b.ram_size &&
                       (end <= b.keep_start || lo >= b.keep_end);
            if (fits != (got == NULL)) {
                fprintf(stderr, "load 0x%llx size 0x%x: got \"%s\"\n", (unsigned long long)lo, size,
                        got ? got : "ok");
                CHECK(0);
            }
        }
    }
}
