/*
 * fmt_float: printf's floating-point conversions (%f %F %e %E %g %G %a %A), exact.
 *
 * A finite double is mant * 2^e2 with a 53-bit integer mant, so v * 10^k is an integer for
 * k = max(0, -e2): D = mant * 5^k (or mant << e2), held exactly in base-10^9 limbs (bigdec.c).
 * Its decimal digits are v's with the point k digits from the right, and rounding to the digits
 * printed is one addition into D, half to even as glibc does. So every digit printed is the true one, for any precision. Long doubles (%Lf) are
 * converted to double first. Built with FP registers (kernel/Makefile, libc/fp/).
 */
#include <libc/libc.h>
#include <float.h>
#include <stdarg.h>
#include <stdint.h>
#include <lib/lib.h>
#include "bigdec.h"

/* D and k for a finite v >= 0. */
static void decompose(double v, struct bigdec *b, int *k)
{
    uint64_t bits;
    __builtin_memcpy(&bits, &v, 8);
    uint64_t mant = bits & ((1ull << 52) - 1);
    int e = (int)(bits >> 52 & 0x7ff);
    if (e)
        mant |= 1ull << 52;
    else
        e = 1;
    bigdec_set(b, mant, e - 1075, k);
}

struct out {
    fmt_put_fn put;
    void *ctx;
    int done;
};

static void out_c(struct out *o, char c)
{
    o->put(c, o->ctx);
    o->done++;
}

static void out_pad(struct out *o, char c, int n)
{
    o->done += fmt_pad(o->put, o->ctx, c, n);
}

/* Sign, prefix and padding around a body of `len` characters written by the caller after. */
static void out_lead(struct out *o, const struct fmt_spec *sp, char sign, const char *prefix, int len,
                     int numeric)
{
    int plen = 0;
    while (prefix && prefix[plen])
        plen++;
    int total = len + plen + (sign ? 1 : 0);
    int zero = sp->zero && !sp->left && numeric;
    if (!sp->left && !zero)
        out_pad(o, ' ', sp->width - total);
    if (sign)
        out_c(o, sign);
    for (int i = 0; i < plen; i++)
        out_c(o, prefix[i]);
    if (zero)
        out_pad(o, '0', sp->width - total);
}

static void out_trail(struct out *o, const struct fmt_spec *sp, char sign, const char *prefix, int len)
{
    int plen = 0;
    while (prefix && prefix[plen])
        plen++;
    if (sp->left)
        out_pad(o, ' ', sp->width - len - plen - (sign ? 1 : 0));
}

static int exp_len(int e)
{
    int a = e < 0 ? -e : e;
    return a >= 1000 ? 6 : a >= 100 ? 5 : 4;   /* "e+NN" at least two digits */
}

static void out_exp(struct out *o, char letter, int e, int min_digits)
{
    out_c(o, letter);
    out_c(o, e < 0 ? '-' : '+');
    unsigned a = (unsigned)(e < 0 ? -e : e);
    char d[6];
    int n = 0;
    do {
        d[n++] = (char)('0' + a % 10);
        a /= 10;
    } while (a);
    while (n < min_digits)
        d[n++] = '0';
    while (n)
        out_c(o, d[--n]);
}

/*
 * %f: digits of D from position `top` (the leading digit's, >= 0 when D has an integer part)
 * down to k - prec, with the point after units. `trim` drops trailing fraction zeros (%g).
 */
static void put_fixed(struct out *o, const struct fmt_spec *sp, char sign, const struct bigdec *b, int k,
                      int prec, int trim)
{
    int nd = bigdec_digits(b);
    int int_digits = nd - k > 0 ? nd - k : 1;
    int frac = prec;
    if (trim) {
        while (frac > 0 && bigdec_digit(b, k - frac) == 0)
            frac--;
    }
    int point = frac > 0 || sp->alt;
    int len = int_digits + point + frac;
    out_lead(o, sp, sign, 0, len, 1);
    for (int i = int_digits - 1; i >= 0; i--)
        out_c(o, (char)('0' + bigdec_digit(b, k + i)));
    if (point)
        out_c(o, '.');
    for (int i = 1; i <= frac; i++)
        out_c(o, (char)('0' + bigdec_digit(b, k - i)));
    out_trail(o, sp, sign, 0, len);
}

