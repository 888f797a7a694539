/* printf's %f %e %g %a (libc/fp/fmt_float.c), strtod and sscanf, against the host's C library. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "mote_libc.h"

int host_snprintf(char *buf, size_t size, const char *fmt, ...) __asm__("snprintf");

static int mismatches;

static void same_double(const char *f, double v)
{
    char want[1600], got[1600];
    int wn = host_snprintf(want, sizeof(want), f, v);
    int gn = k_snprintf(got, sizeof(got), f, v);
    if (wn != gn || strcmp(want, got)) {
        if (++mismatches <= 20)
            fprintf(stderr, "fmt \"%s\" %a: got \"%s\" (%d), host \"%s\" (%d)\n", f, v, got, gn, want, wn);
        check_failures++;
    }
}

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static double random_double(void)
{
    uint64_t bits = next();
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

void test_libc_printf_floats_match_host(void)
{
    static const double values[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.5, 2.5, 2.675, 1e-5, 1e-4, 123456.0,
        1234567.0, 0.000123456, 3.14159265358979, 2.718281828459045, 1e21, 1e22, 1e23, 9.999999, 99.5, 0.05,
        1.0 / 3, 2.0 / 3, 1e100, 1e-100, 1.7976931348623157e308, 2.2250738585072014e-308, 4.9e-324,
        5e-324 * 3, 123.456e-300, 0.9999999999999999, 1e15, 1e16, 1e17, 255.0, 65535.996, 0.000001,
        INFINITY, -INFINITY, NAN };
    static const char *const fmts[] = { "%f", "%e", "%g", "%a", "%F", "%E", "%G", "%A", "%.0f", "%.1f", "%.2f",
        "%.3f", "%.10f", "%.17f", "%.30f", "%.0e", "%.1e", "%.3e", "%.16e", "%.20e", "%.0g", "%.1g", "%.3g",
        "%.10g", "%.17g", "%.25g", "%#g", "%#.0f", "%#.0e", "%#.3g", "%#x", "%+f", "% e", "%+g", "%12.3f",
        "%-12.3f|", "%012.3f", "%+012.3e", "%-+15g|", "%020g", "% 010.2f", "%.0a", "%.1a", "%.3a", "%.20a",
        "%#.0a", "%015a", "%-15a|", "%8.3A", "%.320f", "%.800e", "%10f", "%-10e|", "%010f" };
    mismatches = 0;
    for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
        if (!strcmp(fmts[f], "%#x"))
            continue;
        for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
            same_double(fmts[f], values[v]);
            same_double(fmts[f], -values[v]);
        }
    }
    for (int i = 0; i < 20000; i++) {
        double d = random_double();
        same_double(fmts[i % 8], d);
        same_double("%.17g", d);
        same_double("%.12e", d * 1e-300 * (double)(i & 7));
    }
    long double ld = 1.5L;
    char got[64], want[64];
    k_snprintf(got, sizeof(got), "%Lf %Le %Lg %s", ld, -ld * 1e100L, 1e-3L, "ok");
    host_snprintf(want, sizeof(want), "%Lf %Le %Lg %s", ld, -ld * 1e100L, 1e-3L, "ok");
    CHECK_STR(got, want);
    k_snprintf(got, sizeof(got), "%.3f|%d|%s|%g", 2.5, 7, "str", 0.1);
    CHECK_STR(got, "2.500|7|str|0.1");
    CHECK(mismatches == 0);
}

static void same_strtod(const char *in)
{
    char *e1, *e2;
    errno = 0, mote_errno = 0;
    double a = mote_strtod(in, &e1), b = strtod(in, &e2);
    int ok = (memcmp(&a, &b, 8) == 0 || (isnan(a) && isnan(b))) && e1 == e2 && (errno == ERANGE) == (mote_errno == ERANGE);
    if (!ok && ++mismatches <= 20)
        fprintf(stderr, "strtod(\"%s\"): got %a (end +%d, errno %d), host %a (end +%d, errno %d)\n", in, a,
                (int)(e1 - in), mote_errno, b, (int)(e2 - in), errno);
    if (!ok)
        check_failures++;
}

void test_libc_strtod_matches_host(void)
{
    static const char *const inputs[] = { "0", "-0", "1", "1.", ".5", "-.5e1", "3.14159", "  +2.5e-3xyz", "1e308",
        "1.7976931348623157e308", "1.7976931348623159e308", "2e308", "1e-308", "2.2250738585072011e-308",
        "4.9e-324", "2.4703282292062328e-324", "2.4703282292062327e-324", "1e-400", "123456789012345678901234567890",
        "0.000000000000000000000000000000001234567890123456789", "1e", "1e+", "1e+x", "e5", ".", "-", "+.e1",
        "inf", "-INF", "infinity", "InFiNiTyX", "nan", "NaN(123)", "nan(", "0x1p0", "0x1.8p1", "-0X.8P-1",
        "0x1.fffffffffffffp1023", "0x1p1024", "0x1p-1074", "0x1p-1075", "0x", "0xg", "0x.p1", "9007199254740993",
        "0.1", "0.2", "0.3", "1e23", "8.98846567431158e307", "3.0e-5", "100000000000000000000000",
        "0.1000000000000000055511151231257827021181583404541015625", "1.00000000000000011102230246251565404236316680908203125" };
    mismatches = 0;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
        same_strtod(inputs[i]);
    char buf[64];
    int differ = 0;
    for (int i = 0; i < 20000; i++) {
        double d = random_double();
        if (isnan(d))
            continue;
        host_snprintf(buf, sizeof(buf), i & 1 ? "%.17g" : "%.15e", d);
        double a = mote_strtod(buf, NULL), b = strtod(buf, NULL);
        if (memcmp(&a, &b, 8) && ++differ <= 5)
            fprintf(stderr, "strtod(\"%s\"): %a, host %a\n", buf, a, b);
    }
    CHECK(differ == 0);   /* correctly rounded, as glibc */
    /* the hard ones: exactly halfway between two doubles (x87's long double holds the
       midpoint exactly), and a hair above it */
    static char mid[1200];
    for (int i = 0; i < 3000; i++) {
        double d = ldexp(1.0 + (double)(next() >> 12) / 4503599627370496.0, (int)(next() % 200) - 100);
        long double m = ((long double)d + (long double)nextafter(d, INFINITY)) / 2;
        int n = host_snprintf(mid, sizeof(mid) - 8, "%.1000Lf", m);
        while (n > 0 && mid[n - 1] == '0')
            mid[--n] = 0;
        same_strtod(mid);
        strcpy(mid + n, "0001");
        same_strtod(mid);
    }
    CHECK(mismatches == 0);
    CHECK(mote_atof("2.5") == 2.5 && mote_strtof("0.1", NULL) == 0.1f);
    /* long double from the bits (no soft-float routines on the device) */
    static const char *const lds[] = { "0.1", "-2.5e300", "4.9e-324", "1e-310", "-0", "inf", "-inf", "65504" };
    for (size_t i = 0; i < sizeof(lds) / sizeof(lds[0]); i++)
        CHECK(mote_strtold(lds[i], NULL) == (long double)strtod(lds[i], NULL));
    CHECK(isnan(mote_strtold("nan", NULL)));
    long double ld = 0;
    CHECK(mote_sscanf("1.25", "%Lf", &ld) == 1 && ld == 1.25L);
}

