/*
 * Control lines: what parses and what does not, each case as the server's
 * Control.parse decides it.
 */
#include <stdint.h>
#include "check.h"
#include <ota/control.h>
#include <mote.h>

static int parse(const char *s)
{
    struct ctl c;
    return ctl_parse(&c, s, strlen(s));
}

/* The value of `key` in `line` as a string ("" when missing). */
static const char *value_of(const char *line, const char *key)
{
    static char out[600];
    struct ctl c;
    const char *v;
    size_t n;
    out[0] = 0;
    if (!ctl_parse(&c, line, strlen(line)) && !ctl_get(&c, key, &v, &n)) {
        memcpy(out, v, n);
        out[n] = 0;
    }
    return out;
}

void test_ctl_parses_fields_reason_and_unknown_fields(void)
{
    struct ctl c;
    const char *line = "offer job=7 sha256=ab size=10 x-new=1=2 reason=a b  c=d";
    CHECK(ctl_parse(&c, line, strlen(line)) == 0);
    CHECK(ctl_verb_is(&c, "offer") && !ctl_verb_is(&c, "offe") && !ctl_verb_is(&c, "offers"));
    CHECK_STR(value_of(line, "job"), "7");
    CHECK_STR(value_of(line, "x-new"), "1=2");            /* '=' inside a value: Java takes it */
    CHECK_STR(value_of(line, "reason"), "a b  c=d");      /* reason runs to the end */
    CHECK_STR(value_of(line, "c"), "");                   /* ... so c is not a field */
    uint64_t v;
    CHECK(ctl_number(&c, "size", 100, &v) == 0 && v == 10);
    CHECK(ctl_number(&c, "size", 9, &v) == MOTE_EINVAL);  /* above the field's max */
    CHECK(ctl_number(&c, "sha256", UINT64_MAX, &v) == MOTE_EINVAL);
    CHECK(ctl_number(&c, "missing", UINT64_MAX, &v) == MOTE_EINVAL);
    size_t n;
    CHECK(ctl_get(&c, "missing", &line, &n) == MOTE_ENOENT);

    CHECK(parse("cancel") == 0);                           /* a verb alone */
    CHECK(parse("cancel ") == 0);                          /* one trailing space: Java takes it */
    CHECK(parse("cancel job=7 ") == 0);
    CHECK(parse("cancel job=7 reason= ") == 0);            /* reason " " is not empty */
    CHECK(parse("x job=999999999999999999") == 0);
    CHECK_STR(value_of("state job=1 reason=x=y z", "reason"), "x=y z");
}

void test_ctl_numbers(void)
{
    struct ctl c;
    uint64_t v = 0;
    const char *ok = "n a=0 b=000000000000000042 c=999999999999999999 d=1000000000000000000 e=-1 "
                     "f=+1 g=1.0 h=0x10 i=4294967296";
    CHECK(ctl_parse(&c, ok, strlen(ok)) == 0);
    CHECK(ctl_number(&c, "a", UINT64_MAX, &v) == 0 && v == 0);
    CHECK(ctl_number(&c, "b", UINT64_MAX, &v) == 0 && v == 42);
    CHECK(ctl_number(&c, "c", UINT64_MAX, &v) == 0 && v == 999999999999999999ull);
    CHECK(ctl_number(&c, "d", UINT64_MAX, &v) == MOTE_EINVAL);   /* 19 digits */
    CHECK(ctl_number(&c, "e", UINT64_MAX, &v) == MOTE_EINVAL);
    CHECK(ctl_number(&c, "f", UINT64_MAX, &v) == MOTE_EINVAL);
    CHECK(ctl_number(&c, "g", UINT64_MAX, &v) == MOTE_EINVAL);
    CHECK(ctl_number(&c, "h", UINT64_MAX, &v) == MOTE_EINVAL);
    CHECK(ctl_number(&c, "i", UINT32_MAX, &v) == MOTE_EINVAL);   /* overflows 32 bits */
    CHECK(ctl_number(&c, "i", UINT64_MAX, &v) == 0 && v == 4294967296ull);
}

void test_ctl_refuses_what_java_refuses(void)
{
    static const char *const bad[] = {
        "",                          /* empty */
        " cancel job=7",             /* no verb */
        "can=cel job=7",             /* '=' in the verb */
        "cancel  job=7",             /* two spaces */
        "cancel job",                /* no '=' */
        "cancel =7",                 /* empty key */
        "cancel job=",               /* empty value */
        "cancel job=7 job=8",        /* a key twice */
        "cancel job=7 x=1 x=2",      /* an unknown key twice */
        "cancel jo b=7",             /* a space in a key */
        "cancel job=7\n",            /* not printable */
        "cancel job=7\r",
        "cancel\tjob=7",
        "cancel job=\x7f",
        "cancel job=\x80",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i]) != MOTE_EINVAL) {
            fprintf(stderr, "accepted bad line %zu: '%s'\n", i, bad[i]);
            check_failures++;
        }
    }
    /* a reason before other fields swallows them: the line parses, the fields are gone */
    CHECK(parse("cancel reason=x job=7 reason=y") == 0);
    CHECK_STR(value_of("cancel reason=x job=7 reason=y", "job"), "");
    char nul[] = "cancel job=7";
    nul[6] = 0;
    struct ctl c;
    CHECK(ctl_parse(&c, nul, sizeof(nul) - 1) == MOTE_EINVAL);   /* binary */

    char line[CTL_MAX + 2];
    memset(line, 'a', sizeof(line));
    memcpy(line, "verb k=", 7);
    CHECK(ctl_parse(&c, line, CTL_MAX) == 0);                    /* 512 bytes: fine */
    CHECK(ctl_parse(&c, line, CTL_MAX + 1) == MOTE_EINVAL);      /* 513: too long */

    char tok[200];
    memset(tok, 'v', sizeof(tok));
    CHECK(ctl_parse(&c, tok, CTL_TOKEN_MAX) == 0);               /* a 128-byte verb */
    CHECK(ctl_parse(&c, tok, CTL_TOKEN_MAX + 1) == MOTE_EINVAL);
    memcpy(tok, "v ", 2);
    tok[2 + CTL_TOKEN_MAX] = '=';
    tok[3 + CTL_TOKEN_MAX] = '1';
    CHECK(ctl_parse(&c, tok, 4 + CTL_TOKEN_MAX) == 0);           /* a 128-byte key */
    memset(tok, 'v', sizeof(tok));
    memcpy(tok, "v ", 2);
    tok[3 + CTL_TOKEN_MAX] = '=';
    tok[4 + CTL_TOKEN_MAX] = '1';
    CHECK(ctl_parse(&c, tok, 5 + CTL_TOKEN_MAX) == MOTE_EINVAL); /* 129 bytes */
}
