/*
 * mote/shell.h - seeing inside a running device: the debug shell (on the
 * console, and over MQTT when the device's identity enables it), the log,
 * and the app's own shell commands. docs/debugging.md is the guide;
 * docs/device-api.md shows each call.
 */
#ifndef MOTE_SHELL_H
#define MOTE_SHELL_H

#include <stddef.h>
#include <stdint.h>
#include <mote.h>

/* ---- the log: a ring in RAM, the newest records kept ---- */
#define MOTE_LOG_ERROR 1
#define MOTE_LOG_WARN  2
#define MOTE_LOG_INFO  3
#define MOTE_LOG_DEBUG 4

/*
 * Log one line at `level`: kept in the log ring (the `log` command, crash
 * records, and over MQTT the server's `mote ota logs`), and printed on the
 * console as "12.345 W main: text" when level is at or above the console's
 * level (MOTE_LOG_INFO unless set). Text over 200 bytes is cut. Any thread;
 * not from interrupt handlers.
 */
void mote_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print records of `level` and more important on the console (0: none). */
void mote_log_console(int level);
/*
 * On a device connected to the OTA server (mote/ota.h): send records of
 * `level` and more important to the server (MOTE_LOG_WARN unless set; 0:
 * none), in batches at most every 5 s; and the metrics heartbeat every
 * `seconds` (300 unless set; 0: none). docs/ota-protocol.md, "Logs", "Metrics".
 */
void mote_log_ship(int level);
void mote_metrics_every(uint32_t seconds);

/* ---- the shell ---- */
struct mote_shell;   /* where a command's output goes */
/*
 * A command: argv[0] is its name; output through mote_shell_printf. Return
 * 0 when it worked, 1 when it failed, 2 for bad arguments (the exit status
 * `mote ota shell` shows).
 */
typedef int (*mote_shell_fn)(struct mote_shell *sh, int argc, char **argv);

/*
 * Add a command to the shell (console and MQTT). `name`: 1-15 characters
 * of a-z 0-9 _ -, starting with a letter; `help`: one line for `help`, e.g.
 * "led on|off: switch the LED". Both are kept, not copied. 0, MOTE_EINVAL
 * (bad or taken name, no fn) or MOTE_ENOSPC (16 app commands at most).
 */
int mote_shell_register(const char *name, const char *help, mote_shell_fn fn);
int mote_shell_printf(struct mote_shell *sh, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Start the shell on the console: a thread that reads lines typed on the
 * console (`mote run`, a serial line) and runs them, printing "mote> " for
 * each. From then on the shell owns console input: mote_getchar() is the
 * shell's. 0, or MOTE_ENOMEM; calling it again does nothing.
 */
int mote_shell_start(void);

/*
 * Run one command line as the shell would and put its output in
 * out[0..cap) (cut if longer, always NUL-terminated). Returns the command's
 * exit status (0: it worked; 126: the line was refused; 127: no such command).
 */
int mote_shell_run(const char *line, char *out, size_t cap);

#endif
