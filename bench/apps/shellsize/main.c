/*
 * bench/shell's size app: the same few calls with or without the debug shell. Built with
 * -D SHELL it starts the console shell, logs a line and prints the metrics heartbeat's line
 * (linking the shell, its commands, the trace's dump, the log ring, crash records and the
 * metrics); without, it does neither. The difference of the two images' loadable bytes is what
 * the shell costs an app. With -D NET too it starts the network first, so the metrics line has
 * the network's counters, as a connected device's heartbeat does.
 */
#include <mote.h>
#include <mote/net.h>

int app_main(void)
{
#ifdef SHELL
#ifdef NET
    mote_net_start(20000);
#endif
    mote_shell_start();
    mote_log(MOTE_LOG_WARN, "size app on %s", mote_board_name());
    mote_sleep_ms(100);
    static char line[1024];
    mote_shell_run("metrics", line, sizeof line);
    printf("heartbeat: %s", line);
#else
    printf("size app on %s\n", mote_board_name());
#endif
    return 0;
}
