/*
 * The app the shell tests drive through the console (ShellTest). It starts
 * the debug shell, adds commands of its own and runs threads for `ps` to
 * show:
 *   worker  (priority 5) busy for ~20 ms in every 100 ms, until `boom`
 *           makes it write through a null pointer (a crash record);
 *   sleeper (priority 3) asleep.
 * Its commands: `hello [NAME]`, `boom`, `quit [CODE]` (powers off with CODE).
 * Built with -DNET_PORT=N it also connects to the host (MOTE_NET_HOST:N, the
 * test's listener through --guestfwd) and keeps the connection open, so
 * `netstat` shows it ESTABLISHED. With -DSHORT_CONFIRM the kernel's TEST
 * watchdog gives a TEST boot 3 s to confirm, which this app never does.
 */
#include <mote.h>
#include <mote/net.h>

#ifdef SHORT_CONFIRM
const uint32_t mote_confirm_timeout_ms = 3000;
#endif

static volatile int boom;

struct sensor {
    int id, value;
};

/* Not static and not inlined: the crash record's backtrace names them. */
__attribute__((noinline)) void sensor_store(struct sensor *s, int v)
{
    s->value = v;
}

__attribute__((noinline)) void sensor_poll(struct sensor *s)
{
    sensor_store(boom ? (struct sensor *)0 : s, 42);
}

static void worker(void *arg)
{
    (void)arg;
    struct sensor s = { 1, 0 };
    for (unsigned n = 0;; n++) {
        uint64_t until = mote_uptime_ms() + 20;
        while (mote_uptime_ms() < until)
            ;
        sensor_poll(&s);
        if (n % 50 == 0)
            mote_log(MOTE_LOG_INFO, "worker pass %u", n);
        mote_sleep_ms(80);
    }
}

static void sleeper(void *arg)
{
    (void)arg;
    for (;;)
        mote_sleep_ms(1000);
}

static int cmd_hello(struct mote_shell *sh, int argc, char **argv)
{
    mote_shell_printf(sh, "hello, %s\n", argc > 1 ? argv[1] : "world");
    return 0;
}

static int cmd_boom(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    mote_log(MOTE_LOG_ERROR, "boom requested");
    mote_shell_printf(sh, "the worker crashes at its next pass\n");
    boom = 1;
    return 0;
}

static int cmd_quit(struct mote_shell *sh, int argc, char **argv)
{
    (void)sh;
    mote_exit(argc > 1 ? argv[1][0] - '0' : 0);
}

int app_main(void)
{
    mote_shell_register("hello", "hello [NAME]         say hello", cmd_hello);
    mote_shell_register("boom", "boom                 crash the worker thread", cmd_boom);
    mote_shell_register("quit", "quit [CODE]          power off", cmd_quit);
    mote_log_console(MOTE_LOG_WARN);    /* the worker's INFO records only in the ring */
    mote_log(MOTE_LOG_WARN, "shell test app starting");
    mote_thread_create("worker", worker, 0, 5, 0);
    mote_thread_create("sleeper", sleeper, 0, 3, 4096);
#ifdef NET_PORT
    struct mote_tcp *c;
    int err = mote_net_start(20000);
    if (!err)
        err = mote_tcp_connect(MOTE_NET_HOST, NET_PORT, 10000, &c);
    if (!err)
        err = mote_tcp_send_all(c, "hi\n", 3, 5000) == 3 ? 0 : MOTE_EIO;
    printf("shell app: connected to the host: %d\n", err);
#endif
    if (mote_shell_start())
        return 1;
    for (;;)
        mote_sleep_ms(1000);
}