/* %e: the leading digit of D (at position top), then prec more, then the exponent e10. */
static void put_exp(struct out *o, const struct fmt_spec *sp, char sign, const struct bigdec *b, int top,
                    int prec, int e10, int trim, char letter)
{
    int frac = prec;
    if (trim) {
        while (frac > 0 && bigdec_digit(b, top - frac) == 0)
            frac--;
    }
    int point = frac > 0 || sp->alt;
    int len = 1 + point + frac + exp_len(e10);
    out_lead(o, sp, sign, 0, len, 1);
    out_c(o, (char)('0' + bigdec_digit(b, top)));
    if (point)
        out_c(o, '.');
    for (int i = 1; i <= frac; i++)
        out_c(o, (char)('0' + bigdec_digit(b, top - i)));
    out_exp(o, letter, e10, 2);
    out_trail(o, sp, sign, 0, len);
}

/* D's leading digit position after rounding to `sig` significant digits; *e10 its exponent. */
static int round_significant(struct bigdec *b, int k, int sig, int *e10)
{
    int nd = bigdec_digits(b);
    bigdec_round(b, nd - sig);
    nd = bigdec_digits(b);
    *e10 = nd - 1 - k;
    return nd - 1;
}

static void put_decimal(struct out *o, const struct fmt_spec *sp, char sign, double v)
{
    struct bigdec b;
    int k;
    char conv = sp->conv | 0x20;
    int prec = sp->prec < 0 ? 6 : sp->prec;
    decompose(v, &b, &k);
    int zero = b.n == 1 && b.limb[0] == 0;
    char letter = sp->conv >= 'a' ? 'e' : 'E';
    if (conv == 'f') {
        bigdec_round(&b, k - prec);
        put_fixed(o, sp, sign, &b, k, prec, 0);
        return;
    }
    if (conv == 'e') {
        int e10 = 0, top = 0;
        if (!zero)
            top = round_significant(&b, k, prec + 1, &e10);
        else
            top = k;   /* 0.000e+00: digits below D's are zeros */
        put_exp(o, sp, sign, &b, zero ? 0 : top, prec, e10, 0, letter);
        return;
    }
    /* %g: precision P significant digits; fixed if -4 <= X < P, else exponent form. */
    int p = prec == 0 ? 1 : prec;
    int x = 0, top = 0;
    if (!zero)
        top = round_significant(&b, k, p, &x);
    if (x >= -4 && x < p)
        put_fixed(o, sp, sign, &b, k, p - 1 - x, !sp->alt);
    else
        put_exp(o, sp, sign, &b, top, p - 1, x, !sp->alt, letter);
}

/* %a: 0x1.hhhhp+e from the bits, 13 hex digits of fraction unless the precision says less. */
static void put_hex(struct out *o, const struct fmt_spec *sp, char sign, double v)
{
    uint64_t bits;
    __builtin_memcpy(&bits, &v, 8);
    uint64_t frac = bits & ((1ull << 52) - 1);
    int e = (int)(bits >> 52 & 0x7ff);
    int lead = e ? 1 : 0;
    int e2 = e ? e - 1023 : (frac ? -1022 : 0);
    int digits = 13;
    if (sp->prec >= 0 && sp->prec < 13) {
        int drop = (13 - sp->prec) * 4;
        uint64_t rest = frac & ((1ull << drop) - 1), half = 1ull << (drop - 1);
        frac >>= drop;
        uint64_t odd = sp->prec ? frac & 1 : (uint64_t)lead & 1;   /* half to even */
        if (rest > half || (rest == half && odd))
            frac++;
        if (frac >> (sp->prec * 4)) {   /* carried into the leading digit */
            frac &= (1ull << (sp->prec * 4)) - 1;
            lead++;
        }
        digits = sp->prec;
    } else {
        while (digits > 0 && (frac & 15) == 0 && sp->prec < 0) {
            frac >>= 4;
            digits--;
        }
    }
    int extra = sp->prec > 13 ? sp->prec - 13 : 0;
    const char *set = sp->conv == 'A' ? "0123456789ABCDEF" : "0123456789abcdef";
    int point = digits + extra > 0 || sp->alt;
    int a = e2 < 0 ? -e2 : e2;
    int elen = 2 + (a >= 1000 ? 4 : a >= 100 ? 3 : a >= 10 ? 2 : 1);
    int len = 1 + point + digits + extra + elen;
    const char *prefix = sp->conv == 'A' ? "0X" : "0x";
    out_lead(o, sp, sign, prefix, len, 1);
    out_c(o, set[lead]);
    if (point)
        out_c(o, '.');
    for (int i = digits - 1; i >= 0; i--)
        out_c(o, set[frac >> (i * 4) & 15]);
    out_pad(o, '0', extra);
    out_exp(o, sp->conv == 'A' ? 'P' : 'p', e2, 1);
    out_trail(o, sp, sign, prefix, len);
}

