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
