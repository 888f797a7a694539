/*
 * The OTA protocol's control lines (docs/ota-protocol.md, "Control
 * messages"): `verb key=value key=value ...`, printable ASCII, at most
 * CTL_MAX bytes, values without spaces except `reason`, which runs to the
 * end of the line. Parsing accepts and refuses exactly what the server's
 * dev.mote.ota.protocol.Control.parse does. Pure logic, no allocation: a
 * parsed line points into the caller's buffer. (The device writes its own
 * lines with snprintf: report.c.)
 */
#ifndef OTA_CONTROL_H
#define OTA_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_MAX 512        /* bytes in a control line */
#define CTL_TOKEN_MAX 128  /* bytes in a verb or key */
#define CTL_DIGITS_MAX 18  /* a number has 1..18 decimal digits (below 2^63) */

struct ctl {
    const char *s;     /* the line, not NUL-terminated */
    size_t len;
    size_t verb_len;   /* the verb is s[0, verb_len) */
};

/*
 * Check the grammar of `len` bytes at `payload`: 1..CTL_MAX printable bytes,
 * a verb of 1..128 bytes without '=', then fields `key=value` separated by
 * single spaces (one trailing space allowed), keys 1..128 bytes without
 * spaces, values non-empty, no key twice. Returns 0 and fills *c, or
 * MOTE_EINVAL.
 */
int ctl_parse(struct ctl *c, const void *payload, size_t len);

/* Is the verb `verb`? */
bool ctl_verb_is(const struct ctl *c, const char *verb);

/* The value of field `key`: 0 with *val / *vlen set, or MOTE_ENOENT. */
int ctl_get(const struct ctl *c, const char *key, const char **val, size_t *vlen);

/*
 * Field `key` as an unsigned decimal number no larger than `max`: 0, or
 * MOTE_EINVAL when it is missing, not 1..18 digits, or above `max`.
 */
int ctl_number(const struct ctl *c, const char *key, uint64_t max, uint64_t *out);

#endif
