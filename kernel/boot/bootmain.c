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
 * threads, MMU or interrupts: flash I/O polls. `mote build` links it per
 * profile with a generated keys.c (boot_keys, boot_key_count) and board.c.
 */
#include <bootstate.h>
#include <image.h>
#include <hal/board.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/intc.h>
#include <hal/timer.h>
#include "../src/kernel.h"
#include "recovery.h"
#include "slot_check.h"

#define ARENA_SIZE (128u * 1024)   /* pages for virtio rings and the heap */

static uint8_t arena[ARENA_SIZE] __attribute__((aligned(4096)));
static struct boot_state state;
static struct image_info chosen;
static uint64_t verify_ns;

/*
 * boot_env.verify: is `slot` a good image for this board (slot_check.h)?
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
    if (slot_check(slot, state.security_counter, 1, &in, &bad))
        return bad;
    chosen = in;
    verify_ns = timer_now_ns() - start;
    return 0;
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
    mem_init_window((uintptr_t)arena, (uintptr_t)arena + ARENA_SIZE);
    heap_init();                // virtio queues come from the arena, never from app RAM
    intc_init();                // IRQs stay masked: flash I/O polls
    timer_init();               // the guest clock, for the verification time
    slot_check_init();          // the trusted keys' ids

    int err = bootstate_load(&bootstate_flash, &state);
    if (err && err != MOTE_ENOENT) {
        printf("[boot] cannot read the boot state from flash (error %d); halting\n", err);
        arch_power_off(MOTE_EXIT_NOBOOT);
    }
    if (board.recovery_listen_ms && recovery_listen(&state, board.recovery_listen_ms))
        recovery_run(&state);   // the flasher asked first: it writes, then we choose
    struct boot_env env = { verify_slot, note, 0 };
    int changed, slot;
    while ((slot = boot_choose(&state, &env, &changed)) == SLOT_NONE) {
        if (changed && (err = bootstate_store(&bootstate_flash, &state)))
            printf("[boot] warning: cannot write the boot state (error %d)\n", err);
        printf("[boot] no bootable image: recovery mode, waiting for the flasher on the console\n");
        recovery_run(&state);   // returns after the flasher's REBOOT
    }
    if (changed && (err = bootstate_store(&bootstate_flash, &state)))
        printf("[boot] warning: cannot write the boot state (error %d)\n", err);
    printf("[boot] slot %c: %s %u.%u.%u (security counter %u), verified in %lu us%s\n",
           "AB"[slot], chosen.app_name, chosen.version[0], chosen.version[1], chosen.version[2],
           chosen.security_counter, (unsigned long)(verify_ns / 1000),
           state.pending == slot ? ", TEST boot" : "");
    arch_boot_jump(chosen.entry_point, arch_boot_info(), state.pending == slot ? BOOT_F_TEST : 0);
}
