/* Stands in for a sensor bus: each sensor sends a few lines of text, as a UART sensor would. */
#include <hub.h>

static const char *const lines[][3] = {
    { "id=1 value=21500", "id=1 value=-4250", 0 },
    { "id=2 value=19000", "garbage", 0 },
    { "id=3 value=0x1f4", "id=3 value=23125", 0 },
};
static int sent[3];

const char *sensor_next_line(int sensor)
{
    if (sensor < 1 || sensor > 3)
        return 0;
    const char *line = lines[sensor - 1][sent[sensor - 1]];
    if (line)
        sent[sensor - 1]++;
    return line;
}
