#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "check.h"

int k_snprintf(char *buf, size_t size, const char *fmt, ...);

static const char *fmt(const char *f, ...)
{
    static char buf[128];
    va_list ap;
    va_start(ap, f);
    int vsn(char *, size_t, const char *, va_list) __asm__("k_vsnprintf");
    vsn(buf, sizeof(buf), f, ap);
    va_end(ap);
    return buf;
}

void test_fmt_integers(void)
{
    CHECK_STR(fmt("%d %i %u", -42, 7, 4000000000u), "-42 7 4000000000");
    CHECK_STR(fmt("%x %X %o", 255, 255, 8), "ff FF 10");
    CHECK_STR(fmt("%ld %lu %lx", -1L, 18446744073709551615UL, 0xdeadbeefUL),
              "-1 18446744073709551615 deadbeef");
    CHECK_STR(fmt("%lld", (long long)INT64_MIN), "-9223372036854775808");
    CHECK_STR(fmt("%zu %hhd %hu", (size_t)12, 300, 70000), "12 44 4464");
    CHECK_STR(fmt("%p", (void *)0x1234), "0x1234");
    CHECK_STR(fmt("%+d % d", 5, 5), "+5  5");
}

void test_fmt_strings_and_padding(void)
{
    CHECK_STR(fmt("[%5d][%-5d][%05d]", 42, 42, -42), "[   42][42   ][-0042]");
    CHECK_STR(fmt("[%016lx]", 0x40080000UL), "[0000000040080000]");
    CHECK_STR(fmt("[%.3d][%8.3d]", 7, 7), "[007][     007]");
    CHECK_STR(fmt("[%s][%6s][%-6s][%.2s]", "ab", "ab", "ab", "abc"), "[ab][    ab][ab    ][ab]");
    CHECK_STR(fmt("[%*d][%-*d]", 4, 1, 3, 2), "[   1][2  ]");
    CHECK_STR(fmt("%s", (char *)0), "(null)");
    CHECK_STR(fmt("%c%c 100%%", 'o', 'k'), "ok 100%");
    CHECK_STR(fmt("%q"), "%q");
}

void test_fmt_truncation(void)
{
    char buf[8];
    int n = k_snprintf(buf, sizeof(buf), "%s", "hello world");
    CHECK(n == 11);
    CHECK_STR(buf, "hello w");
    n = k_snprintf(buf, 0, "%d", 12345);
    CHECK(n == 5);
    memset(buf, 'x', sizeof(buf));
    k_snprintf(buf, 1, "abc");
    CHECK(buf[0] == 0);
}

/* ---- against the host's C library: every flag, width, precision and length ---- */

/* The host's own snprintf (the suite is built with -Dsnprintf=k_snprintf). */
int host_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __asm__("vsnprintf");
int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

static int compared, mismatches;

/* Format with both and compare text and return value; reports the first few differences. */
static void same(const char *f, ...)
{
    char want[256], got[256];
    va_list a, b;
    va_start(a, f);
    va_copy(b, a);
    int wn = host_vsnprintf(want, sizeof(want), f, a);
    int gn = k_vsnprintf(got, sizeof(got), f, b);
    va_end(b);
    va_end(a);
    compared++;
    if (wn != gn || strcmp(want, got)) {
        if (++mismatches <= 20)
            fprintf(stderr, "fmt \"%s\": got \"%s\" (%d), host \"%s\" (%d)\n", f, got, gn, want, wn);
        check_failures++;
    }
}

static const char *const flag_sets[] = { "", "-", "0", "+", " ", "#", "-+", "0+", "0 ", "-#",
                                         "0#", "+#", "-0", " +", "-0+# " };
static const char *const widths[] = { "", "1", "5", "12", "*" };
static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".12", ".*" };

/* Build "%<flags><width><prec><len><conv>" into buf. */
static const char *spec(char *buf, const char *fl, const char *w, const char *p, const char *len,
                        char conv)
{
    snprintf(buf, 48, "[%%%s%s%s%s%c]", fl, w, p, len, conv);
    return buf;
}

