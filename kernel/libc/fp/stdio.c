/*
 * The printf family's entry points for code built with the FP registers (apps): a variadic
 * function built without them (the kernel's printf) does not save the FP argument registers,
 * so a double passed to it would be lost. These are built with them; mote.h and stdio.h send
 * such code here (MOTE_FP_ENTRY). The work is the kernel's v*printf.
 */
#include <libc/libc.h>
#include <stdarg.h>
#include <stddef.h>
#include <libc/stdio.h>

int mote_fp_printf(const char *fmt, ...);
int mote_fp_snprintf(char *buf, size_t size, const char *fmt, ...);
int mote_fp_sprintf(char *buf, const char *fmt, ...);
int mote_fp_fprintf(FILE *f, const char *fmt, ...);

int mote_fp_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int mote_fp_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int mote_fp_sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

int mote_fp_fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}
