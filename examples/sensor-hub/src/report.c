#include <stdio.h>
#include <string.h>
#include <hub.h>

int report_format(char *buf, size_t size, const struct reading *r, size_t n)
{
    int len = snprintf(buf, size, "{\"n\":%zu,\"readings\":[", n);
    for (size_t i = 0; i < n && len < (int)size; i++)
        len += snprintf(buf + len, size - (size_t)len, "%s{\"id\":%d,\"mC\":%ld}", i ? "," : "", r[i].sensor,
                        r[i].value);
    if (len < (int)size)
        len += snprintf(buf + len, size - (size_t)len, "]}");
    return len;
}
