/*
 * bench/shell's size app: the same few calls with or without the debug shell. Built with
 * -D SHELL it starts the console shell and logs a line (linking the shell, its commands, the
 * trace's dump, the log ring, crash records and the metrics line); without, it does neither.
 * The difference of the two images' loadable bytes is what the shell costs an app.
 */
#include <mote.h>

int app_main(void)
{
#ifdef SHELL
    mote_shell_start();
    mote_log(MOTE_LOG_WARN, "size app on %s", mote_board_name());
#else
    printf("size app on %s\n", mote_board_name());
#endif
    return 0;
}
