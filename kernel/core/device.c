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
