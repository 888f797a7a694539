/*
 * strtod and friends: decimal and hexadecimal floating-point text to double.
 *
 * Up to 19 significant decimal digits are kept exactly in a uint64, the power of ten comes
 * from a table of 10^(28j) as 64-bit significands plus exact small powers, and the product is
 * formed in 128 bits and rounded once to 53. That product is within a few 2^-64 of the true
 * value; when that is too close to a halfway point between two doubles to decide, the input's
 * digits (all of them) are compared with the halfway point written out exactly in decimal
 * (bigdec.c). So the result is correctly rounded, as glibc's. Built with FP registers.
 */
#include <libc/libc.h>
#include <float.h>
#include <stdint.h>
#include <libc/errno.h>
#include <libc/stdlib.h>
#include "bigdec.h"

/* 10^(28j) for j = -13..11: a 64-bit significand (top bit set) and its binary exponent. */
static const struct { uint64_t m; int e; } pow10_big[] = {
    { 0xe1afa13afbd14d6eull, -1273 },  /* 1e-364 */
    { 0xe3e27a444d8d98b8ull, -1180 },  /* 1e-336 */
    { 0xe61acf033d1a45dfull, -1087 },  /* 1e-308 */
    { 0xe858ad248f5c22caull, -994 },   /* 1e-280 */
    { 0xea9c227723ee8bcbull, -901 },   /* 1e-252 */
    { 0xece53cec4a314ebeull, -808 },   /* 1e-224 */
    { 0xef340a98172aace5ull, -715 },   /* 1e-196 */
    { 0xf18899b1bc3f8ca2ull, -622 },   /* 1e-168 */
    { 0xf3e2f893dec3f126ull, -529 },   /* 1e-140 */
    { 0xf64335bcf065d37dull, -436 },   /* 1e-112 */
    { 0xf8a95fcf88747d94ull, -343 },   /* 1e-84 */
    { 0xfb158592be068d2full, -250 },   /* 1e-56 */
    { 0xfd87b5f28300ca0eull, -157 },   /* 1e-28 */
    { 0x8000000000000000ull, -63 },    /* 1e0 */
    { 0x813f3978f8940984ull, 30 },     /* 1e28 */
    { 0x82818f1281ed44a0ull, 123 },    /* 1e56 */
    { 0x83c7088e1aab65dbull, 216 },    /* 1e84 */
    { 0x850fadc09923329eull, 309 },    /* 1e112 */
    { 0x865b86925b9bc5c2ull, 402 },    /* 1e140 */
    { 0x87aa9aff79042287ull, 495 },    /* 1e168 */
    { 0x88fcf317f22241e2ull, 588 },    /* 1e196 */
    { 0x8a5296ffe33cc930ull, 681 },    /* 1e224 */
    { 0x8bab8eefb6409c1aull, 774 },    /* 1e252 */
    { 0x8d07e33455637eb3ull, 867 },    /* 1e280 */
    { 0x8e679c2f5e44ff8full, 960 },    /* 1e308 */
};

struct ext {
    uint64_t m;   /* significand; top bit set unless zero */
    int e;        /* value = m * 2^e */
    int sticky;   /* bits below m were lost (nonzero) */
};

static struct ext ext_norm(struct ext x)
{
    if (!x.m)
        return x;
    int s = __builtin_clzll(x.m);
    x.m <<= s;
    x.e -= s;
    return x;
}

/* a * b, truncated to 64 bits of significand; sticky if anything was dropped. */
static struct ext ext_mul(struct ext a, struct ext b)
{
    unsigned __int128 p = (unsigned __int128)a.m * b.m;
    struct ext r = { (uint64_t)(p >> 64), a.e + b.e + 64, a.sticky | b.sticky };
    uint64_t low = (uint64_t)p;
    if (!(r.m >> 63)) {
        r.m = r.m << 1 | low >> 63;
        low <<= 1;
        r.e--;
    }
    r.sticky |= low != 0;
    return r;
}

