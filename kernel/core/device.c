/*
 * The device itself: its name and power. Kept out of main.c so that the
 * bootloader, which has its own kmain, can link these without the kernel's.
 */
#include <hal/board.h>
#include <hal/cpu.h>
#include "core.h"

const char *mote_board_name(void)
{
    return board.name;
}

void mote_exit(int code)
{
    arch_irq_save();
    arch_power_off(code);
}

/*
 * A clean exit (app_main returned, exit()) first lets each subsystem finish
 * what the app already handed it, as an OS keeps delivering a process's
 * data after it exits: the network's unacknowledged TCP data (netif.c).
 * Each hook bounds its own wait. mote_exit() skips them: "now" means now.
 */
static void (*exit_hooks[2])(void);

void device_on_exit(void (*fn)(void))
{
    for (unsigned i = 0; i < sizeof exit_hooks / sizeof exit_hooks[0]; i++)
        if (!exit_hooks[i] || exit_hooks[i] == fn) {
            exit_hooks[i] = fn;
            return;
        }
    panic("device_on_exit: no room");
}

void device_exit(int code)
{
    for (unsigned i = 0; i < sizeof exit_hooks / sizeof exit_hooks[0] && exit_hooks[i]; i++)
        exit_hooks[i]();
    mote_exit(code);
}

void mote_reboot(void)
{
    printf("[mote] rebooting\n");
    arch_irq_save();
    arch_reset();
}

/*
 * Give up on the running image as a hardware watchdog would: reset the
 * board, or on a board whose profile reports exit codes to a host (QEMU)
 * power off with `code`, so the host sees why.
 */
void device_reset_or_exit(int code)
{
    arch_irq_save();
    if (board.flags & (BOARD_F_SEMIHOST | BOARD_F_DEBUG_EXIT))
        arch_power_off(code);
    arch_reset();
}