void test_libc_sscanf(void)
{
    int a = 0, b = 0, n = 0;
    unsigned u = 0;
    long l = 0;
    long long ll = 0;
    short h = 0;
    signed char hh = 0;
    char s[16] = "", c[3] = "", set[16] = "";
    double d = 0;
    float f = 0;
    void *p = NULL;
    CHECK(mote_sscanf("12 -34", "%d %d", &a, &b) == 2 && a == 12 && b == -34);
    CHECK(mote_sscanf("0x1f 017 99", "%i %i %i", &a, &b, &n) == 3 && a == 31 && b == 15 && n == 99);
    CHECK(mote_sscanf("ff 17 4294967295", "%x %o %u", &a, &b, &u) == 3 && a == 255 && b == 15 && u == 4294967295u);
    CHECK(mote_sscanf("-9000000000 123456789012", "%lld %ld", &ll, &l) == 2 && ll == -9000000000LL && l == 123456789012L);
    CHECK(mote_sscanf("70000 300", "%hd %hhd", &h, &hh) == 2 && h == 4464 && hh == 44);
    CHECK(mote_sscanf("  name=value;", " %15[^=]=%15[^;]", s, set) == 2 && !strcmp(s, "name") && !strcmp(set, "value"));
    CHECK(mote_sscanf("abcdef", "%3s%2c", s, c) == 2 && !strcmp(s, "abc") && c[0] == 'd' && c[1] == 'e');
    CHECK(mote_sscanf("12345", "%2d%n%d", &a, &n, &b) == 2 && a == 12 && n == 2 && b == 345);
    CHECK(mote_sscanf("7 skip 8", "%d %*s %d", &a, &b) == 2 && a == 7 && b == 8);
    CHECK(mote_sscanf("100%", "%d%%", &a) == 1 && a == 100);
    CHECK(mote_sscanf("x=1", "y=%d", &a) == 0);
    CHECK(mote_sscanf("", "%d", &a) == -1 && mote_sscanf("   ", "%d", &a) == -1);
    CHECK(mote_sscanf("5 abc", "%d %d", &a, &b) == 1 && a == 5);
    CHECK(mote_sscanf("3.25 -1e3 0x1p-2", "%lf %f %la", &d, &f, &d) == 3 && f == -1000.0f && d == 0.25);
    CHECK(mote_sscanf("2.5e", "%lf", &d) == 1 && d == 2.5);
    CHECK(mote_sscanf("0x1234", "%p", &p) == 1 && p == (void *)0x1234);
    CHECK(mote_sscanf("1 2", "%d %q %d", &a, &b, &n) == 1);   /* unknown: stops, reads nothing more */
    CHECK(mote_sscanf("[ab]", "[%[ab]]", s) == 1 && !strcmp(s, "ab"));
    CHECK(mote_sscanf("]x", "%[]]", s) == 1 && !strcmp(s, "]"));
}
