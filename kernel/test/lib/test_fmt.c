#include <stdarg.h>
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
