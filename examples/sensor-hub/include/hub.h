/* The sensor hub's parts: parsing readings, keeping them sorted, reporting them. */
#ifndef HUB_H
#define HUB_H

#include <stddef.h>

struct reading {
    int sensor;    /* id */
    long value;    /* milli-degrees */
};

/* drivers/fake_sensor.c: the next line a sensor sends, or NULL when it has no more. */
const char *sensor_next_line(int sensor);

/* src/readings.c: parse "id=N value=V" into r; 0 on success, -1 if the line is not one. */
int reading_parse(const char *line, struct reading *r);
/* Sort by value, then find one by value (NULL if absent). */
void readings_sort(struct reading *r, size_t n);
const struct reading *readings_find(const struct reading *r, size_t n, long value);

/* src/report.c: a one-line report into buf; returns its length (snprintf's). */
int report_format(char *buf, size_t size, const struct reading *r, size_t n);

#endif
