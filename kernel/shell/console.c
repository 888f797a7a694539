/*
 * The shell for apps (mote/shell.h): on the console, a thread reading lines
 * (mote_shell_start), and one line at a time into a buffer (mote_shell_run,
 * which the MQTT shell uses too). Commands run one at a time, whoever asks.
 *
 * The console has no receive interrupt in the HAL (hal/console.h is polled),
 * so the thread polls it: every 20 ms while someone types, every 100 ms
 * once the console has been quiet for a few seconds. It drains the UART's
 * FIFO each time, so a pasted line is not lost (QEMU holds back input while
 * the FIFO is full).
 */
#include <hal/console.h>
#include <core/core.h>
#include <lib/lib.h>
#include "shell.h"

#define SHELL_PRIO (MOTE_PRIO_MAX - 1)  /* above app threads: `top` works when one spins */
#define SHELL_STACK 12288
#define POLL_FAST_MS 20
#define POLL_SLOW_MS 100
#define QUIET_MS 3000

static struct mote_mutex run_lock = MOTE_MUTEX_INIT;
static struct mote_thread *console_thread;

int mote_shell_register(const char *name, const char *help, mote_shell_fn fn)
{
    return shell_add(name, help, fn);
}


static void builtins(void)
{
    shell_sys_add();
    shell_net_add();
    shell_crash_add();
    shell_metrics_add();
}

/* Run one line with the shell's lock held. */
static int run_locked(struct mote_shell *sh, char *line, size_t len)
{
    mote_mutex_lock(&run_lock);
    builtins();
    int status = shell_exec(sh, line, len);
    mote_mutex_unlock(&run_lock);
    return status;
}

struct buf_out {
    char *buf;
    size_t cap, len;
    int cut;                        /* output was lost for want of room */
};

static void buf_write(void *ctx, const char *s, size_t n)
{
    struct buf_out *o = ctx;
    size_t room = o->cap - 1 - o->len;
    if (n > room)
        o->cut = 1;
    n = n < room ? n : room;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = 0;
}

/* As mote_shell_run, for a line of len bytes (not NUL-terminated); *truncated if out was too small. */
int shell_run_buf(const char *line, size_t len, char *out, size_t cap, int *truncated)
{
    static char copy[SHELL_LINE_MAX + 2];
    char dummy[1];
    struct buf_out o = { cap ? out : dummy, cap ? cap : 1, 0, 0 };
    o.buf[0] = 0;
    struct mote_shell sh = { buf_write, &o, SHELL_F_REMOTE };
    mote_mutex_lock(&run_lock);
    builtins();
    int status;
    if (len > SHELL_LINE_MAX) {
        shell_printf(&sh, "error: the line is longer than %u bytes; nothing was run\n", SHELL_LINE_MAX);
        status = SHELL_EXIT_BADLINE;
    } else {
        memcpy(copy, line, len);
        status = shell_exec(&sh, copy, len);
    }
    mote_mutex_unlock(&run_lock);
    if (truncated)
        *truncated = o.cut;
    return status;
}

int mote_shell_run(const char *line, char *out, size_t cap)
{
    return shell_run_buf(line ? line : "", line ? strlen(line) : 0, out, cap, 0);
}

static void console_out(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    printf("%.*s", (int)n, s);
}

static void console_main(void *arg)
{
    (void)arg;
    static struct line_ed le;
    struct mote_shell sh = { console_out, 0, 0 };
    line_init(&le);
    const char *why = crash_reboot_reason();
    if (strcmp(why, "power-on"))
        printf("[mote] the last boot ended in a crash (%s); 'crash show' prints its record\n", why);
    printf("mote> ");
    uint64_t last_input = 0;
    for (;;) {
        int c = console_getc();
        if (c < 0) {
            trace_quiet_tid = current->id;
            uint64_t now = mote_uptime_ms();
            mote_sleep_ms(now - last_input < QUIET_MS ? POLL_FAST_MS : POLL_SLOW_MS);
            continue;
        }
        trace_quiet_tid = 0;
        last_input = mote_uptime_ms();
        enum line_status st = line_feed(&le, c, &sh);
        if (st == LINE_MORE)
            continue;
        if (st == LINE_READY) {
            run_locked(&sh, le.buf, le.len);
        } else if (st == LINE_BAD) {
            char why_buf[96];
            line_error(&le, why_buf, sizeof(why_buf));
            printf("%s\n", why_buf);
        }
        printf("mote> ");
    }
}

int mote_shell_start(void)
{
    mote_mutex_lock(&run_lock);
    int err = 0;
    if (!console_thread) {
        console_input_taken = 1;
        console_thread = thread_spawn("shell", console_main, 0, SHELL_PRIO, SHELL_STACK);
        if (!console_thread) {
            console_input_taken = 0;
            err = MOTE_ENOMEM;
        }
    }
    mote_mutex_unlock(&run_lock);
    return err;
}
