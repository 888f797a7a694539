/*
 * A tiny host test harness: CHECK records a failure with file:line and
 * carries on; main() in run.c runs every registered test and prints the
 * closing line "N passed, N failed".
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

extern int check_failures;

#define CHECK(cond) \
    do { if (!(cond)) { check_failures++; \
        fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_STR(got, want) \
    do { const char *g_ = (got), *w_ = (want); if (strcmp(g_, w_)) { check_failures++; \
        fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, g_, w_); } } while (0)

struct test_case {
    const char *name;
    void (*fn)(void);
};

#define TEST(name) static void name(void)

#endif
