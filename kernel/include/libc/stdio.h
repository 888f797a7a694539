/*
 * stdio.h: formatted output to the console and into buffers, and sscanf. No files: stdout and
 * stderr both write to the console, fopen does not exist. printf supports every C99 directive
 * (%n writes nothing); docs/device-api.md, "printf".
 */
#ifndef LIBC_STDIO_H
#define LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)
#define BUFSIZ 128

#if (defined(__ARM_NEON) || defined(__SSE2__)) && !defined(HOST_TEST)
#define LIBC_FP_ENTRY(name) __asm__("mote_fp_" #name)   /* see mote.h: MOTE_FP_ENTRY */
#else
#define LIBC_FP_ENTRY(name)
#endif

typedef struct mote_file FILE;
extern FILE *const stdout;
extern FILE *const stderr;

int printf(const char *fmt, ...) LIBC_FP_ENTRY(printf) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) LIBC_FP_ENTRY(snprintf)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* Unbounded: prefer snprintf. */
int sprintf(char *buf, const char *fmt, ...) LIBC_FP_ENTRY(sprintf) __attribute__((format(printf, 2, 3)));
int vsprintf(char *buf, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);

/* To the console, whichever stream (stdout or stderr) is given. */
int fprintf(FILE *f, const char *fmt, ...) LIBC_FP_ENTRY(fprintf) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *f, const char *fmt, va_list ap);
int fputs(const char *s, FILE *f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int fflush(FILE *f);   /* the console is unbuffered: 0 */

/*
 * C's scanf directives: %d %i %u %o %x %X %c %s %[set] %p %n %% and %f %e %g %a (needs FP),
 * with '*', widths and every length modifier. Returns the count assigned, or EOF if the
 * input ended before the first conversion.
 */
int sscanf(const char *s, const char *fmt, ...) __attribute__((format(scanf, 2, 3)));
int vsscanf(const char *s, const char *fmt, va_list ap);

#endif
