/*
 * PL011 UART at board.console_base (hal/console.h), polled, no interrupts.
 * Identity-mapped, so the same address works with the MMU off and on.
 */
#include <hal/board.h>
#include <hal/console.h>
#include "cpu.h"

#define UART_DR    0x00
#define UART_FR    0x18
#define UART_IBRD  0x24
#define UART_FBRD  0x28
#define UART_LCRH  0x2c
#define UART_CR    0x30
#define UART_IMSC  0x38

#define FR_BUSY    (1u << 3)
#define FR_RXFE    (1u << 4)
#define FR_TXFF    (1u << 5)
#define LCRH_FEN   (1u << 4)
#define LCRH_8BIT  (3u << 5)
#define CR_UARTEN  (1u << 0)
#define CR_TXE     (1u << 8)
#define CR_RXE     (1u << 9)

/*
 * 115200 baud from a 48 MHz UARTCLK (the Raspberry Pi 4 default):
 * 48e6 / (16 * 115200) = 26.042 -> IBRD 26, FBRD round(0.042 * 64) = 3.
 */
#define BAUD_IBRD  26
#define BAUD_FBRD  3

static uintptr_t reg(unsigned off) { return board.console_base + off; }

/*
 * Keep a UART that firmware already enabled as it is (its clock is known
 * there, not here); otherwise program 115200 8N1 with FIFOs. QEMU ignores
 * the baud rate.
 */
void console_init(void)
{
    uint32_t cr = mmio_read32(reg(UART_CR));
    if ((cr & CR_UARTEN) && mmio_read32(reg(UART_IBRD)))
        return;
    mmio_write32(reg(UART_CR), 0);
    while (mmio_read32(reg(UART_FR)) & FR_BUSY)
        ;
    mmio_write32(reg(UART_IBRD), BAUD_IBRD);
    mmio_write32(reg(UART_FBRD), BAUD_FBRD);
    mmio_write32(reg(UART_LCRH), LCRH_8BIT | LCRH_FEN);
    mmio_write32(reg(UART_IMSC), 0);
    mmio_write32(reg(UART_CR), CR_UARTEN | CR_TXE | CR_RXE);
}

void console_putc(char c)
{
    while (mmio_read32(reg(UART_FR)) & FR_TXFF)
        ;
    mmio_write32(reg(UART_DR), (uint8_t)c);
}

int console_getc(void)
{
    if (mmio_read32(reg(UART_FR)) & FR_RXFE)
        return -1;
    return (int)(mmio_read32(reg(UART_DR)) & 0xff);
}
