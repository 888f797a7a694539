/*
 * Every integer function of the C library, called on the device (LibcTest boots this on both
 * boards): each check prints nothing when it passes and "FAIL file:line: what" when not; the
 * last line counts them and the exit code is the number that failed. json.c runs jsmn, a
 * third-party JSON parser compiled unchanged (LibcTest copies it from Debian's libjsmn-dev).
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <mote.h>

int json_check(void);

static int checks, failed;

#define CHECK(cond) \
    do { checks++; if (!(cond)) { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(got, want) \
    do { checks++; const char *g_ = (got), *w_ = (want); if (strcmp(g_, w_)) { failed++; \
        printf("FAIL %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, g_, w_); } } while (0)

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void check_stdio(void)
{
    char buf[96];
    snprintf(buf, sizeof buf, "%#x %s", 255, "name");
    CHECK_STR(buf, "0xff name");
    const char *unknown = "%q %s";   /* a variable: the compiler would refuse it as a literal */
    snprintf(buf, sizeof buf, unknown, "never read");
    CHECK_STR(buf, "%q %s");
    int n = 5;
    snprintf(buf, sizeof buf, "%d%n|%s", 1, &n, "after");
    CHECK_STR(buf, "1|after");
    CHECK(n == 5);
    snprintf(buf, sizeof buf, "[%-6s][%06.2d][%+hhd][%#o][%" PRIu64 "][%jd][%zx][%td]", "ab", 7, (signed char)300, 8,
             UINT64_MAX, (intmax_t)-9, (size_t)255, (ptrdiff_t)-3);
    CHECK_STR(buf, "[ab    ][    07][+44][010][18446744073709551615][-9][ff][-3]");
    CHECK(sprintf(buf, "%5.1s|%c", "xyz", 'q') == 7 && !strcmp(buf, "    x|q"));
    CHECK(fprintf(stderr, "libc: stderr is the console\n") == 28);
    CHECK(fputs("libc: fputs\n", stdout) >= 0 && fputc('\n', stdout) == '\n' && fflush(stdout) == 0);
    int a = 0, b = 0;
    char word[8] = "", rest[16] = "";
    unsigned u = 0;
    CHECK(sscanf("  42 -7 0x1f word tail", "%d %i %x %7s %15[a-z]", &a, &b, &u, word, rest) == 5);
    CHECK(a == 42 && b == -7 && u == 31 && !strcmp(word, "word") && !strcmp(rest, "tail"));
    CHECK(sscanf("", "%d", &a) == EOF);
}

static void check_stdlib(void)
{
    char *end;
    errno = 0;
    CHECK(strtol("  -123abc", &end, 10) == -123 && !strcmp(end, "abc"));
    CHECK(strtol("0x7fffffffffffffff", NULL, 16) == LONG_MAX && errno == 0);
    CHECK(strtol("99999999999999999999", NULL, 10) == LONG_MAX && errno == ERANGE);
    CHECK(strtoul("-1", NULL, 10) == ULONG_MAX);
    CHECK(strtoll("-9223372036854775808", NULL, 0) == LLONG_MIN);
    CHECK(strtoull("777", NULL, 8) == 511 && strtoimax("-z", NULL, 36) == -35 && strtoumax("101", NULL, 2) == 5);
    CHECK(atoi("12") + atol("-2") + atoll("10") == 20);
    CHECK(abs(-3) == 3 && labs(-4L) == 4 && llabs(-5LL) == 5 && imaxabs(-6) == 6);
    div_t d = div(7, 2);
    ldiv_t ld = ldiv(-7L, 2L);
    lldiv_t lld = lldiv(9LL, 4LL);
    imaxdiv_t id = imaxdiv(10, 3);
    CHECK(d.quot == 3 && d.rem == 1 && ld.quot == -3 && ld.rem == -1 && lld.quot == 2 && lld.rem == 1);
    CHECK(id.quot == 3 && id.rem == 1);
    int v[64];
    srand(12345);
    for (int i = 0; i < 64; i++)
        v[i] = rand() % 100;
    qsort(v, 64, sizeof v[0], cmp_int);
    bool sorted = true;
    for (int i = 1; i < 64; i++)
        sorted = sorted && v[i - 1] <= v[i];
    CHECK(sorted);
    int key = v[17];
    int *hit = bsearch(&key, v, 64, sizeof v[0], cmp_int);
    CHECK(hit && *hit == key);
    key = 1000;
    CHECK(bsearch(&key, v, 64, sizeof v[0], cmp_int) == NULL);
    CHECK(getenv("HOME") == NULL);
    char *p = malloc(16), *q = calloc(4, 4);
    CHECK(p && q && q[15] == 0);
    p = realloc(p, 64);
    CHECK(p != NULL);
    free(p);
    free(q);
}

