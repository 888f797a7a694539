/*
 * sensor-hub: an app laid out as real firmware is, in folders (src/, drivers/, include/,
 * tools/), built by its mote.build, and written against the C library (sscanf, strtol,
 * qsort, bsearch, snprintf, strlen). docs/device-api.md, "Building an app".
 */
#include <mote.h>
#include <string.h>
#include <hub.h>

int app_main(void)
{
    struct reading r[HUB_MAX_READINGS];
    size_t n = 0;
    int rejected = 0;
    for (int sensor = 1; sensor <= 3; sensor++) {
        const char *line;
        while ((line = sensor_next_line(sensor)) && n < HUB_MAX_READINGS) {
            if (reading_parse(line, &r[n]) == 0)
                n++;
            else
                rejected++;
        }
    }
    readings_sort(r, n);
    printf("sensor-hub: %zu readings, %d rejected, lowest %ld, highest %ld\n", n, rejected, r[0].value,
           r[n - 1].value);
    const struct reading *hit = readings_find(r, n, 500);
    printf("sensor-hub: 500 mC came from sensor %d\n", hit ? hit->sensor : -1);
    char report[160];
    int len = report_format(report, sizeof(report), r, n);
    printf("sensor-hub: report (%d bytes, strlen %zu): %s\n", len, strlen(report), report);
    return 0;
}
