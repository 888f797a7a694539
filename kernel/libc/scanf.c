/*
 * sscanf: C's directives over a string. Integers go through strtoll/strtoull on the digits
 * the width allows; floats through scan_float (fp/strtod.c), so this file needs no FP
 * registers. An unknown directive stops the scan, like a matching failure: nothing more is
 * read or stored.
 */
#include <libc/libc.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <libc/ctype.h>
#include <libc/stdio.h>
#include <libc/stdlib.h>

enum size { SZ_CHAR, SZ_SHORT, SZ_INT, SZ_LONG, SZ_LLONG, SZ_LDOUBLE };

static const char *parse_size(const char *f, enum size *sz)
{
    *sz = SZ_INT;
    switch (*f) {
    case 'h':
        *sz = f[1] == 'h' ? SZ_CHAR : SZ_SHORT;
        return f + (f[1] == 'h' ? 2 : 1);
    case 'l':
        *sz = f[1] == 'l' ? SZ_LLONG : SZ_LONG;
        return f + (f[1] == 'l' ? 2 : 1);
    case 'j':
        *sz = sizeof(intmax_t) == sizeof(long) ? SZ_LONG : SZ_LLONG;
        return f + 1;
    case 'z':
        *sz = sizeof(size_t) == sizeof(long) ? SZ_LONG : SZ_INT;
        return f + 1;
    case 't':
        *sz = sizeof(ptrdiff_t) == sizeof(long) ? SZ_LONG : SZ_INT;
        return f + 1;
    case 'L':
        *sz = SZ_LDOUBLE;
        return f + 1;
    }
    return f;
}

static void store_int(void *dst, enum size sz, unsigned long long v)
{
    switch (sz) {
    case SZ_CHAR: *(signed char *)dst = (signed char)v; break;
    case SZ_SHORT: *(short *)dst = (short)v; break;
    case SZ_LONG: *(long *)dst = (long)v; break;
    case SZ_LLONG:
    case SZ_LDOUBLE: *(long long *)dst = (long long)v; break;
    default: *(int *)dst = (int)v; break;
    }
}

/* The scanset at f (just after '['): sets in[256]; returns the ']' that ends it, or NULL. */
static const char *parse_set(const char *f, unsigned char in[256])
{
    int invert = *f == '^';
    if (invert)
        f++;
    for (int i = 0; i < 256; i++)
        in[i] = (unsigned char)invert;
    if (*f == ']')
        in[(unsigned char)*f++] = (unsigned char)!invert;
    for (; *f && *f != ']'; f++) {
        if (f[1] == '-' && f[2] && f[2] != ']') {
            for (int c = (unsigned char)f[0]; c <= (unsigned char)f[2]; c++)
                in[c] = (unsigned char)!invert;
            f += 2;
        } else {
            in[(unsigned char)*f] = (unsigned char)!invert;
        }
    }
    return *f ? f : 0;
}

int vsscanf(const char *s, const char *fmt, va_list ap_in)
{
    va_list ap;
    va_copy(ap, ap_in);
    const char *p = s, *f = fmt;
    int assigned = 0, converted = 0;
    while (*f) {
        if (isspace((unsigned char)*f)) {
            while (isspace((unsigned char)*f))
                f++;
            while (isspace((unsigned char)*p))
                p++;
            continue;
        }
        if (*f != '%' || f[1] == '%') {
            if (*f == '%') {
                f++;
                while (isspace((unsigned char)*p))
                    p++;
            }
            if (!*p)
                goto input_failure;
            if (*p != *f)
                break;
            p++, f++;
            continue;
        }
        f++;
        int suppress = *f == '*';
        if (suppress)
            f++;
        int width = 0;
        while (*f >= '0' && *f <= '9')
            width = width < 100000 ? width * 10 + (*f++ - '0') : (f++, width);
        enum size sz;
        f = parse_size(f, &sz);
        char conv = *f++;
        if (conv == 'n') {
            if (!suppress)
                store_int(va_arg(ap, void *), sz, (unsigned long long)(p - s));
            continue;
        }
        if (conv != 'c' && conv != '[')
            while (isspace((unsigned char)*p))
                p++;
        if (!*p)
            goto input_failure;
        void *dst = suppress ? 0 : va_arg(ap, void *);
        switch (conv) {
        case 'c': {
            int n = width ? width : 1, i = 0;
            for (; i < n && p[i]; i++)
                if (dst)
                    ((char *)dst)[i] = p[i];
            if (i < n)
                goto done;
            p += n;
            break;
        }
        case 's':
        case '[': {
            unsigned char in[256];
            if (conv == '[') {
                f = parse_set(f, in);
                if (!f)
                    goto done;
                f++;
            } else {
                for (int c = 0; c < 256; c++)
                    in[c] = (unsigned char)(c && !isspace(c));
            }
            int n = 0;
            while (p[n] && in[(unsigned char)p[n]] && (!width || n < width)) {
                if (dst)
                    ((char *)dst)[n] = p[n];
                n++;
            }
            if (!n)
                goto done;
            if (dst)
                ((char *)dst)[n] = 0;
            p += n;
            break;
        }
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'p': {
            char buf[64];
            int n = 0, limit = width && width < 63 ? width : 63;
            while (n < limit && p[n] && !isspace((unsigned char)p[n])) {
                buf[n] = p[n];
                n++;
            }
            buf[n] = 0;
            int base = conv == 'd' || conv == 'u' ? 10 : conv == 'i' ? 0 : conv == 'o' ? 8 : 16;
            char *end;
            unsigned long long v = conv == 'd' || conv == 'i' ? (unsigned long long)strtoll(buf, &end, base)
                                                             : strtoull(buf, &end, base);
            if (end == buf)
                goto done;
            if (dst) {
                if (conv == 'p')
                    *(void **)dst = (void *)(uintptr_t)v;
                else
                    store_int(dst, sz, v);
            }
            p += end - buf;
            break;
        }
        case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A': {
            int n = scan_float(p, width, dst, sz == SZ_LONG ? 1 : sz == SZ_LDOUBLE ? 2 : 0);
            if (!n)
                goto done;
            p += n;
            break;
        }
        default:
            goto done;   /* unknown: stop, read nothing more */
        }
        converted++;
        if (!suppress)
            assigned++;
    }
    goto done;
input_failure:
    if (!converted && !assigned) {
        va_end(ap);
        return EOF;
    }
done:
    va_end(ap);
    return assigned;
}

int sscanf(const char *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsscanf(s, fmt, ap);
    va_end(ap);
    return n;
}
