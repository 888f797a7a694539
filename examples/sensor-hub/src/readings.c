#include <stdio.h>
#include <stdlib.h>
#include <hub.h>

int reading_parse(const char *line, struct reading *r)
{
    char value[24];
    if (sscanf(line, "id=%d value=%23s", &r->sensor, value) != 2)
        return -1;
    char *end;
    r->value = strtol(value, &end, 0);   /* decimal or 0x... */
    return *end ? -1 : 0;
}

static int by_value(const void *a, const void *b)
{
    long x = ((const struct reading *)a)->value, y = ((const struct reading *)b)->value;
    return (x > y) - (x < y);
}

void readings_sort(struct reading *r, size_t n)
{
    qsort(r, n, sizeof(*r), by_value);
}

const struct reading *readings_find(const struct reading *r, size_t n, long value)
{
    struct reading key = { 0, value };
    return bsearch(&key, r, n, sizeof(*r), by_value);
}
