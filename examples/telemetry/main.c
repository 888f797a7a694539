/*
 * A sensor that reports over MQTT and updates itself over the air: it reads
 * a (simulated) temperature sensor and publishes a reading every second to
 * its own topic, mote/dev/ID/up/telemetry, on the device's connection to the
 * OTA server's broker, while the OTA agent takes updates in the background.
 * A new version runs on trial (TEST) after its update and confirms itself
 * only once its first reading reached the broker (a QoS 1 publish the broker
 * acknowledged): an image that cannot report is reverted by the bootloader.
 *
 *     mote ota provision sensor-1 --flash out/s1.flash -p qemu-virt-arm64   # identity + broker
 *     mote build examples/telemetry -p qemu-virt-arm64 --key keys/fleet.key --version 1.0.0 \
 *         -o out/telemetry.img
 *     mote flash out/telemetry.img --target out/s1.flash -p qemu-virt-arm64 --pub keys/fleet.pub
 *     mote run --flash out/s1.flash -p qemu-virt-arm64 --pub keys/fleet.pub --guestfwd 1883
 *
 * Build flags for the tests and benchmarks (mote build -D): TELEMETRY_CRASH=1 panics a TEST
 * boot before it confirms; TELEMETRY_PAD=N adds N bytes to the image; TELEMETRY_SHELL=1 adds
 * the shell commands `fault` (the sampling thread writes through a null pointer at its next
 * reading: a crash record) and `spam N` (N warnings in the log), and a heartbeat every 10 s.
 */
#include <mote.h>
#include <mote/ota.h>
#include <stdlib.h>

#define PERIOD_MS 1000
#define ACK_WAIT_MS 30000          /* the first reading's acknowledgement, before giving up */

/* The app's health check may take this long on a slow network before the kernel reverts it. */
const uint32_t mote_confirm_timeout_ms = 120000;

#ifdef TELEMETRY_PAD
/* Non-zero read-only bytes, so they are in the image (bench/agent sizes its images with them). */
static const uint8_t pad[TELEMETRY_PAD] = { [0 ... TELEMETRY_PAD - 1] = 0x5a };
#endif

/* The simulated sensor: hundredths of a degree, a slow swing plus a little noise. */
static int read_sensor(uint32_t n)
{
    static const int16_t swing[16] = { 0, 38, 71, 92, 100, 92, 71, 38, 0, -38, -71, -92, -100,
                                       -92, -71, -38 };
    return 2150 + swing[n % 16] + (int)(mote_random32() % 21) - 10;
}

#ifdef TELEMETRY_SHELL
static volatile int fault_asked;
static volatile int *volatile nowhere;      /* NULL, read at run time: the compiler cannot drop the store */

/* Where the `fault` command crashes: always the same backtrace, so the server groups the crashes. */
__attribute__((noinline)) static void sensor_store(volatile int *slot, int t)
{
    *slot = t;
}

static int cmd_fault(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fault_asked = 1;
    mote_shell_printf(sh, "telemetry: faulting at the next reading\n");
    return 0;
}

static int cmd_spam(struct mote_shell *sh, int argc, char **argv)
{
    int n = argc == 2 ? atoi(argv[1]) : 0;
    if (n <= 0 || n > 100000) {
        mote_shell_printf(sh, "usage: spam N\n");
        return 2;
    }
    for (int i = 0; i < n; i++)
        mote_log(MOTE_LOG_WARN, "telemetry: spam %d of %d", i + 1, n);
    mote_shell_printf(sh, "logged %d warnings\n", n);
    return 0;
}
#endif

/* Wait until the broker acknowledged everything queued (QoS 1): 0, or MOTE_ETIMEDOUT. */
static int acknowledged(struct mote_mqtt *m, uint32_t timeout_ms)
{
    struct mote_mqtt_status st;
    for (uint32_t waited = 0; waited < timeout_ms; waited += 50) {
        mote_mqtt_status(m, &st);
        if (st.state == MOTE_MQTT_CONNECTED && st.queued == 0)
            return 0;
        mote_sleep_ms(50);
    }
    return MOTE_ETIMEDOUT;
}

int app_main(void)
{
    struct mote_boot_status boot;
    char version[32] = "?", topic[96], line[96];
    if (mote_boot_status(&boot) == 0)
        snprintf(version, sizeof(version), "%u.%u.%u", (unsigned)boot.version[0],
                 (unsigned)boot.version[1], (unsigned)boot.version[2]);
    else
        boot.testing = false;
    printf("telemetry %s on %s%s\n", version, mote_board_name(), boot.testing ? " (TEST boot)" : "");
#ifdef TELEMETRY_PAD
    volatile unsigned last = sizeof(pad) - 1;   /* read through volatile: the array stays */
    printf("telemetry: %u pad bytes (last %u)\n", (unsigned)sizeof(pad), pad[last]);
#endif
#ifdef TELEMETRY_SHELL
    mote_shell_register("fault", "fault                the next reading writes through a null pointer", cmd_fault);
    mote_shell_register("spam", "spam N               log N warnings", cmd_spam);
    mote_metrics_every(10);
#endif
    if (mote_ota_start()) {
        printf("telemetry: no OTA (see above); sampling without reporting\n");
        for (uint32_t n = 0;; n++) {
            printf("telemetry: t=%d\n", read_sensor(n));
            mote_sleep_ms(10 * PERIOD_MS);
        }
    }
    struct mote_mqtt *m = mote_ota_mqtt();
    snprintf(topic, sizeof(topic), "mote/dev/%s/up/telemetry", mote_device_id());
    bool confirmed = !boot.testing;
    for (uint32_t n = 0;; n++) {
        int t = read_sensor(n);
#ifdef TELEMETRY_SHELL
        if (fault_asked)
            sensor_store(nowhere, t);
#endif
        int len = snprintf(line, sizeof(line), "t=%d.%02d seq=%u version=%s", t / 100, t % 100,
                           (unsigned)n, version);
        /* the first reading of a TEST boot at QoS 1: its acknowledgement is the health check */
        int err = mote_mqtt_publish(m, topic, line, (size_t)len, confirmed ? 0 : 1, false, 0);
        if (!confirmed && !err && acknowledged(m, ACK_WAIT_MS) == 0) {
#ifdef TELEMETRY_CRASH
            mote_panic("telemetry: TELEMETRY_CRASH: this build crashes before it confirms");
#endif
            confirmed = mote_confirm() == 0;
            printf("telemetry: first reading acknowledged: %s\n",
                   confirmed ? "confirmed this version" : "could not confirm");
        }
        if (n % 10 == 0)
            printf("telemetry: %s (%s)\n", line, err ? "not connected" : "sent");
        mote_sleep_ms(PERIOD_MS);
    }
}
