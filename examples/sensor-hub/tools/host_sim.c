/* A host-side helper (cc tools/host_sim.c): prints sample sensor lines. Not firmware:
 * mote.build's exclude keeps it out of the device build. */
#include <stdio.h>

int main(void)
{
    for (int id = 1; id <= 3; id++)
        printf("id=%d value=%d\n", id, 20000 + id * 500);
    return 0;
}
