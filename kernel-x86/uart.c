/*
 * Boot console (hal/console.h): a 16550 at I/O port board.console_base,
 * 115200 8N1, FIFOs on, polled, no interrupts.
 */
#include <hal/board.h>
#include <hal/console.h>
#include "cpu.h"

#define RBR 0   /* receive buffer (read) / transmit holding (write) */
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define DLL 0   /* divisor latch, while LCR.DLAB is set */
#define DLM 1
#define LCR_DLAB 0x80
#define LCR_8N1  0x03
#define LSR_DR   0x01
#define LSR_THRE 0x20

static uint16_t port(unsigned reg)
{
    return (uint16_t)(board.console_base + reg);
}

void console_init(void)
{
    outb(port(IER), 0);
    outb(port(LCR), LCR_DLAB);
    outb(port(DLL), 1);                 /* 115200 = 1.8432 MHz / 16 / 1 */
    outb(port(DLM), 0);
    outb(port(LCR), LCR_8N1);
    /*
     * Enable and clear both FIFOs, receive trigger level 14. Polled, the level raises no
     * interrupt here, but QEMU's 16550 takes up to that many bytes from its backend (a serial
     * socket, a pty) per read instead of one at level 1: bench/apps/uartsink on
     * qemu-microvm-x86_64 took 50 KB/s from a serial socket instead of 15 KB/s (TCG).
     */
    outb(port(FCR), 0xc7);
    outb(port(MCR), 0x03);              /* DTR, RTS */
}

void console_putc(char c)
{
    while (!(inb(port(LSR)) & LSR_THRE))
        pause();
    outb(port(RBR), (uint8_t)c);
}

int console_getc(void)
{
    if (!(inb(port(LSR)) & LSR_DR))
        return -1;
    return inb(port(RBR));
}