/* x * 2^n, exactly unless the result under- or overflows. */
static double scale2(double x, int n)
{
    for (; n > 60; n -= 60)
        x *= 0x1p60;
    for (; n < -60; n += 60)
        x *= 0x1p-60;
    uint64_t bits = (uint64_t)(n + 1023) << 52;   /* 2^n, a normal double for |n| <= 60 */
    double f;
    __builtin_memcpy(&f, &bits, 8);
    return x * f;
}

/* A long double's value as a double (its top 64 significand bits, then rounded once). */
static double from_long_double(long double ld)
{
    unsigned char b[sizeof(long double)];
    __builtin_memcpy(b, &ld, sizeof(b));
    if (LDBL_MANT_DIG == DBL_MANT_DIG) {
        double d;
        __builtin_memcpy(&d, b, 8);
        return d;
    }
    uint64_t m = 0, lo = 0;
    unsigned se;
    if (LDBL_MANT_DIG == 64) {          /* x87: 64-bit significand with its integer bit, then sign+exp */
        __builtin_memcpy(&m, b, 8);
        se = (unsigned)b[8] | (unsigned)b[9] << 8;
    } else {                            /* IEEE binary128: 112 fraction bits, then sign+exp */
        uint64_t hi = 0;
        __builtin_memcpy(&lo, b, 8);
        __builtin_memcpy(&hi, b + 8, 6);
        se = (unsigned)b[14] | (unsigned)b[15] << 8;
        m = hi << 15 | lo >> 49;
        if (se & 0x7fff)
            m |= 1ull << 63;
    }
    int e = (int)(se & 0x7fff);
    double sign = se & 0x8000 ? -1.0 : 1.0;
    if (e == 0x7fff)
        return (m << 1) ? __builtin_nan("") * sign : __builtin_inf() * sign;
    if (e == 0)
        e = 1;
    /* (double)m rounds once; the bits below m's 64 only break exact ties, ignored. */
    return sign * scale2((double)m, e - 16383 - 63);
}

int fmt_float(fmt_put_fn put, void *ctx, const struct fmt_spec *sp, va_list *ap)
{
    double v = sp->size == FMT_LDOUBLE ? from_long_double(va_arg(*ap, long double)) : va_arg(*ap, double);
    struct out o = { put, ctx, 0 };
    int neg = __builtin_signbit(v) != 0;
    char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
    if (neg)
        v = -v;
    if (__builtin_isinf(v) || __builtin_isnan(v)) {
        int upper = sp->conv >= 'A' && sp->conv <= 'Z';
        const char *s = __builtin_isnan(v) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
        out_lead(&o, sp, sign, 0, 3, 0);
        for (int i = 0; i < 3; i++)
            out_c(&o, s[i]);
        out_trail(&o, sp, sign, 0, 3);
        return o.done;
    }
    if ((sp->conv | 0x20) == 'a')
        put_hex(&o, sp, sign, v);
    else
        put_decimal(&o, sp, sign, v);
    return o.done;
}
