/*
 * fmt_format: the one printf engine, shared by printf and snprintf.
 * Supports %d %i %u %x %X %o %p %s %c %% with flags '-' '0' '+' ' ',
 * width and precision (also '*'), and length modifiers hh h l ll z j t.
 * No floating point (the kernel and apps are built without FP registers).
 */
#include <stdarg.h>
#include <stdint.h>
#include <mote.h>
#include "lib.h"

struct spec {
    int left, zero, plus, space;
    int width, prec;   /* prec -1: none */
};

static int emit(fmt_put_fn put, void *ctx, char c)
{
    put(c, ctx);
    return 1;
}

static int pad(fmt_put_fn put, void *ctx, char c, int n)
{
    int done = 0;
    while (n-- > 0)
        done += emit(put, ctx, c);
    return done;
}

static int format_str(fmt_put_fn put, void *ctx, const char *s, const struct spec *sp)
{
    if (!s)
        s = "(null)";
    int len = 0;
    while (s[len] && (sp->prec < 0 || len < sp->prec))
        len++;
    int done = 0;
    if (!sp->left)
        done += pad(put, ctx, ' ', sp->width - len);
    for (int i = 0; i < len; i++)
        done += emit(put, ctx, s[i]);
    if (sp->left)
        done += pad(put, ctx, ' ', sp->width - len);
    return done;
}

/* Format an integer given as magnitude + sign, honouring the spec. */
static int format_num(fmt_put_fn put, void *ctx, uint64_t v, int neg, unsigned base,
                      int upper, const char *prefix, const struct spec *sp)
{
    char digits[24];
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v);
    if (sp->prec == 0 && n == 1 && digits[0] == '0')
        n = 0;
    char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
    int plen = 0;
    while (prefix && prefix[plen])
        plen++;
    int zeros = sp->prec > n ? sp->prec - n : 0;
    int body = n + zeros + plen + (sign ? 1 : 0);
    int done = 0;
    if (!sp->left && !(sp->zero && sp->prec < 0))
        done += pad(put, ctx, ' ', sp->width - body);
    if (sign)
        done += emit(put, ctx, sign);
    for (int i = 0; i < plen; i++)
        done += emit(put, ctx, prefix[i]);
    if (!sp->left && sp->zero && sp->prec < 0)
        done += pad(put, ctx, '0', sp->width - body);
    done += pad(put, ctx, '0', zeros);
    while (n > 0)
        done += emit(put, ctx, digits[--n]);
    if (sp->left)
        done += pad(put, ctx, ' ', sp->width - body);
    return done;
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){ .prec = -1 };
    for (;; f++) {
        if (*f == '-') sp->left = 1;
        else if (*f == '0') sp->zero = 1;
        else if (*f == '+') sp->plus = 1;
        else if (*f == ' ') sp->space = 1;
        else break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = 1;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->prec = sp->prec * 10 + (*f++ - '0');
        }
    }
    return f;
}

/* Length modifier -> size in bytes of the argument (0 for plain int). */
static const char *parse_length(const char *f, int *size)
{
    *size = 0;
    if (f[0] == 'h') {
        *size = f[1] == 'h' ? 1 : 2;
        return f + (f[1] == 'h' ? 2 : 1);
    }
    if (f[0] == 'l') {
        *size = 8;
        return f + (f[1] == 'l' ? 2 : 1);
    }
    if (f[0] == 'z' || f[0] == 'j' || f[0] == 't') {
        *size = 8;
        return f + 1;
    }
    return f;
}

int fmt_format(fmt_put_fn put, void *ctx, const char *fmt, va_list ap_in)
{
    va_list ap;
    va_copy(ap, ap_in);
    int done = 0;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            done += emit(put, ctx, *f);
            continue;
        }
        struct spec sp;
        int size;
        f = parse_spec(f + 1, &sp, &ap);
        f = parse_length(f, &size);
        switch (*f) {
        case 'd':
        case 'i': {
            int64_t v = size == 8 ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (size == 1) v = (signed char)v;
            if (size == 2) v = (short)v;
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            done += format_num(put, ctx, mag, v < 0, 10, 0, 0, &sp);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = size == 8 ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            if (size == 1) v = (unsigned char)v;
            if (size == 2) v = (unsigned short)v;
            unsigned base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
            done += format_num(put, ctx, v, 0, base, *f == 'X', 0, &sp);
            break;
        }
        case 'p':
            done += format_num(put, ctx, (uintptr_t)va_arg(ap, void *), 0, 16, 0, "0x", &sp);
            break;
        case 's':
            done += format_str(put, ctx, va_arg(ap, const char *), &sp);
            break;
        case 'c': {
            char c[2] = { (char)va_arg(ap, int), 0 };
            sp.prec = -1;
            if (!c[0])
                done += emit(put, ctx, 0);
            else
                done += format_str(put, ctx, c, &sp);
            break;
        }
        case '%':
            done += emit(put, ctx, '%');
            break;
        case 0:
            f--;    /* a lone '%' at the end: stop at the NUL */
            break;
        default:    /* unknown conversion: print it as written */
            done += emit(put, ctx, '%');
            done += emit(put, ctx, *f);
        }
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
