/*
 * mote/watchdog.h - the application watchdog, and rebooting the device.
 * docs/device-api.md, "Watchdog and reboot", shows each call.
 */
#ifndef MOTE_WATCHDOG_H
#define MOTE_WATCHDOG_H

#include <mote.h>

/* Exit code under QEMU when the app stopped feeding its watchdog. */
#define MOTE_EXIT_APP_WATCHDOG 104

/*
 * Start the watchdog: unless mote_watchdog_feed() is called at least every
 * `timeout_ms`, the kernel prints where every app thread is and resets the
 * board, as a hardware watchdog would; under QEMU (boards whose profile
 * reports exit codes) it exits with MOTE_EXIT_APP_WATCHDOG instead, so
 * `mote run` and tests see it. Like most hardware watchdogs it cannot be
 * stopped; calling it again sets a new timeout. 0, or MOTE_EINVAL for 0.
 */
int mote_watchdog_start(uint32_t timeout_ms);
/* Feed the watchdog. Cheap; may be called from any thread or an IRQ. */
void mote_watchdog_feed(void);

/*
 * Reset the board now: the bootloader starts again and boots the image the
 * boot state says (a TEST image that has not confirmed is reverted). What
 * mote_flash_write wrote is already durable. Under `mote run x.img` or
 * `mote run --flash F` the emulated board restarts on the same flash.
 */
__attribute__((noreturn)) void mote_reboot(void);

#endif