void test_fmt_matches_host_integers(void)
{
    static const long long values[] = { 0, 1, -1, 7, 42, -42, 255, 4096, -100000, 2147483647,
                                        -2147483647 - 1, 4294967295LL, 9223372036854775807LL,
                                        -9223372036854775807LL - 1 };
    static const char *const lens[] = { "", "hh", "h", "l", "ll", "j", "z", "t" };
    static const char convs[] = "diouxX";
    char f[48];
    compared = mismatches = 0;
    for (size_t c = 0; c < sizeof(convs) - 1; c++)
    for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
    for (size_t fl = 0; fl < sizeof(flag_sets) / sizeof(flag_sets[0]); fl++)
    for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
    for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
        spec(f, flag_sets[fl], widths[w], precs[p], lens[l], convs[c]);
        long long x = values[v];
        int star_w = 9 - (int)v, star_p = (int)v - 3;   /* negative ones too */
        int is_long = l >= 3;
        if (strchr(widths[w], '*') && strchr(precs[p], '*')) {
            if (is_long) same(f, star_w, star_p, x); else same(f, star_w, star_p, (int)x);
        } else if (strchr(widths[w], '*')) {
            if (is_long) same(f, star_w, x); else same(f, star_w, (int)x);
        } else if (strchr(precs[p], '*')) {
            if (is_long) same(f, star_p, x); else same(f, star_p, (int)x);
        } else {
            if (is_long) same(f, x); else same(f, (int)x);
        }
    }
    CHECK(compared > 60000);
    CHECK(mismatches == 0);
}

void test_fmt_matches_host_chars_strings_pointers(void)
{
    static const char *const strs[] = { "", "a", "hello", "a longer string of text" };
    static const char safe_flags[][3] = { "", "-" };
    char f[48];
    compared = mismatches = 0;
    for (size_t fl = 0; fl < 2; fl++)
    for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
        for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
        for (size_t s = 0; s < sizeof(strs) / sizeof(strs[0]); s++) {
            spec(f, safe_flags[fl], widths[w], precs[p], "", 's');
            if (strchr(widths[w], '*') && strchr(precs[p], '*')) same(f, -7 + (int)s * 4, (int)s * 2 - 1, strs[s]);
            else if (strchr(widths[w], '*')) same(f, (int)s * 3 - 5, strs[s]);
            else if (strchr(precs[p], '*')) same(f, (int)s - 1, strs[s]);
            else same(f, strs[s]);
        }
        spec(f, safe_flags[fl], widths[w], "", "", 'c');
        if (strchr(widths[w], '*')) same(f, -4, 'x'); else same(f, 'x');
        spec(f, safe_flags[fl], widths[w], "", "l", 'c');
        if (strchr(widths[w], '*')) same(f, 6, 'y'); else same(f, 'y');
        spec(f, safe_flags[fl], widths[w], "", "", 'p');
        if (strchr(widths[w], '*')) same(f, 20, (void *)0x1234); else same(f, (void *)0xdeadbeefUL);
    }
    same("%%|%5%|%-5%|%c|%s%s", 'a', "b", "c");
    same("%% %d %%", 3);
    same("no directives at all");
    same("");
    CHECK(mismatches == 0);
}

/* An unsupported directive reads nothing, and nothing after it is read either. */
void test_fmt_never_desynchronises(void)
{
    CHECK_STR(fmt("%#x %s", 255, "name"), "0xff name");
    CHECK_STR(fmt("%#o %#X %#x", 8, 255, 0), "010 0XFF 0");
    CHECK_STR(fmt("%q %s %d", "not read", 5), "%q %s %d");
    CHECK_STR(fmt("a %d %w %s", 1, "x"), "a 1 %w %s");
    CHECK_STR(fmt("%ls %s", (void *)0, "x"), "%ls %s");
    CHECK_STR(fmt("100%"), "100%");
    CHECK_STR(fmt("%-"), "%-");
    CHECK_STR(fmt("%5.2"), "%5.2");
    CHECK_STR(fmt("%lld %llu %jd %zd %td", -5LL, 5ULL, (intmax_t)-6, (ptrdiff_t)-7,
                  (ptrdiff_t)8), "-5 5 -6 -7 8");
    CHECK_STR(fmt("%Lu %hhu %hhx", 123ULL, 511, 0x1ff), "123 255 ff");
}

/* %n is refused: its pointer is consumed (so later arguments stay right) and never written. */
void test_fmt_refuses_percent_n(void)
{
    int n = 77;
    signed char hn = 5;
    long long lln = 9;
    CHECK_STR(fmt("ab%n|%s|%hhn%lln%d", &n, "x", &hn, &lln, 3), "ab|x|3");
    CHECK(n == 77 && hn == 5 && lln == 9);
}
