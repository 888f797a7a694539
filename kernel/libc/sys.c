/* What ties the C library to the kernel: exit, abort, assert, the console FILEs, locale. */
#include <mote.h>
#include <core/core.h>
#include <libc/libc.h>
#include <libc/locale.h>
#include <libc/stdio.h>
#include <libc/stdlib.h>

void exit(int code)
{
    device_exit(code);
}

void abort(void)
{
    mote_panic("abort() called");
}

void __assert_fail(const char *expr, const char *file, int line)
{
    mote_panic("assertion failed: %s (%s:%d)", expr, file, line);
}

char *getenv(const char *name)
{
    (void)name;
    return 0;
}

struct mote_file {
    int unused;
};
static struct mote_file console_file;
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    (void)f;
    return vprintf(fmt, ap);
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int fputs(const char *s, FILE *f)
{
    (void)f;
    return printf("%s", s) < 0 ? EOF : 0;
}

int fputc(int c, FILE *f)
{
    (void)f;
    return putchar(c) < 0 ? EOF : (unsigned char)c;
}

int putc(int c, FILE *f)
{
    return fputc(c, f);
}

int fflush(FILE *f)
{
    (void)f;
    return 0;
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
    return vsnprintf(buf, (size_t)-1 / 2, fmt, ap);
}

int sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

static char decimal_point[] = ".", empty[] = "";
static struct lconv c_locale = { decimal_point, empty, empty };

char *setlocale(int category, const char *name)
{
    (void)category;
    if (!name || !name[0] || (name[0] == 'C' && !name[1]) || !strcmp(name, "POSIX"))
        return "C";
    return 0;
}

struct lconv *localeconv(void)
{
    return &c_locale;
}
