/*
 * printf and friends on the board console. Whole lines from different
 * threads do not interleave: output is formatted into a small buffer and
 * written under a mutex (or directly, before the scheduler runs, from IRQs,
 * and on the panic path).
 */
#include <hal/console.h>
#include <hal/cpu.h>
#include <lib/lib.h>
#include "core.h"

static struct mote_mutex console_lock = MOTE_MUTEX_INIT;
int kernel_emergency;
static char *cap_buf;
static size_t cap_size, *cap_len;

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            console_putc('\r');
        console_putc(s[i]);
    }
}

void console_emergency(void)
{
    kernel_emergency = 1;
}

void console_capture(char *buf, size_t cap, size_t *len)
{
    cap_size = cap;
    cap_len = len;
    cap_buf = buf;
}

struct out {
    char buf[128];
    size_t len;
};

static void out_flush(struct out *o)
{
    unsigned long flags = arch_irq_save();
    console_write(o->buf, o->len);
    if (cap_buf) {
        size_t n = cap_size - *cap_len < o->len ? cap_size - *cap_len : o->len;
        memcpy(cap_buf + *cap_len, o->buf, n);
        *cap_len += n;
    }
    arch_irq_restore(flags);
    o->len = 0;
}

static void out_put(char c, void *ctx)
{
    struct out *o = ctx;
    o->buf[o->len++] = c;
    if (o->len == sizeof(o->buf))
        out_flush(o);
}

int vprintf(const char *fmt, va_list ap)
{
    int locked = !kernel_emergency && sched_running() && !sched_in_irq();
    if (locked)
        mote_mutex_lock(&console_lock);
    struct out o;
    o.len = 0;
    int n = fmt_format(out_put, &o, fmt, ap);
    out_flush(&o);
    if (locked)
        mote_mutex_unlock(&console_lock);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    return printf("%s\n", s);
}

int putchar(int c)
{
    printf("%c", c);
    return (unsigned char)c;
}

int console_input_taken;

/* The console shell reads the console itself once started (shell/console.c). */
int mote_getchar(void)
{
    return console_input_taken ? -1 : console_getc();
}
