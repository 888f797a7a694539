/* bench/verify's padded app: a greeting plus PAD_BYTES of non-zero read-only data, so the signed
 * image's payload is about PAD_BYTES larger than hello's. Build with -D PAD_BYTES=N. */
#include <mote.h>
#include <stdint.h>

#ifndef PAD_BYTES
#define PAD_BYTES 4096
#endif

/* Non-zero, so it is file bytes in .rodata (in the payload), not .bss. */
static const uint8_t pad[PAD_BYTES] = { [0 ... PAD_BYTES - 1] = 0xa5 };

int app_main(void)
{
    /* Read one byte per 4 KiB through a volatile stride, so the array is neither folded away
     * nor dropped by the linker. */
    volatile unsigned stride = 4096;
    unsigned sum = 0;
    for (unsigned i = 0; i < PAD_BYTES; i += stride)
        sum += pad[i];
    printf("Hello from the pad app on %s: %u pad bytes, sum %u\n", mote_board_name(),
           (unsigned)PAD_BYTES, sum);
    return 0;
}
