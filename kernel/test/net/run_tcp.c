/*
 * Runs the TCP host tests (tcp_tests.def; optional argument: run only the
 * tests whose name contains it). kernel/test/net/README.md has the command
 * that builds it (sources: this folder, kernel/net/tcp*.c, inet.c, sha256.c).
 * TCP_FUZZ_ITERS=N sets the fuzz test's segment count.
 */
#include <string.h>
#include "check.h"

int check_failures;

#define X(name) void name(void);
#include "tcp_tests.def"
#undef X

static const struct test_case tests[] = {
#define X(name) { #name, name },
#include "tcp_tests.def"
#undef X
};

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1]))
            continue;
        int before = check_failures;
        tests[i].fn();
        if (check_failures == before) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL %s\n", tests[i].name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
