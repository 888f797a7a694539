/* bench/flash's link image: a greeting plus a pad of real machine code, so the recovery protocol's
 * compression sees what a firmware image gives it (bench/apps/pad's 0xa5 bytes would compress to
 * almost nothing and flatter it). bench/flash copies this directory and writes pad.inc beside
 * this file: the .text of an app it built for the same board, repeated to PAD_BYTES, as
 * comma-separated bytes. Build with -D PAD_BYTES=N. */
#include <mote.h>
#include <stdint.h>

#ifndef PAD_BYTES
#define PAD_BYTES 4096
#endif

static const uint8_t pad[PAD_BYTES] = {
#include "pad.inc"
};

int app_main(void)
{
    /* One byte per 4 KiB through a volatile stride, so the array is neither folded away nor
     * dropped by the linker. */
    volatile unsigned stride = 4096;
    unsigned sum = 0;
    for (unsigned i = 0; i < PAD_BYTES; i += stride)
        sum += pad[i];
    printf("Hello from the codepad app on %s: %u pad bytes, sum %u\n", mote_board_name(),
           (unsigned)PAD_BYTES, sum);
    return 0;
}
