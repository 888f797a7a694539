/* The smallest Mote app: print a greeting and exit 0. */
#include <mote.h>

int app_main(void)
{
    printf("Hello from Mote on %s!\n", mote_board_name());
    return 0;
}
