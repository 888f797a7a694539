/* Runs every host test of the portable kernel logic: every test/<folder>/tests.def. */
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

/* With arguments, only the tests whose name contains one of them. */
static int wanted(const char *name, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strstr(name, argv[i]))
            return 1;
    return argc < 2;
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
