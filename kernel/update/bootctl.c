/*
 * The running app's side of verified boot: which slot it came from,
 * confirming it (bootstate.h), and the watchdog that gives up on a TEST
 * image that never confirms. The bootloader records the slot it started in
 * the boot state; the image's header in that slot gives its version.
 */
#include <hal/board.h>
#include <hal/boot.h>
#include <hal/cpu.h>
#include <core/core.h>
#include <drivers/drivers.h>
#include "update.h"

static int part_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    (void)ctx;
    return mote_flash_read(board.part_offset[PART_BOOT_STATE] + off, buf, len);
}

static int part_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    (void)ctx;
    return flash_write(board.part_offset[PART_BOOT_STATE] + off, buf, len, 1);   /* the update path's */
}

const struct flash_io bootstate_flash = { part_read, part_write, 0 };

/* Load the boot state and the header of the running slot (update.h). */
int bootctl_running(struct boot_state *st, struct image_info *info)
{
    int err = bootstate_load(&bootstate_flash, st);
    if (err)
        return err == MOTE_ENOENT ? MOTE_EINVAL : err;
    if (st->booting > SLOT_B)
        return MOTE_EINVAL;
    uint8_t hdr[IMAGE_HEADER_SIZE];
    err = mote_flash_read(board.part_offset[PART_SLOT_A + st->booting], hdr, sizeof(hdr));
    if (err)
        return err;
    return image_parse_header(hdr, info) ? MOTE_EINVAL : 0;
}

int mote_boot_status(struct mote_boot_status *bs)
{
    struct boot_state st;
    struct image_info info;
    int err = bootctl_running(&st, &info);
    if (err)
        return err;
    bs->slot = (char)('A' + st.booting);
    bs->testing = st.pending == st.booting && st.tries > 0;
    memcpy(bs->version, info.version, sizeof(bs->version));
    bs->security_counter = info.security_counter;
    bs->min_security_counter = st.security_counter;
    return 0;
}

/*
 * How long a TEST image has to confirm before the kernel gives up on it
 * (an app may define its own, see mote.h). Weak: the app's wins.
 */
__attribute__((weak)) const uint32_t mote_confirm_timeout_ms = 60000;

static volatile int confirmed;
static uint8_t trusted[SLOT_KEYS_MAX][32];   /* the bootloader's keys, copied from its handoff */

int bootctl_trusted_keys(struct slot_keys *k, int slot, struct image_board *b)
{
    if (!(arch_boot_flags() & BOOT_F_HANDOFF) || !arch_boot_handoff())
        return MOTE_ENOENT;
    struct boot_handoff h;
    memcpy(&h, (const void *)arch_boot_handoff(), sizeof(h));
    if (handoff_check(&h))
        return MOTE_EINVAL;
    memcpy(trusted, h.keys, sizeof(trusted));
    slot_keys_init(k, (const uint8_t(*)[32])trusted, h.nkeys);
    b->arch = KERNEL_IMAGE_ARCH;
    b->slot_size = board.part_size[PART_SLOT_A + slot];
    b->ram_base = h.ram_base;
    b->ram_size = h.ram_size;
    b->keep_start = h.boot_start;
    b->keep_end = h.boot_end;
    return 0;
}

bool bootctl_confirmed(void)
{
    return confirmed;
}

/*
 * The TEST watchdog: if the image was started on trial, wait for
 * mote_confirm() until mote_confirm_timeout_ms after boot, else reset so
 * the bootloader reverts it. Catches an app that hangs or deadlocks with
 * interrupts still running (a CPU stuck with interrupts off needs the
 * board's hardware watchdog). The bootloader says whether this is a TEST
 * boot (BOOT_F_TEST), so an ordinary boot starts no thread and links no
 * flash code for it.
 */
static void test_watchdog(void *arg)
{
    (void)arg;
    /* read through volatile: the compiler must not fold in the weak default */
    uint32_t timeout_ms = *(const volatile uint32_t *)&mote_confirm_timeout_ms;
    uint64_t now = mote_uptime_ms();
    if (now < timeout_ms)
        mote_sleep_ms((uint32_t)(timeout_ms - now));   /* no flash I/O until it matters */
    if (confirmed)
        return;
    if (crash_begin) {
        arch_irq_save();
        console_emergency();
        crash_begin();
    }
    printf("[mote] watchdog: TEST image not confirmed within %u ms; resetting so the "
           "bootloader reverts it\n", (unsigned)timeout_ms);
    if (crash_end)
        crash_end("test-watchdog", 0);
    mote_exit(MOTE_EXIT_WATCHDOG);
}

void bootctl_watchdog_start(void)
{
    if ((arch_boot_flags() & BOOT_F_TEST) && !thread_spawn("watchdog", test_watchdog, 0, PRIO_KERNEL, 4096))
        panic("cannot start the TEST watchdog");
}

int mote_confirm(void)
{
    struct boot_state st;
    struct image_info info;
    int err = bootctl_running(&st, &info);
    if (err)
        return err;
    if (st.active == st.booting && st.pending != st.booting &&
        st.security_counter >= info.security_counter) {
        confirmed = 1;
        return 0;   /* nothing to change */
    }
    err = bootstate_confirm(&st, st.booting, info.security_counter);
    if (!err)
        err = bootstate_store(&bootstate_flash, &st);
    if (!err)
        confirmed = 1;
    return err;
}
