/*
 * Flash test app (FlashTest.java boots it). The host fills the flash with
 * byte i = i % 251; we check that, write pattern(k) = seed + 13 * k over a
 * few ranges (aligned, unaligned, across sector and bounce-buffer
 * boundaries, the very end), read them back with their neighbours, and
 * exit 0 after "flash: ok". The host then checks the file itself.
 * No flash: "flash: none" and exit code 4. Any failure: a line saying what, exit 1.
 */
#include <mote.h>

#define EXIT_NO_FLASH 4

struct range {
    uint64_t offset;      /* from the end of the flash when `from_end` */
    size_t len;
    uint8_t seed;
    bool from_end;
};

/* FlashTest.java has the same table. */
static const struct range ranges[] = {
    {4096, 512, 0x11, false},          /* one whole sector */
    {10000, 100, 0x22, false},         /* inside one sector, unaligned */
    {20473, 1000, 0x33, false},        /* across two sector boundaries */
    {65836, 40000, 0x44, false},       /* unaligned both ends, more than the 16 KiB bounce buffer */
    {3, 3, 0x55, true},                /* the last three bytes */
};

static uint8_t initial(uint64_t i) { return (uint8_t)(i % 251); }
static uint8_t pattern(const struct range *r, size_t k) { return (uint8_t)(r->seed + 13 * k); }

static int fail(const char *what, int err)
{
    printf("flash: FAILED: %s (%d)\n", what, err);
    return 1;
}

/* Read [off, off + len) and compare with the pattern inside `r`, `initial` outside it. */
static int check(uint64_t off, size_t len, const struct range *r, uint64_t r_off, uint8_t *buf)
{
    int err = mote_flash_read(off, buf, len);
    if (err)
        return fail("read back", err);
    for (size_t k = 0; k < len; k++) {
        uint64_t at = off + k;
        uint8_t want = at >= r_off && at < r_off + r->len ? pattern(r, at - r_off) : initial(at);
        if (buf[k] != want) {
            printf("flash: FAILED: byte at %llu is 0x%02x, want 0x%02x\n", (unsigned long long)at,
                   buf[k], want);
            return 1;
        }
    }
    return 0;
}

static volatile int reader_errors;

/* Threads reading at once: their calls interleave, each waiting for the device by interrupt. */
static void reader(void *arg)
{
    uint64_t base = (uint64_t)(uintptr_t)arg;
    uint8_t buf[300];    /* on the stack: the driver bounces it */
    for (int i = 0; i < 20; i++) {
        uint64_t off = base + (uint64_t)i * 777;
        if (mote_flash_read(off, buf, sizeof buf)) {
            reader_errors++;
            return;
        }
        for (size_t k = 0; k < sizeof buf; k++)
            if (buf[k] != initial(off + k))
                reader_errors++;
    }
}

int app_main(void)
{
    uint64_t size;
    int err = mote_flash_size(&size);
    if (err == MOTE_ENODEV) {
        puts("flash: none (MOTE_ENODEV)");
        return EXIT_NO_FLASH;
    }
    if (err)
        return fail("size", err);
    printf("flash: %llu bytes\n", (unsigned long long)size);

    uint8_t *buf = malloc(64 * 1024);
    if (!buf)
        return fail("malloc", MOTE_ENOMEM);
    struct range none = {0, 0, 0, false};
    if (check(100, 2000, &none, 0, buf))
        return 1;

    struct mote_thread *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = mote_thread_create("reader", reader, (void *)(uintptr_t)(300000 + i * 50000),
                                  MOTE_PRIO_DEFAULT, 0);
    for (int i = 0; i < 3; i++) {
        if (!t[i])
            return fail("thread create", MOTE_ENOMEM);
    }
    for (int i = 0; i < 3; i++)
        mote_thread_join(t[i]);
    if (reader_errors)
        return fail("concurrent readers saw wrong data", reader_errors);

    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        const struct range *r = &ranges[i];
        uint64_t off = r->from_end ? size - r->offset : r->offset;
        for (size_t k = 0; k < r->len; k++)
            buf[k] = pattern(r, k);
        err = mote_flash_write(off, buf, r->len);
        if (err)
            return fail("write", err);
    }
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        const struct range *r = &ranges[i];
        uint64_t off = r->from_end ? size - r->offset : r->offset;
        uint64_t from = off >= 600 ? off - 600 : 0;
        uint64_t to = off + r->len + 600 < size ? off + r->len + 600 : size;
        if (check(from, (size_t)(to - from), r, off, buf))
            return 1;
    }

    if ((err = mote_flash_read(size - 1, buf, 2)) != MOTE_EINVAL)
        return fail("reading past the end must be MOTE_EINVAL", err);
    if ((err = mote_flash_write(size, buf, 1)) != MOTE_EINVAL)
        return fail("writing past the end must be MOTE_EINVAL", err);
    free(buf);
    puts("flash: ok");
    return 0;
}