/* 10^n for 0 <= n <= 27, exactly (5^27 < 2^63). */
static struct ext pow10_small(int n)
{
    uint64_t five = 1;
    for (int i = 0; i < n; i++)
        five *= 5;
    return ext_norm((struct ext){ five, n, 0 });
}

/* The decimal digits of the input: from `first` (its first nonzero digit), '.' skipped. */
struct decimal {
    const char *first;
    int exp;   /* value = 0.d1d2d3... * 10^exp */
};

/* Sign of (the input - (2m+1) * 2^(e2-1)): which side of the halfway point it is on. */
static int compare_halfway(const struct decimal *in, uint64_t m, int e2)
{
    struct bigdec h;
    int k;
    bigdec_set(&h, 2 * m + 1, e2 - 1, &k);
    int nd = bigdec_digits(&h);
    if (in->exp != nd - k)
        return in->exp > nd - k ? 1 : -1;
    const char *p = in->first;
    for (int i = 0;; i++) {
        while (*p == '.')
            p++;
        int a = *p >= '0' && *p <= '9' ? *p++ - '0' : -1;
        if (a < 0 && i >= nd)
            return 0;
        int b = bigdec_digit(&h, nd - 1 - i);
        if (a < 0)
            a = 0;
        if (a != b)
            return a > b ? 1 : -1;
    }
}

/*
 * Round x to a double (53 bits, or fewer for a subnormal), half to even; ERANGE at the ends.
 * `in`, if given, settles a rounding too close to call from x (whose last bits may be off).
 */
