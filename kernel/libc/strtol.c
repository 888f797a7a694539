/* strtol and its family: one converter for every width and signedness, C's rules exactly. */
#include <libc/libc.h>
#include <stdint.h>
#include <libc/errno.h>
#include <libc/inttypes.h>
#include <libc/stdlib.h>

static int digit(int c, int base)
{
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10
          : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
    return v < base ? v : -1;
}

/*
 * Parse s as C's strto* do: the magnitude clamped to `max` (for a negative number, to
 * max_neg), ERANGE on overflow, *end past the digits used (s if none; a lone "0x" uses "0").
 * *neg tells the sign; the caller negates.
 */
static uintmax_t convert(const char *s, char **end, int base, uintmax_t max, uintmax_t max_neg, int *neg,
                         int *over)
{
    const char *p = s;
    *neg = 0;
    *over = 0;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        if (end)
            *end = (char *)s;
        return 0;
    }
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 0x20) == 'x' && digit((unsigned char)p[2], 16) >= 0) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    uintmax_t v = 0, limit = *neg ? max_neg : max;
    int any = 0, d;
    for (; (d = digit((unsigned char)*p, base)) >= 0; p++) {
        any = 1;
        if (*over || v > (limit - (uintmax_t)d) / (uintmax_t)base) {
            *over = 1;
            continue;
        }
        v = v * (uintmax_t)base + (uintmax_t)d;
    }
    if (end)
        *end = (char *)(any ? p : s);
    if (*over) {
        errno = ERANGE;
        return limit;
    }
    return v;
}

long strtol(const char *s, char **end, int base)
{
    int neg, over;
    uintmax_t v = convert(s, end, base, (uintmax_t)__LONG_MAX__, (uintmax_t)__LONG_MAX__ + 1, &neg, &over);
    return neg && !over ? (long)(0 - v) : (long)v;
}

long long strtoll(const char *s, char **end, int base)
{
    int neg, over;
    uintmax_t v = convert(s, end, base, (uintmax_t)__LONG_LONG_MAX__, (uintmax_t)__LONG_LONG_MAX__ + 1, &neg, &over);
    return neg && !over ? (long long)(0 - v) : (long long)v;
}

intmax_t strtoimax(const char *s, char **end, int base)
{
    return strtoll(s, end, base);
}

/* Unsigned: a '-' negates the value modulo 2^N, as C says (an overflow still clamps to MAX). */
unsigned long strtoul(const char *s, char **end, int base)
{
    int neg, over;
    uintmax_t v = convert(s, end, base, (unsigned long)-1, (unsigned long)-1, &neg, &over);
    return neg && !over ? (unsigned long)(0 - v) : (unsigned long)v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    int neg, over;
    uintmax_t v = convert(s, end, base, UINTMAX_MAX, UINTMAX_MAX, &neg, &over);
    return neg && !over ? 0 - v : v;
}

uintmax_t strtoumax(const char *s, char **end, int base)
{
    return strtoull(s, end, base);
}

int atoi(const char *s)
{
    return (int)strtol(s, 0, 10);
}

long atol(const char *s)
{
    return strtol(s, 0, 10);
}

long long atoll(const char *s)
{
    return strtoll(s, 0, 10);
}
