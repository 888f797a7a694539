/*
 * Floating point in an app (FloatingPointTest boots this on both boards once apps are built
 * with the FP registers): printf's %f %e %g %a against glibc's output for the same values,
 * strtod, sscanf's %f, and newlib's libm. Prints "FAIL ..." per failed check, then a count;
 * the exit code is the number that failed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mote.h>

static int checks, failed;

#define CHECK(cond) \
    do { checks++; if (!(cond)) { failed++; printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

/* snprintf(fmt, v) must give want (glibc's text for the same call). */
static void fmt_is(const char *fmt, double v, const char *want)
{
    char got[64];
    snprintf(got, sizeof got, fmt, v);
    checks++;
    if (strcmp(got, want)) {
        failed++;
        printf("FAIL printf(\"%s\"): got \"%s\", want \"%s\"\n", fmt, got, want);
    }
}

/* |got - want| within `ulps` units in the last place of want. */
static int near(double got, double want, int ulps)
{
    if (got == want)
        return 1;
    double step = nextafter(want, INFINITY) - want;
    return fabs(got - want) <= ulps * step;
}

static void check_printf(void)
{
    fmt_is("%f", 3.14159265358979, "3.141593");
    fmt_is("%.2f", 2.675, "2.67");          /* 2.675 is 2.67499999... in binary */
    fmt_is("%.0f", 2.5, "2");               /* ties to even, as glibc */
    fmt_is("%e", 123456.789, "1.234568e+05");
    fmt_is("%g", 0.0001, "0.0001");
    fmt_is("%g", 1e-5, "1e-05");
    fmt_is("%.17g", 0.1, "0.10000000000000001");
    fmt_is("%a", 1.0, "0x1p+0");
    fmt_is("%A", -0.75, "-0X1.8P-1");
    fmt_is("%+08.2f", -1.5, "-0001.50");
    fmt_is("%-10.3e|", 1e100, "1.000e+100|");
    fmt_is("%#.0f", 3.0, "3.");
    fmt_is("%G", 1e-10, "1E-10");
    fmt_is("%f", INFINITY, "inf");
    fmt_is("%5.1F", -INFINITY, " -INF");
    fmt_is("%f", NAN, "nan");
    fmt_is("%.3f", 1.0 / 3, "0.333");
    fmt_is("%.30f", 1e-10, "0.000000000100000000000000003643");
    char buf[64];
    snprintf(buf, sizeof buf, "%d %.1f %s %Lg", 7, 0.25, "mixed", 2.5L);
    checks++;
    if (strcmp(buf, "7 0.2 mixed 2.5")) {
        failed++;
        printf("FAIL mixed: \"%s\"\n", buf);
    }
}

static void check_parsing(void)
{
    char *end;
    CHECK(strtod("  -12.5e-1xyz", &end) == -1.25 && !strcmp(end, "xyz"));
    CHECK(strtod("0x1.8p1", NULL) == 3.0 && strtod("0.1", NULL) == 0.1 && atof("1e23") == 1e23);
    CHECK(isinf(strtod("inf", NULL)) && isnan(strtod("nan", NULL)) && strtof("0.5", NULL) == 0.5f);
    errno = 0;
    CHECK(isinf(strtod("1e999", NULL)) && errno == ERANGE);
    char ld[16];   /* long double is only passed around: arm64 has no quad arithmetic routines */
    snprintf(ld, sizeof ld, "%Lg", strtold("2.5", NULL));
    CHECK(!strcmp(ld, "2.5"));
    double d = 0;
    float f = 0;
    CHECK(sscanf("t=21.75 g=-0.5", "t=%lf g=%f", &d, &f) == 2 && d == 21.75 && f == -0.5f);
}

static void check_math(void)
{
    CHECK(near(sin(M_PI / 6), 0.5, 2) && near(cos(M_PI / 3), 0.5, 2) && near(tan(M_PI / 4), 1.0, 2));
    CHECK(near(exp(1.0), M_E, 1) && near(log(M_E), 1.0, 1) && log10(1000.0) == 3.0 && log2(1024.0) == 10.0);
    CHECK(pow(2.0, 10.0) == 1024.0 && sqrt(2.0) * sqrt(2.0) != 0 && near(sqrt(2.0), M_SQRT2, 0));
    CHECK(near(atan2(1.0, 1.0), M_PI_4, 1) && near(asin(1.0), M_PI_2, 1) && near(acos(0.0), M_PI_2, 1));
    CHECK(floor(-2.5) == -3.0 && ceil(-2.5) == -2.0 && round(2.5) == 3.0 && trunc(-2.7) == -2.0);
    CHECK(fmod(10.0, 3.0) == 1.0 && fabs(-4.0) == 4.0 && hypot(3.0, 4.0) == 5.0 && cbrt(27.0) == 3.0);
    CHECK(lround(-2.5) == -3 && fmin(1.0, 2.0) == 1.0 && fmax(1.0, 2.0) == 2.0);
    int e;
    CHECK(frexp(8.0, &e) == 0.5 && e == 4 && ldexp(0.5, 4) == 8.0);
    double ip;
    CHECK(modf(3.25, &ip) == 0.25 && ip == 3.0);
    CHECK(near(sinf(0.5f), 0.47942553860420301, 1 << 30) && sqrtf(16.0f) == 4.0f && powf(2.0f, 3.0f) == 8.0f);
    errno = 0;
    CHECK(isnan(sqrt(-1.0)) && errno == EDOM);
    errno = 0;
    CHECK(isinf(exp(1000.0)) && errno == ERANGE);
}

/* A telemetry-style mean and deviation, computed across a context switch. */
static double mean_of(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) {
        s += v[i];
        if (i == n / 2)
            mote_sleep_ms(5);   /* another thread runs meanwhile */
    }
    return s / n;
}

int app_main(void)
{
    check_printf();
    check_parsing();
    check_math();
    static const double samples[] = { 21.5, 22.25, 20.75, 23.0 };
    double m = mean_of(samples, 4);
    CHECK(m == 21.875);
    printf("float: mean %.3f, sd %.4f\n", m, sqrt((21.5 * 21.5 + 22.25 * 22.25 + 20.75 * 20.75 + 23.0 * 23.0) / 4 - m * m));
    printf("float: %d checks, %d failed\n", checks, failed);
    return failed;
}
