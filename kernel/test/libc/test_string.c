/* libc/string.c, ctype.c, stdlib.c, qsort.c against the host's C library. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "check.h"
#include "mote_libc.h"

void test_libc_ctype_matches_host(void)
{
    for (int c = -1; c < 256; c++) {
        CHECK(!mote_isalnum(c) == !isalnum(c));
        CHECK(!mote_isalpha(c) == !isalpha(c));
        CHECK(!mote_isblank(c) == !isblank(c));
        CHECK(!mote_iscntrl(c) == !iscntrl(c));
        CHECK(!mote_isdigit(c) == !isdigit(c));
        CHECK(!mote_isgraph(c) == !isgraph(c));
        CHECK(!mote_islower(c) == !islower(c));
        CHECK(!mote_isprint(c) == !isprint(c));
        CHECK(!mote_ispunct(c) == !ispunct(c));
        CHECK(!mote_isspace(c) == !isspace(c));
        CHECK(!mote_isupper(c) == !isupper(c));
        CHECK(!mote_isxdigit(c) == !isxdigit(c));
        CHECK(mote_tolower(c) == tolower(c));
        CHECK(mote_toupper(c) == toupper(c));
    }
}

void test_libc_strings(void)
{
    const char *s = "hello, world; hello";
    CHECK(mote_memchr(s, 'w', 19) == s + 7 && mote_memchr(s, 'z', 19) == NULL && mote_memchr(s, 'h', 0) == NULL);
    CHECK(mote_strnlen(s, 5) == 5 && mote_strnlen("ab", 9) == 2);
    CHECK(mote_strrchr(s, 'h') == s + 14 && mote_strrchr(s, 0) == s + 19 && mote_strrchr(s, 'z') == NULL);
    CHECK(mote_strstr(s, "hello") == s && mote_strstr(s, "world") == s + 7 && mote_strstr(s, "") == s);
    CHECK(mote_strstr(s, "worlds") == NULL && mote_strstr("aaab", "aab") != NULL);
    CHECK(mote_strspn(s, "hel") == 4 && mote_strcspn(s, ",;") == 5 && mote_strcspn(s, "") == 19);
    CHECK(mote_strpbrk(s, ";,") == s + 5 && mote_strpbrk(s, "xyz") == NULL);
    char buf[32] = "ab";
    CHECK(mote_strcat(buf, "cd") == buf && !strcmp(buf, "abcd"));
    CHECK(mote_strncat(buf, "efgh", 2) == buf && !strcmp(buf, "abcdef"));
    CHECK(mote_strncat(buf, "x", 9) == buf && !strcmp(buf, "abcdefx"));
    CHECK(mote_strcpy(buf, "new") == buf && !strcmp(buf, "new"));
    CHECK(mote_strcoll("a", "b") < 0 && mote_strcasecmp("HeLLo", "hello") == 0);
    CHECK(mote_strcasecmp("abc", "ABD") < 0 && mote_strncasecmp("abcX", "ABCy", 3) == 0);
    char *d = mote_strdup("copy");
    CHECK(d && !strcmp(d, "copy"));
    free(d);
    d = mote_strndup("copy", 2);
    CHECK(d && !strcmp(d, "co"));
    free(d);
    char text[] = " a,b,,c ";
    char *save, *t1 = mote_strtok_r(text, " ,", &save), *t2 = mote_strtok_r(NULL, " ,", &save);
    char *t3 = mote_strtok_r(NULL, " ,", &save), *t4 = mote_strtok_r(NULL, " ,", &save);
    CHECK(t1 && t2 && t3 && !strcmp(t1, "a") && !strcmp(t2, "b") && !strcmp(t3, "c") && t4 == NULL);
    char text2[] = "x y";
    CHECK(!strcmp(mote_strtok(text2, " "), "x") && !strcmp(mote_strtok(NULL, " "), "y") && !mote_strtok(NULL, " "));
    CHECK(!strcmp(mote_strerror(34), "Numerical result out of range") && !strcmp(mote_strerror(9999), "Unknown error"));
    CHECK(mote_abs(-5) == 5 && mote_labs(-6L) == 6 && mote_llabs(-7LL) == 7);
}

/* strtol and family: every base and sign, overflow, and where *end lands, as the host does. */
void test_libc_strtol_matches_host(void)
{
    static const char *const inputs[] = { "0", "42", "-42", "+42", "  \t\n 17xyz", "0x1F", "0X1f", "-0x10",
        "0x", "0xg", "017", "08", "z", "Zz", "", "-", "+", " ", "2147483647", "2147483648", "-2147483648",
        "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "18446744073709551615", "18446744073709551616", "-1",
        "-18446744073709551615", "99999999999999999999999", "1010", "777", "ffff", "  -0", "0b101" };
    static const int bases[] = { 0, 2, 8, 10, 16, 36 };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        const char *in = inputs[i];
        int base = bases[b];
        char *e1, *e2;
        errno = 0, mote_errno = 0;
        long v1 = mote_strtol(in, &e1, base), v2 = strtol(in, &e2, base);
        CHECK(v1 == v2 && e1 == e2 && mote_errno == errno);
        errno = 0, mote_errno = 0;
        unsigned long u1 = mote_strtoul(in, &e1, base), u2 = strtoul(in, &e2, base);
        CHECK(u1 == u2 && e1 == e2 && mote_errno == errno);
        errno = 0, mote_errno = 0;
        long long l1 = mote_strtoll(in, &e1, base), l2 = strtoll(in, &e2, base);
        CHECK(l1 == l2 && e1 == e2 && mote_errno == errno);
        errno = 0, mote_errno = 0;
        unsigned long long q1 = mote_strtoull(in, &e1, base), q2 = strtoull(in, &e2, base);
        CHECK(q1 == q2 && e1 == e2 && mote_errno == errno);
        if (v1 != v2 || u1 != u2 || e1 != e2)
            fprintf(stderr, "  strtol(\"%s\", %d)\n", in, base);
        if (base == 10) {
            CHECK(mote_atoi(in) == atoi(in) || v2 > 2147483647L || v2 < -2147483647L - 1);
            CHECK(mote_atol(in) == atol(in) && mote_atoll(in) == atoll(in));
        }
    }
    CHECK(mote_strtoimax("-12", NULL, 10) == -12 && mote_strtoumax("12", NULL, 10) == 12);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

