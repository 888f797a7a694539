/*
 * The app the verified-boot tests update with. It says what the bootloader
 * started, then confirms it. Built with
 *   -DCRASH_BEFORE_CONFIRM  it panics before confirming (the TEST boot fails);
 *   -DHANG_BEFORE_CONFIRM   it never confirms and never returns (the kernel's
 *                           TEST watchdog must end it, after 1.5 s);
 *   -DSTATE_WRITER          after confirming it rewrites the boot-state record
 *                           forever, so a test can cut the power mid-write.
 */
#include <mote.h>

#ifdef HANG_BEFORE_CONFIRM
const uint32_t mote_confirm_timeout_ms = 1500;
#endif

#ifdef STATE_WRITER
/*
 * Below the app API on purpose: the kernel's own boot-state calls
 * (kernel/update/bootstate.h), which no app header declares, so that the
 * test can cut the power while the kernel writes the record. The record is
 * 64 bytes; only its address is passed here.
 */
struct boot_state;
struct flash_io;
extern const struct flash_io bootstate_flash;
int bootstate_load(const struct flash_io *io, struct boot_state *st);
int bootstate_store(const struct flash_io *io, struct boot_state *st);

static void rewrite_state_forever(void)
{
    for (unsigned n = 1;; n++) {
        static uint64_t record[64 / sizeof(uint64_t)];
        struct boot_state *st = (struct boot_state *)record;
        if (bootstate_load(&bootstate_flash, st) || bootstate_store(&bootstate_flash, st))
            mote_panic("boot state rewrite %u failed", n);
        if (n % 50 == 0)
            printf("update: rewrote the boot state %u times\n", n);
    }
}
#endif

int app_main(void)
{
    struct mote_boot_status bs;
    int err = mote_boot_status(&bs);
    if (err) {
        printf("update: no boot status (error %d)\n", err);
        return 3;
    }
    printf("update: running slot %c version %u.%u.%u%s\n", bs.slot, bs.version[0], bs.version[1],
           bs.version[2], bs.testing ? " (TEST)" : "");
#ifdef CRASH_BEFORE_CONFIRM
    mote_panic("crashing before confirming");
#endif
#ifdef HANG_BEFORE_CONFIRM
    printf("update: hanging before confirming\n");
    for (;;)
        mote_sleep_ms(100);
#endif
    err = mote_confirm();
    printf("update: confirm %s\n", err ? "failed" : "ok");
#ifdef STATE_WRITER
    rewrite_state_forever();
#endif
    return err ? 1 : 0;
}
