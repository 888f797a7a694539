/*
 * fmt_format: the one printf engine, shared by printf and snprintf.
 *
 * C99's conversions d i o u x X c s p n % with every flag ('-' '0' '+' ' '
 * '#'), width and precision (also '*'), and every length modifier
 * (hh h l ll j z t L). Floating point (f F e E g G a A) is formatted by
 * fmt_float, which the app's C library provides (kernel/libc/fmt_float.c,
 * built with FP registers); the kernel itself is built without them.
 *
 * Two deliberate refusals, both so that arguments never go out of step:
 *   %n consumes its pointer and writes nothing (the classic format-string
 *      exploit; no firmware needs it);
 *   a directive this engine cannot format (an unknown conversion, %ls, or a
 *      float without fmt_float) is printed as written, and so is the rest
 *      of the format: how many arguments it would have taken is unknown,
 *      so no later directive may read one.
 */
#include <stdarg.h>
#include <stdint.h>
#include <mote.h>
#include "lib.h"

static int emit(fmt_put_fn put, void *ctx, char c)
{
    put(c, ctx);
    return 1;
}

int fmt_pad(fmt_put_fn put, void *ctx, char c, int n)
{
    int done = 0;
    while (n-- > 0)
        done += emit(put, ctx, c);
    return done;
}

static int format_str(fmt_put_fn put, void *ctx, const char *s, int len,
                      const struct fmt_spec *sp)
{
    int done = 0;
    if (!sp->left)
        done += fmt_pad(put, ctx, ' ', sp->width - len);
    for (int i = 0; i < len; i++)
        done += emit(put, ctx, s[i]);
    if (sp->left)
        done += fmt_pad(put, ctx, ' ', sp->width - len);
    return done;
}

static int format_cstr(fmt_put_fn put, void *ctx, const char *s, const struct fmt_spec *sp)
{
    if (!s)
        s = "(null)";
    int len = 0;
    while ((sp->prec < 0 || len < sp->prec) && s[len])
        len++;
    return format_str(put, ctx, s, len, sp);
}

/*
 * An integer given as magnitude + sign, honouring the spec: `prefix` is
 * "0x"/"0X" (from '#' or %p) or NULL; '#' with %o makes the first digit 0.
 */
static int format_num(fmt_put_fn put, void *ctx, uint64_t v, int neg, unsigned base,
                      const char *prefix, const struct fmt_spec *sp)
{
    char digits[24];
    const char *set = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    if (v || sp->prec != 0) {
        do {
            digits[n++] = set[v % base];
            v /= base;
        } while (v);
    }
    int zeros = sp->prec > n ? sp->prec - n : 0;
    if (base == 8 && sp->alt && zeros == 0 && (n == 0 || digits[n - 1] != '0'))
        zeros = 1;
    char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
    int plen = 0;
    while (prefix && prefix[plen])
        plen++;
    int body = n + zeros + plen + (sign ? 1 : 0);
    int zero_pad = sp->zero && !sp->left && sp->prec < 0;
    int done = 0;
    if (!sp->left && !zero_pad)
        done += fmt_pad(put, ctx, ' ', sp->width - body);
    if (sign)
        done += emit(put, ctx, sign);
    for (int i = 0; i < plen; i++)
        done += emit(put, ctx, prefix[i]);
    if (zero_pad)
        done += fmt_pad(put, ctx, '0', sp->width - body);
    done += fmt_pad(put, ctx, '0', zeros);
    while (n > 0)
        done += emit(put, ctx, digits[--n]);
    if (sp->left)
        done += fmt_pad(put, ctx, ' ', sp->width - body);
    return done;
}

/* Decimal digits at f into *n (which starts at 0), saturating at ~1e9. */
static const char *parse_count(const char *f, int *n)
{
    for (; *f >= '0' && *f <= '9'; f++)
        if (*n < 100000000)
            *n = *n * 10 + (*f - '0');
    return f;
}

/* Flags, width and precision after the '%'. */
static const char *parse_spec(const char *f, struct fmt_spec *sp, va_list *ap)
{
    *sp = (struct fmt_spec){ .prec = -1 };
    for (;; f++) {
        if (*f == '-') sp->left = 1;
        else if (*f == '0') sp->zero = 1;
        else if (*f == '+') sp->plus = 1;
        else if (*f == ' ') sp->space = 1;
        else if (*f == '#') sp->alt = 1;
        else break;
    }
    if (*f == '*') {
        int w = va_arg(*ap, int);
        if (w < 0) {
            sp->left = 1;
            w = w == INT32_MIN ? INT32_MAX : -w;
        }
        sp->width = w;
        f++;
    } else {
        f = parse_count(f, &sp->width);
    }
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            int p = va_arg(*ap, int);
            sp->prec = p < 0 ? -1 : p;   /* a negative precision is taken as none */
            f++;
        } else {
            f = parse_count(f, &sp->prec);
        }
    }
    return f;
}

