/*
 * Runs the MQTT host tests (tests.def in this folder): the codec, the
 * session in virtual time and the fuzzers. Build and run (from the
 * repository root):
 *
 *   mkdir -p build/host-test
 *   cc -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
 *      -fno-sanitize-recover=undefined -Ikernel/include -Ikernel/mqtt -Ikernel/test \
 *      kernel/test/mqtt/run_mqtt.c kernel/test/mqtt/mqtt_fake.c kernel/test/mqtt/test_mqtt_*.c \
 *      kernel/mqtt/mqtt_codec.c kernel/mqtt/mqtt_client.c -o build/host-test/mqtt-tests
 *   build/host-test/mqtt-tests            # MQTT_FUZZ_ITERS=200000 for a longer fuzz
 *
 * An argument runs only the tests whose name contains it.
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