static double ext_to_double(struct ext x, int neg, const struct decimal *in)
{
    double sign = neg ? -1.0 : 1.0;
    if (!x.m)
        return sign * 0.0;
    x = ext_norm(x);
    int exp = x.e + 63;            /* value in [2^exp, 2^(exp+1)) */
    int keep = 53;
    if (exp < -1022)
        keep = 53 - (-1022 - exp); /* a subnormal keeps fewer bits */
    if (keep < 0) {
        errno = ERANGE;
        return sign * 0.0;
    }
    int drop = 64 - keep;
    uint64_t m = keep ? x.m >> drop : 0;
    uint64_t rest = drop >= 64 ? x.m : x.m & ((1ull << drop) - 1);
    uint64_t half = 1ull << (drop - 1);
    int e2 = x.e + drop;           /* value = m * 2^e2 */
    if (in && keep && rest + 64 >= half && rest <= half + 64) {   /* x may be ~20 units off */
        int c = compare_halfway(in, m, e2);
        if (c > 0 || (c == 0 && (m & 1)))
            m++;
        rest = 0;                  /* decided: exact unless it was not a tie */
        x.sticky = c != 0;
    } else if (rest > half || (rest == half && (x.sticky || (m & 1)))) {
        m++;
    }
    if (m >> 53) {
        m >>= 1;
        e2++;
    }
    if (e2 + 52 > 1023) {
        errno = ERANGE;
        return sign * __builtin_inf();
    }
    if (m == 0) {
        errno = ERANGE;
        return sign * 0.0;
    }
    /* m * 2^e2 with m < 2^53: build the double from its bits, exactly. */
    uint64_t bits;
    if (m >> 52) {
        bits = (uint64_t)(e2 + 52 + 1023) << 52 | (m & ((1ull << 52) - 1));
    } else {
        bits = m;                  /* subnormal: e2 is -1074 here, the encoding is m itself */
        if (rest || x.sticky)
            errno = ERANGE;        /* underflow: inexact and tiny */
    }
    double d;
    __builtin_memcpy(&d, &bits, 8);
    return sign * d;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* s matches word (lower case) case-insensitively: its length, else 0. */
static int word(const char *s, const char *w)
{
    int n = 0;
    while (w[n] && lower((unsigned char)s[n]) == w[n])
        n++;
    return w[n] ? 0 : n;
}

static int hexval(int c)
{
    c = lower(c);
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "0x" already read at p: hex digits, an optional point, then p[+-]exponent. */
static double parse_hex(const char *p, const char **end, int neg)
{
    struct ext x = { 0, 0, 0 };
    int digits = 0, point = 0, any = 0;
    for (;; p++) {
        int v = hexval((unsigned char)*p);
        if (*p == '.' && !point) {
            point = 1;
            continue;
        }
        if (v < 0)
            break;
        any = 1;
        if (x.m >> 60) {
            x.sticky |= v != 0;   /* beyond 16 digits: only rounding */
            if (!point)
                x.e += 4;
        } else {
            x.m = x.m << 4 | (uint64_t)v;
            if (point)
                x.e -= 4;
        }
        digits++;
    }
    if (!any)
        return 0;   /* *end stays at the "0" before the x */
    if (lower(*p) == 'p') {
        const char *q = p + 1;
        int eneg = *q == '-';
        if (*q == '+' || *q == '-')
            q++;
        if (*q >= '0' && *q <= '9') {
            long e = 0;
            for (; *q >= '0' && *q <= '9'; q++)
                if (e < 100000)
                    e = e * 10 + (*q - '0');
            x.e += (int)(eneg ? -e : e);
            p = q;
        }
    }
    *end = p;
    (void)digits;
    return ext_to_double(x, neg, 0);
}

double strtod(const char *s, char **endp)
{
    const char *p = s, *end = s;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    int neg = *p == '-';
    if (*p == '+' || *p == '-')
        p++;
    double result = 0;
    int n;
    if ((n = word(p, "infinity")) || (n = word(p, "inf"))) {
        end = p + n;
        result = neg ? -__builtin_inf() : __builtin_inf();
    } else if ((n = word(p, "nan"))) {
        end = p + n;
        if (*end == '(') {   /* nan(n-char-sequence) */
            const char *q = end + 1;
            while ((*q >= '0' && *q <= '9') || (lower(*q) >= 'a' && lower(*q) <= 'z') || *q == '_')
                q++;
            if (*q == ')')
                end = q + 1;
        }
        result = neg ? -__builtin_nan("") : __builtin_nan("");
    } else if (p[0] == '0' && lower(p[1]) == 'x' && (hexval((unsigned char)p[2]) >= 0
                                                   || (p[2] == '.' && hexval((unsigned char)p[3]) >= 0))) {
        end = p + 1;
        result = parse_hex(p + 2, &end, neg);
    } else {
        uint64_t m = 0;
        int sig = 0, any = 0, point = 0, sticky = 0;
        const char *first = 0;
        long e10 = 0;
        for (;; p++) {
            if (*p == '.' && !point) {
                point = 1;
                continue;
            }
            if (*p < '0' || *p > '9')
                break;
            any = 1;
            if (m == 0 && *p == '0') {
                if (point)
                    e10--;     /* leading zeros after the point only scale */
                continue;
            }
            if (!first)
                first = p;
            if (sig < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                sig++;
                if (point)
                    e10--;
            } else {
                sticky |= *p != '0';
                if (!point)
                    e10++;
            }
        }
        if (any) {
            end = p;
            if (lower(*p) == 'e') {
                const char *q = p + 1;
                int eneg = *q == '-';
                if (*q == '+' || *q == '-')
                    q++;
                if (*q >= '0' && *q <= '9') {
                    long e = 0;
                    for (; *q >= '0' && *q <= '9'; q++)
                        if (e < 100000)
                            e = e * 10 + (*q - '0');
                    e10 += eneg ? -e : e;
                    end = q;
                }
            }
            if (m == 0) {
                result = neg ? -0.0 : 0.0;
            } else if (e10 > 330) {
                errno = ERANGE;
                result = neg ? -__builtin_inf() : __builtin_inf();
            } else if (e10 < -364) {
                errno = ERANGE;
                result = neg ? -0.0 : 0.0;
            } else if (!sticky && m < (1ull << 53) && e10 >= -22 && e10 <= 22) {
                /* both exact as doubles: one rounding, correct (Clinger's fast path) */
                static const double exact[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                    1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
                result = e10 >= 0 ? (double)m * exact[e10] : (double)m / exact[-e10];
                result = neg ? -result : result;
            } else {
                int j = (int)((e10 >= 0 ? e10 : e10 - 27) / 28);   /* floor(e10 / 28) */
                struct ext x = ext_norm((struct ext){ m, 0, sticky });
                struct ext big = { pow10_big[j + 13].m, pow10_big[j + 13].e, j != 0 };   /* 1e0 is exact */
                x = ext_mul(ext_mul(x, big), pow10_small((int)(e10 - 28L * j)));
                struct decimal in = { first, (int)e10 + sig };
                result = ext_to_double(x, neg, &in);
            }
        }
    }
    if (endp)
        *endp = (char *)end;
    return result;
}

float strtof(const char *s, char **end)
{
    return (float)strtod(s, end);
}

/*
 * *dst = v as a long double, from the bits: converting with a cast would need the compiler's
 * soft-float routines on arm64 (binary128), which an app does not link.
 */
static void store_long_double(void *dst, double v)
{
    if (LDBL_MANT_DIG == DBL_MANT_DIG) {
        __builtin_memcpy(dst, &v, 8);
        return;
    }
    uint64_t bits;
    __builtin_memcpy(&bits, &v, 8);
    uint64_t frac = bits & ((1ull << 52) - 1);
    int e = (int)(bits >> 52 & 0x7ff);
    unsigned se = (unsigned)(bits >> 63) << 15;
    if (e == 0x7ff) {
        se |= 0x7fff;
        frac = frac ? 1ull << 51 | frac : 0;   /* a NaN stays quiet */
    } else if (e == 0 && frac) {               /* subnormal double: a normal long double */
        int shift = __builtin_clzll(frac) - 11;
        frac = (frac << shift) & ((1ull << 52) - 1);
        se |= (unsigned)(1 - shift - 1023 + 16383);
    } else if (e) {
        se |= (unsigned)(e - 1023 + 16383);
    }
    unsigned char b[sizeof(long double)] = { 0 };
    uint64_t lo, hi;
    if (LDBL_MANT_DIG == 64) {                 /* x87: explicit integer bit */
        lo = (se & 0x7fff) ? 1ull << 63 | frac << 11 : 0;
        if ((se & 0x7fff) == 0x7fff && !frac)
            lo = 1ull << 63;
        __builtin_memcpy(b, &lo, 8);
        b[8] = (unsigned char)se;
        b[9] = (unsigned char)(se >> 8);
    } else {                                   /* binary128: 112 fraction bits */
        lo = frac << 60;
        hi = frac >> 4;
        __builtin_memcpy(b, &lo, 8);
        __builtin_memcpy(b + 8, &hi, 6);
        b[14] = (unsigned char)se;
        b[15] = (unsigned char)(se >> 8);
    }
    __builtin_memcpy(dst, b, sizeof(b));
}

long double strtold(const char *s, char **end)
{
    long double r;
    store_long_double(&r, strtod(s, end));
    return r;
}

double atof(const char *s)
{
    return strtod(s, 0);
}

/*
 * For sscanf (libc/scanf.c, built without FP registers): convert at most `width` characters
 * at s (0: no limit) and store into *dst as a float (size 0), double (1) or long double (2).
 * Returns the characters used, 0 if none form a number.
 */
int scan_float(const char *s, int width, void *dst, int size)
{
    char buf[64];
    int n = 0;
    int limit = width > 0 && width < (int)sizeof(buf) ? width : (int)sizeof(buf) - 1;
    while (n < limit && s[n]) {
        buf[n] = s[n];
        n++;
    }
    buf[n] = 0;
    char *end;
    double v = strtod(buf, &end);
    if (end == buf)
        return 0;
    if (dst) {
        if (size == 0)
            *(float *)dst = (float)v;
        else if (size == 1)
            *(double *)dst = v;
        else
            store_long_double(dst, v);
    }
    return (int)(end - buf);
}
