/*
 * Runs the host tests of the network stack (kernel/net): every test in
 * ip_tests.def, or only those whose names contain an argument. From the
 * repository root:
 *
 *   mkdir -p build && cc -std=c11 -g -O1 -Wall -Wextra -Werror \
 *     -fsanitize=address,undefined -fno-sanitize-recover=undefined \
 *     -Ikernel/net -Ikernel/include -Ikernel/test \
 *     kernel/net/[a-z]*.c kernel/test/net/[a-z]*.c -o build/net-tests && build/net-tests
 *
 *   build/net-tests dhcp dns                              (only those tests)
 *   NET_FUZZ_FRAMES=10000000 build/net-tests test_fuzz    (the long fuzz run)
 */
#include "check.h"

int check_failures;

#define X(name) void name(void);
#include "ip_tests.def"
#undef X

static const struct test_case tests[] = {
#define X(name) { #name, name },
#include "ip_tests.def"
#undef X
};

static int wanted(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strstr(name, argv[i]))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (!wanted(tests[i].name, argc, argv))
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