/*
 * memcpy at every alignment of both ends, every length up to 80 and a few long ones: the bytes
 * copied right and nothing outside the destination touched (the kernel's memcpy copies two
 * words a step, joined with shifts when the ends are differently aligned).
 */
static void check_memcpy(void)
{
    static uint8_t src[4200], dst[4200];
    static const size_t longs[] = {127, 1460, 4096};
    int bad = 0;
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i * 131 + 7);
    for (size_t so = 0; so < 16; so++)
        for (size_t dof = 0; dof < 16; dof++)
            for (size_t k = 0; k < 83 && !bad; k++) {
                size_t n = k < 80 ? k : longs[k - 80];
                memset(dst, 0xee, n + 48);
                memcpy(dst + 16 + dof, src + so, n);
                for (size_t i = 0; i < n + 48; i++) {
                    int in = i >= 16 + dof && i < 16 + dof + n;
                    if (dst[i] != (in ? src[so + i - 16 - dof] : 0xee)) {
                        printf("FAIL memcpy: source +%zu, destination +%zu, %zu bytes: byte %zu\n", so,
                               dof, n, i);
                        bad = 1;
                        break;
                    }
                }
            }
    CHECK(!bad);
}

static void check_string(void)
{
    check_memcpy();
    const char *s = "key=value; other=thing";
    char buf[64];
    CHECK(memchr(s, '=', 22) == s + 3 && strchr(s, ';') == s + 9 && strrchr(s, '=') == s + 16);
    CHECK(strstr(s, "other") == s + 11 && strstr(s, "none") == NULL);
    CHECK(strspn(s, "keyv") == 3 && strcspn(s, "=;") == 3 && strpbrk(s, ";=") == s + 3);
    CHECK(strlen(s) == 22 && strnlen(s, 5) == 5 && strcmp("a", "b") < 0 && strncmp("abc", "abd", 2) == 0);
    CHECK(strcoll("b", "a") > 0 && strcasecmp("MoTe", "mote") == 0 && strncasecmp("ABc", "abD", 2) == 0);
    strcpy(buf, "abc");
    strcat(buf, "def");
    strncat(buf, "ghijk", 2);
    CHECK_STR(buf, "abcdefgh");
    strncpy(buf, "xy", 4);
    CHECK(buf[0] == 'x' && buf[2] == 0 && buf[3] == 0);
    memset(buf, 'z', 3);
    memmove(buf + 1, buf, 3);
    memcpy(buf + 4, "!", 2);
    CHECK(memcmp(buf, "zzzz!", 6) == 0);
    char *dup = strdup("copy"), *ndup = strndup("copy", 2);
    CHECK(dup && ndup && !strcmp(dup, "copy") && !strcmp(ndup, "co"));
    free(dup);
    free(ndup);
    char text[] = "a, b,,c", *save;
    CHECK_STR(strtok_r(text, ", ", &save), "a");
    CHECK_STR(strtok_r(NULL, ", ", &save), "b");
    CHECK_STR(strtok_r(NULL, ", ", &save), "c");
    CHECK(strtok_r(NULL, ", ", &save) == NULL);
    char text2[] = "1 2";
    CHECK_STR(strtok(text2, " "), "1");
    CHECK_STR(strtok(NULL, " "), "2");
    CHECK_STR(strerror(ERANGE), "Numerical result out of range");
}

static void check_ctype_and_more(void)
{
    CHECK(isalnum('a') && isalpha('Z') && isblank('\t') && iscntrl('\n') && isdigit('7') && isgraph('!'));
    CHECK(islower('q') && isprint(' ') && ispunct(';') && isspace('\v') && isupper('Q') && isxdigit('F'));
    CHECK(!isalpha('1') && !isdigit('x') && !isspace('_') && !isprint(0x80));
    CHECK(tolower('A') == 'a' && toupper('b') == 'B' && tolower('1') == '1');
    CHECK(setlocale(LC_ALL, "C") != NULL && setlocale(LC_ALL, "de_DE") == NULL);
    CHECK(!strcmp(localeconv()->decimal_point, "."));
    assert(checks > 0);
    CHECK(INT_MAX == 2147483647 && sizeof(long) == 8);
}

int app_main(void)
{
    check_stdio();
    check_stdlib();
    check_string();
    check_ctype_and_more();
    checks++;
    if (json_check()) {
        failed++;
        printf("FAIL json\n");
    }
    printf("libc: %d checks, %d failed\n", checks, failed);
    return failed;
}
