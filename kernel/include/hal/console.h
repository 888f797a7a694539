/*
 * HAL: the boot console (the board's UART, at board.console_base), polled.
 * Works before the MMU is on and from any context, including faults.
 */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

void console_init(void);
/* Write one byte, waiting for room in the FIFO. "\n" is written as-is. */
void console_putc(char c);
/* Read one byte if one is waiting; -1 otherwise. Never blocks. */
int console_getc(void);

#endif
