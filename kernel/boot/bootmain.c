/*
 * The Mote bootloader: the first thing a board runs. It reads the boot
 * state from flash, picks a slot (test / confirm / revert, bootstate.c),
 * loads that slot's image into RAM while hashing it, checks the signature
 * against the keys built into it, the profile and the security counter, and
 * starts it. Every refusal is one console line: slot and reason.
 *
 * With nothing bootable, or when the flasher says HELLO within the board's
 * recovery_listen_ms, it runs the recovery mode instead (recovery.c): the
 * flasher writes the inactive slot over the console, and the bootloader
 * then chooses again and starts the new image in TEST.
 *
 * Built from the same kernel library as apps, with its own kmain and no
 * threads or MMU. Flash I/O waits with the CPU asleep until the device's
 * interrupt, or the timer armed for its timeout (drivers/virtio/ring.c), so that under
 * emulation QEMU's I/O thread gets the host CPU; both are quiet again before
 * the jump. `mote build` links it per profile with a generated keys.c
 * (boot_keys, boot_key_count) and board.c.
 *
 * Under emulation (QEMU TCG) most of a boot is translating code the first
 * time it runs, so the normal path avoids code it can do without (the
 * printf engine, a second DTB walk in the app) and the first flash read
 * goes out before the keys are hashed.
 */
#include <hal/board.h>
#include <hal/boot.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/intc.h>
#include <hal/timer.h>
#include <core/core.h>
#include <drivers/drivers.h>
#include <mm/mm.h>
#include <update/update.h>
#include "boot.h"

#define ARENA_SIZE (192u * 1024)   /* pages for the virtio ring, the flash window and the heap */
#define FLASH_WINDOW (128u * 1024) /* one read: the boot state and (usual layout) slot A's head */

static uint8_t arena[ARENA_SIZE] __attribute__((aligned(4096)));
struct slot_keys boot_trust;
static struct boot_state state;
static struct image_info chosen;
static struct boot_handoff handoff;   /* the keys, for the image we start (update.h) */
static uint64_t verify_ns;

/*
 * boot_env.verify: is `slot` a good image for this board (update.h)?
 * On success the payload is already in RAM and `chosen` describes it;
 * boot_choose returns right after a successful verify, so what is in RAM
 * is the slot it picks.
 */
static const char *verify_slot(void *ctx, int slot)
{
    (void)ctx;
    uint64_t start = timer_now_ns();
    struct image_info in;
    const char *bad;
    struct image_board b;
    slot_board(slot, &b);
    if (slot_check(&boot_trust, slot, &b, state.security_counter, 1, &in, &bad))
        return bad;
    chosen = in;
    verify_ns = timer_now_ns() - start;
    return 0;
}

/* Append s at p; returns the new end. Out of line, like put_uint: one copy to translate. */
static __attribute__((noinline)) char *put_str(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

/* Append v in decimal at p; returns the new end. */
static __attribute__((noinline)) char *put_uint(char *p, uint64_t v)
{
    char digits[20];
    int n = 0;
    do
        digits[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        *p++ = digits[--n];
    return p;
}

/*
 * "[boot] slot A: hello 1.2.0 (security counter 3), verified in 2873 us",
 * built by hand: it is the only line a normal boot prints, and under
 * emulation translating the printf engine for it cost ~0.3 ms.
 */
static void say_starting(int slot, int test)
{
    char line[192], *p = put_str(line, "[boot] slot ");
    *p++ = "AB"[slot];
    p = put_str(put_str(p, ": "), chosen.app_name);
    for (int i = 0; i < 3; i++)
        p = put_uint(put_str(p, i ? "." : " "), chosen.version[i]);
    p = put_uint(put_str(p, " (security counter "), chosen.security_counter);
    p = put_uint(put_str(p, "), verified in "), verify_ns / 1000);
    p = put_str(put_str(p, " us"), test ? ", TEST boot\n" : "\n");
    console_write(line, (size_t)(p - line));
}

/* boot_env.save: store the record now (a TEST attempt is counted before the image is read). */
static int save_state(void *ctx, struct boot_state *st)
{
    (void)ctx;
    return bootstate_store(&bootstate_flash, st);
}

static void note(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    va_list ap;
    va_start(ap, fmt);
    printf("[boot] ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

void kmain(void)
{
    arch_early_init();          // vectors and exception stack: faults are reported
    console_init();
    intc_init();                // flash I/O idles until the device's interrupt
    arch_boot_prepare();        // the port starts on what it hands on (x86_64: its clock)
    timer_init();               // the clock: flash timeouts, the verification time
    mem_init_window((uintptr_t)arena, (uintptr_t)arena + ARENA_SIZE);
    heap_init();                // DMA pages and malloc come from the arena, never from app RAM
    flash_set_window(FLASH_WINDOW);
    (void)flash_prefetch(board.part_offset[PART_BOOT_STATE]);   // the device reads meanwhile
    slot_keys_init(&boot_trust, boot_keys, boot_key_count);   // the trusted keys' ids

    int err = bootstate_load(&bootstate_flash, &state);
    if (err && err != MOTE_ENOENT) {
        printf("[boot] cannot read the boot state from flash (error %d); halting\n", err);
        arch_power_off(MOTE_EXIT_NOBOOT);
    }
    if (board.recovery_listen_ms && recovery_listen(&state, board.recovery_listen_ms))
        recovery_run(&state);   // the flasher asked first: it writes, then we choose
    struct boot_env env = { verify_slot, note, 0, save_state };
    int changed, slot;
    while ((slot = boot_choose(&state, &env, &changed)) == SLOT_NONE) {
        if (changed && (err = bootstate_store(&bootstate_flash, &state)))
            printf("[boot] warning: cannot write the boot state (error %d)\n", err);
        printf("[boot] no bootable image: recovery mode, waiting for the flasher on the console\n");
        recovery_run(&state);   // returns after the flasher's REBOOT
    }
    if (changed && (err = bootstate_store(&bootstate_flash, &state)))
        printf("[boot] warning: cannot write the boot state (error %d)\n", err);
    say_starting(slot, state.pending == slot);
    (void)timer_set_deadline(TIMER_NEVER);
    irq_quiesce();              // the app starts with no interrupt armed or pending
    struct image_board b;
    slot_board(slot, &b);
    handoff_make(&handoff, boot_keys, boot_key_count, &b);   // its OTA agent trusts what we trust
    arch_boot_jump(chosen.entry_point, arch_boot_info(),
                   BOOT_F_CHAIN | BOOT_F_HANDOFF | (state.pending == slot ? BOOT_F_TEST : 0),
                   (uintptr_t)&handoff);
}
