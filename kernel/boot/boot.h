/*
 * The bootloader's recovery mode: the device side of the flasher recovery
 * protocol (docs/flasher-protocol.md) over the console UART, polled.
 */
#ifndef RECOVERY_H
#define RECOVERY_H

#include <update/bootstate.h>
#include <stdint.h>

/*
 * Watch the console for `ms` milliseconds for the flasher's HELLO. Returns
 * 1 when one arrived (already answered with INFO: call recovery_run next),
 * 0 when the time ran out. Everything else received is dropped.
 */
int recovery_listen(struct boot_state *st, uint32_t ms);

/*
 * Serve the flasher until it sends REBOOT: answer HELLO with INFO, write a
 * BEGIN/DATA/END transfer to the slot that is not active, verify it and
 * mark it pending in *st (stored to flash). Returns 0 after REBOOT; the
 * caller chooses a slot again. Never returns otherwise.
 */
int recovery_run(struct boot_state *st);

#endif
