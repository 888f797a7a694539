/*
 * Runs every host test of the OTA agent (kernel/ota/): the tests listed in
 * tests.def beside this file. Closing line "N passed, N failed".
 */
#include "check.h"

int check_failures;

#define X(name) void name(void);
#include "tests.def"
#undef X

static const struct test_case tests[] = {
#define X(name) { #name, name },
#include "tests.def"
#undef X
};

int main(void)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
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