/* Length modifier -> sp->size (FMT_INT ...); 'L' also marks a long double. */
static const char *parse_length(const char *f, struct fmt_spec *sp)
{
    sp->size = FMT_INT;
    switch (*f) {
    case 'h':
        if (f[1] == 'h') {
            sp->size = FMT_CHAR;
            return f + 2;
        }
        sp->size = FMT_SHORT;
        return f + 1;
    case 'l':
        if (f[1] == 'l') {
            sp->size = FMT_LLONG;
            return f + 2;
        }
        sp->size = FMT_LONG;
        return f + 1;
    case 'j':
        sp->size = sizeof(intmax_t) == sizeof(long long) ? FMT_LLONG : FMT_LONG;
        return f + 1;
    case 'z':
        sp->size = sizeof(size_t) == sizeof(long) ? FMT_LONG : FMT_INT;
        return f + 1;
    case 't':
        sp->size = sizeof(ptrdiff_t) == sizeof(long) ? FMT_LONG : FMT_INT;
        return f + 1;
    case 'L':
        sp->size = FMT_LDOUBLE;
        return f + 1;
    }
    return f;
}

static int64_t signed_arg(const struct fmt_spec *sp, va_list *ap)
{
    switch (sp->size) {
    case FMT_CHAR: return (signed char)va_arg(*ap, int);
    case FMT_SHORT: return (short)va_arg(*ap, int);
    case FMT_LONG: return va_arg(*ap, long);
    case FMT_LLONG:
    case FMT_LDOUBLE: return va_arg(*ap, long long);   /* %Ld: glibc's reading, as ll */
    default: return va_arg(*ap, int);
    }
}

static uint64_t unsigned_arg(const struct fmt_spec *sp, va_list *ap)
{
    switch (sp->size) {
    case FMT_CHAR: return (unsigned char)va_arg(*ap, unsigned);
    case FMT_SHORT: return (unsigned short)va_arg(*ap, unsigned);
    case FMT_LONG: return va_arg(*ap, unsigned long);
    case FMT_LLONG:
    case FMT_LDOUBLE: return va_arg(*ap, unsigned long long);
    default: return va_arg(*ap, unsigned);
    }
}

/*
 * One conversion (sp->conv), taking its argument from *ap. Returns the
 * count written, or -1 if this engine cannot format it (nothing was read).
 */
static int format_one(fmt_put_fn put, void *ctx, struct fmt_spec *sp, va_list *ap)
{
    switch (sp->conv) {
    case 'd':
    case 'i': {
        int64_t v = signed_arg(sp, ap);
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        return format_num(put, ctx, mag, v < 0, 10, 0, sp);
    }
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
        uint64_t v = unsigned_arg(sp, ap);
        unsigned base = sp->conv == 'u' ? 10 : sp->conv == 'o' ? 8 : 16;
        const char *prefix = base == 16 && sp->alt && v ? (sp->conv == 'X' ? "0X" : "0x") : 0;
        sp->plus = sp->space = 0;
        return format_num(put, ctx, v, 0, base, prefix, sp);
    }
    case 'p':
        sp->conv = 'x';
        return format_num(put, ctx, (uintptr_t)va_arg(*ap, void *), 0, 16, "0x", sp);
    case 's':
        if (sp->size == FMT_LONG)
            return -1;   /* %ls: wide strings are not supported */
        return format_cstr(put, ctx, va_arg(*ap, const char *), sp);
    case 'c': {
        char c = (char)va_arg(*ap, int);   /* %lc: a wint_t, promoted to int too */
        return format_str(put, ctx, &c, 1, sp);
    }
    case 'n':
        (void)va_arg(*ap, void *);   /* refused: see the top of this file */
        return 0;
    case '%':
        put('%', ctx);   /* as glibc: "%5%" is a plain '%' */
        return 1;
    case 'f': case 'F': case 'e': case 'E':
    case 'g': case 'G': case 'a': case 'A':
        if (!fmt_float)
            return -1;
        return fmt_float(put, ctx, sp, ap);
    }
    return -1;
}

int fmt_format(fmt_put_fn put, void *ctx, const char *fmt, va_list ap_in)
{
    va_list ap;
    va_copy(ap, ap_in);
    int done = 0;
    const char *f = fmt;
    while (*f) {
        if (*f != '%') {
            done += emit(put, ctx, *f++);
            continue;
        }
        if (f[1] == '%') {
            done += emit(put, ctx, '%');
            f += 2;
            continue;
        }
        struct fmt_spec sp;
        const char *p = parse_length(parse_spec(f + 1, &sp, &ap), &sp);
        sp.conv = *p;
        int n = *p ? format_one(put, ctx, &sp, &ap) : -1;
        if (n < 0) {
            /* Cannot format it: the rest of the format as written, no argument read. */
            while (*f)
                done += emit(put, ctx, *f++);
            break;
        }
        done += n;
        f = p + 1;
    }
    va_end(ap);
    return done;
}

struct sbuf {
    char *buf;
    size_t size, len;
};

static void sbuf_put(char c, void *ctx)
{
    struct sbuf *b = ctx;
    if (b->len + 1 < b->size)
        b->buf[b->len] = c;
    b->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sbuf b = { buf, size, 0 };
    int n = fmt_format(sbuf_put, &b, fmt, ap);
    if (size)
        buf[b.len < size ? b.len : size - 1] = 0;
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
