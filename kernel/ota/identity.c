/*
 * The device identity record (identity.h): little-endian fields and
 * NUL-padded text fields at fixed offsets, CRC-32 last. Pure logic.
 */
#include <lib/lib.h>
#include <mote.h>
#include "identity.h"

#define OFF_FLAGS 0x08
#define OFF_PORT 0x0c
#define OFF_CHUNK 0x10
#define OFF_ID 0x20
#define OFF_USER 0x68
#define OFF_PASSWORD 0xb0
#define OFF_HOST 0x138
#define OFF_CRC (IDENTITY_SIZE - 4)
#define ID_FIELD 72
#define SECRET_FIELD 136

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | get16(p + 2) << 16;
}

static bool alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool identity_valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > IDENTITY_ID_MAX || !alnum(s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
            return false;
    return true;
}

static bool valid_password(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] > '~')
            return false;
    return n >= 1 && n <= IDENTITY_PASSWORD_MAX;
}

/* A dotted quad (four 0..255 of 1-3 digits) or a DNS name (labels of 1-63 letters, digits, '-'). */
static bool valid_host(const char *s)
{
    size_t n = strlen(s), label = 0, parts = 1;
    bool numeric = true;
    unsigned value = 0;
    if (n < 1 || n > IDENTITY_HOST_MAX)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char c = s[i];
        if (c == '.' || c == 0) {
            if (label == 0 || s[i - 1] == '-' || label > 63 || (numeric && (label > 3 || value > 255)))
                return false;
            parts += c == '.';
            label = 0;
            value = 0;
            continue;
        }
        if (!alnum(c) && c != '-')
            return false;
        if (label == 0 && c == '-')
            return false;
        numeric = numeric && c >= '0' && c <= '9';
        value = value * 10 + (unsigned)(c - '0');
        if (value > 1000)
            value = 1000;
        label++;
    }
    return !numeric || parts == 4;
}

/* A text field: 1..max characters, then NUL to the end of the field. */
static int get_text(char *dst, const uint8_t *p, size_t field, size_t max)
{
    size_t n = 0;
    while (n < field && p[n])
        n++;
    if (n < 1 || n > max)
        return MOTE_EINVAL;
    for (size_t i = n; i < field; i++)
        if (p[i])
            return MOTE_EINVAL;
    memcpy(dst, p, n);
    dst[n] = 0;
    return 0;
}

static bool blank(const uint8_t *rec)
{
    bool zero = true, ones = true;
    for (size_t i = 0; i < IDENTITY_SIZE; i++) {
        zero = zero && rec[i] == 0x00;
        ones = ones && rec[i] == 0xff;
    }
    return zero || ones;
}

/* The checks shared by parse and encode: NULL, or what is wrong. */
static const char *check_fields(const struct identity *id)
{
    if (!identity_valid_id(id->device_id))
        return "identity: bad device id (1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit)";
    if (strcmp(id->username, id->device_id))
        return "identity: the MQTT username is not the device id";
    if (!valid_password(id->password))
        return "identity: bad MQTT password (1-128 printable characters)";
    if (!valid_host(id->host))
        return "identity: bad broker host (a DNS name or a dotted quad, up to 128 characters)";
    if (id->port == 0)
        return "identity: broker port 0";
    if (id->max_chunk < IDENTITY_CHUNK_MIN || id->max_chunk > IDENTITY_CHUNK_MAX)
        return "identity: max_chunk outside 256..65536";
    return NULL;
}

int identity_parse(const uint8_t rec[IDENTITY_SIZE], struct identity *id, const char **why)
{
    memset(id, 0, sizeof(*id));
    int err = MOTE_EINVAL;
    if (blank(rec)) {
        *why = "identity: no record (the device was not provisioned)";
        return MOTE_ENOENT;
    }
    if (get32(rec) != IDENTITY_MAGIC)
        *why = "identity: bad magic (not an identity record)";
    else if (get16(rec + 4) != IDENTITY_VERSION)
        *why = "identity: unsupported record version";
    else if (get16(rec + 6) != IDENTITY_SIZE)
        *why = "identity: bad record size";
    else if (get32(rec + OFF_CRC) != crc32(rec, OFF_CRC))
        *why = "identity: CRC mismatch (damaged record)";
    else if (get_text(id->device_id, rec + OFF_ID, ID_FIELD, IDENTITY_ID_MAX) ||
             get_text(id->username, rec + OFF_USER, ID_FIELD, IDENTITY_ID_MAX) ||
             get_text(id->password, rec + OFF_PASSWORD, SECRET_FIELD, IDENTITY_PASSWORD_MAX) ||
             get_text(id->host, rec + OFF_HOST, SECRET_FIELD, IDENTITY_HOST_MAX))
        *why = "identity: a text field is empty, too long or not NUL-padded";
    else {
        id->flags = get32(rec + OFF_FLAGS);
        id->port = (uint16_t)get16(rec + OFF_PORT);
        id->max_chunk = get32(rec + OFF_CHUNK);
        *why = check_fields(id);
        err = *why ? MOTE_EINVAL : 0;
    }
    if (err)
        memset(id, 0, sizeof(*id));
    return err;
}

static void put_text(uint8_t *p, const char *s)
{
    memcpy(p, s, strlen(s));   /* the field is zero already; lengths are checked */
}

int identity_encode(const struct identity *id, uint8_t out[IDENTITY_SIZE], const char **why)
{
    memset(out, 0, IDENTITY_SIZE);
    if ((*why = check_fields(id)))
        return MOTE_EINVAL;
    put32(out, IDENTITY_MAGIC);
    put16(out + 4, IDENTITY_VERSION);
    put16(out + 6, IDENTITY_SIZE);
    put32(out + OFF_FLAGS, id->flags);
    put16(out + OFF_PORT, id->port);
    put32(out + OFF_CHUNK, id->max_chunk);
    put_text(out + OFF_ID, id->device_id);
    put_text(out + OFF_USER, id->username);
    put_text(out + OFF_PASSWORD, id->password);
    put_text(out + OFF_HOST, id->host);
    put32(out + OFF_CRC, crc32(out, OFF_CRC));
    return 0;
}