struct rec {
    char name[5];
    unsigned char pad[3];
    int key;
};

static int cmp_rec(const void *a, const void *b)
{
    return cmp_int(&((const struct rec *)a)->key, &((const struct rec *)b)->key);
}

void test_libc_qsort_and_bsearch(void)
{
    int a[1000], b[1000];
    mote_srand(7);
    for (int n = 0; n <= 1000; n = n ? n * 3 + 1 : 1) {
        for (int i = 0; i < n; i++)
            a[i] = b[i] = mote_rand() % (n / 2 + 1);   /* many duplicates */
        mote_qsort(a, (size_t)n, sizeof(int), cmp_int);
        qsort(b, (size_t)n, sizeof(int), cmp_int);
        CHECK(n == 0 || !memcmp(a, b, (size_t)n * sizeof(int)));
        for (int i = 0; i < n; i++) {
            int *hit = mote_bsearch(&a[i], a, (size_t)n, sizeof(int), cmp_int);
            CHECK(hit && *hit == a[i]);
        }
        int missing = -1;
        CHECK(mote_bsearch(&missing, a, (size_t)n, sizeof(int), cmp_int) == NULL);
    }
    struct rec r[5] = { { "e", {0}, 5 }, { "b", {0}, 2 }, { "d", {0}, 4 }, { "a", {0}, 1 }, { "c", {0}, 3 } };
    mote_qsort(r, 5, sizeof(r[0]), cmp_rec);
    CHECK(!strcmp(r[0].name, "a") && !strcmp(r[4].name, "e") && r[2].key == 3);
    int x = mote_rand();
    CHECK(x >= 0 && mote_rand() != x);
}
