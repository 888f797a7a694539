/* jsmn (Debian's libjsmn-dev), a third-party JSON parser, compiled unchanged beside this file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define JSMN_STATIC
#include "jsmn.h"

static const char doc[] = "{\"device\":\"mote-7\",\"temps\":[215,-42,230],\"ok\":true,\"fw\":{\"v\":3}}";

static int is_key(const jsmntok_t *t, const char *key)
{
    return t->type == JSMN_STRING && (int)strlen(key) == t->end - t->start && !strncmp(doc + t->start, key,
                                                                                      (size_t)(t->end - t->start));
}

int json_check(void)
{
    jsmn_parser p;
    jsmntok_t t[32];
    jsmn_init(&p);
    int n = jsmn_parse(&p, doc, strlen(doc), t, 32);
    long sum = 0;
    char device[16] = "";
    for (int i = 1; i < n; i++) {
        if (is_key(&t[i], "temps"))
            for (int j = 0; j < t[i + 1].size; j++)
                sum += strtol(doc + t[i + 2 + j].start, NULL, 10);
        if (is_key(&t[i], "device"))
            snprintf(device, sizeof device, "%.*s", t[i + 1].end - t[i + 1].start, doc + t[i + 1].start);
    }
    printf("json: %d tokens, device %s, sum %ld\n", n, device, sum);
    return n == 14 && sum == 403 && !strcmp(device, "mote-7") ? 0 : 1;
}
