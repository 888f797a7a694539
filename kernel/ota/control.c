/* Control lines: parse and build (control.h). Pure logic. */
#include <mote.h>
#include "control.h"

static bool printable(char ch, bool space)
{
    return (ch > ' ' && ch < 0x7f) || (space && ch == ' ');
}

/*
 * The field that starts at *at: key s[*k, *k + *kl), value s[*v, *v + *vl).
 * Advances *at past it and its separator. 0, or MOTE_EINVAL for no '=',
 * a key that is empty, too long or holds a space, or an empty value.
 * `reason` takes the rest of the line, spaces and all.
 */
__attribute__((noinline)) static int field_next(const char *s, size_t len, size_t *at, size_t *k, size_t *kl, size_t *v,
                      size_t *vl)
{
    size_t p = *at, eq = p;
    while (eq < len && s[eq] != '=') {
        if (s[eq] == ' ')
            return MOTE_EINVAL;
        eq++;
    }
    if (eq == len || eq == p || eq - p > CTL_TOKEN_MAX)
        return MOTE_EINVAL;
    size_t end = eq + 1;
    if (eq - p == 6 && !memcmp(s + p, "reason", 6))
        end = len;
    else
        while (end < len && s[end] != ' ')
            end++;
    if (end == eq + 1)
        return MOTE_EINVAL;
    *k = p;
    *kl = eq - p;
    *v = eq + 1;
    *vl = end - eq - 1;
    *at = end + 1;
    return 0;
}

static size_t fields_start(const struct ctl *c)
{
    return c->verb_len < c->len ? c->verb_len + 1 : c->len;
}

int ctl_parse(struct ctl *c, const void *payload, size_t len)
{
    const char *s = payload;
    if (len == 0 || len > CTL_MAX)
        return MOTE_EINVAL;
    size_t verb = len;
    for (size_t i = 0; i < len; i++) {
        if (!printable(s[i], true))
            return MOTE_EINVAL;
        if (s[i] == ' ' && verb == len)
            verb = i;
    }
    if (verb == 0 || verb > CTL_TOKEN_MAX)
        return MOTE_EINVAL;
    for (size_t i = 0; i < verb; i++)
        if (s[i] == '=')
            return MOTE_EINVAL;
    c->s = s;
    c->len = len;
    c->verb_len = verb;
    size_t first = fields_start(c), at = first, k, kl, v, vl;
    while (at < len) {
        if (field_next(s, len, &at, &k, &kl, &v, &vl))
            return MOTE_EINVAL;
        /* no key twice: compare with every field before this one */
        size_t q = first, qk, qkl, qv, qvl;
        while (q < k) {
            field_next(s, len, &q, &qk, &qkl, &qv, &qvl);
            if (qkl == kl && !memcmp(s + qk, s + k, kl))
                return MOTE_EINVAL;
        }
    }
    return 0;
}

bool ctl_verb_is(const struct ctl *c, const char *verb)
{
    size_t n = strlen(verb);
    return n == c->verb_len && !memcmp(c->s, verb, n);
}

int ctl_get(const struct ctl *c, const char *key, const char **val, size_t *vlen)
{
    size_t n = strlen(key), at = fields_start(c), k, kl, v, vl;
    while (at < c->len && !field_next(c->s, c->len, &at, &k, &kl, &v, &vl)) {
        if (kl == n && !memcmp(c->s + k, key, n)) {
            *val = c->s + v;
            *vlen = vl;
            return 0;
        }
    }
    return MOTE_ENOENT;
}

int ctl_number(const struct ctl *c, const char *key, uint64_t max, uint64_t *out)
{
    const char *v;
    size_t n;
    if (ctl_get(c, key, &v, &n) || n > CTL_DIGITS_MAX)
        return MOTE_EINVAL;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return MOTE_EINVAL;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    if (x > max)
        return MOTE_EINVAL;
    *out = x;
    return 0;
}
