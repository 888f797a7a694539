/*
 * The device identity record (identity.c): the shared golden vectors
 * (vectors/identity-golden.txt) both ways, and every way a record can be
 * missing, damaged or invalid.
 */
#include <stdint.h>
#include <stdlib.h>
#include <lib/lib.h>
#include <update/bootstate.h>
#include "check.h"
#include "hex.h"
#include <ota/identity.h>
#include <mote.h>

static FILE *open_vectors(void)
{
    static const char file[] = "vectors/identity-golden.txt";
    char path[1024];
    const char *slash = strrchr(__FILE__, '/');
    size_t dir = slash ? (size_t)(slash - __FILE__ + 1) : 0;
    if (dir + sizeof(file) > sizeof(path))
        dir = 0;
    memcpy(path, __FILE__, dir);
    memcpy(path + dir, file, sizeof(file));
    FILE *f = fopen(path, "r");
    if (!f)
        fprintf(stderr, "cannot open %s (run from the repository root)\n", path);
    return f;
}

static void check_vector(const struct identity *want, const uint8_t *rec, const char *name)
{
    struct identity got;
    const char *why = NULL;
    uint8_t out[IDENTITY_SIZE];
    int err = identity_parse(rec, &got, &why);
    if (err) {
        fprintf(stderr, "vector %s: %s\n", name, why);
        check_failures++;
        return;
    }
    CHECK_STR(got.device_id, want->device_id);
    CHECK_STR(got.username, want->username);
    CHECK_STR(got.password, want->password);
    CHECK_STR(got.host, want->host);
    CHECK(got.port == want->port && got.max_chunk == want->max_chunk && got.flags == want->flags);
    CHECK(identity_encode(want, out, &why) == 0);
    CHECK(!memcmp(out, rec, IDENTITY_SIZE));
}

void test_identity_golden_vectors(void)
{
    static char line[2048];
    static struct identity want;
    static uint8_t rec[IDENTITY_SIZE];
    char name[64] = "";
    int vectors = 0;
    FILE *f = open_vectors();
    CHECK(f != NULL);
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        char *sp = strchr(line, ' ');
        if (line[0] == '#' || !sp)
            continue;
        *sp = 0;
        const char *key = line, *val = sp + 1;
        if (!strcmp(key, "vector")) {
            memset(&want, 0, sizeof(want));
            snprintf(name, sizeof(name), "%s", val);
        } else if (!strcmp(key, "device_id")) {
            snprintf(want.device_id, sizeof(want.device_id), "%s", val);
        } else if (!strcmp(key, "username")) {
            snprintf(want.username, sizeof(want.username), "%s", val);
        } else if (!strcmp(key, "password")) {
            snprintf(want.password, sizeof(want.password), "%s", val);
        } else if (!strcmp(key, "host")) {
            snprintf(want.host, sizeof(want.host), "%s", val);
        } else if (!strcmp(key, "port")) {
            want.port = (uint16_t)strtoul(val, NULL, 10);
        } else if (!strcmp(key, "max_chunk")) {
            want.max_chunk = (uint32_t)strtoul(val, NULL, 10);
        } else if (!strcmp(key, "flags")) {
            want.flags = (uint32_t)strtoul(val, NULL, 10);
        } else if (!strcmp(key, "record")) {
            CHECK(hex_decode(rec, sizeof(rec), val) == IDENTITY_SIZE);
            check_vector(&want, rec, name);
            vectors++;
        }
    }
    fclose(f);
    CHECK(vectors == 2);
}

static struct identity good(void)
{
    struct identity id;
    memset(&id, 0, sizeof(id));
    strcpy(id.device_id, "d1");
    strcpy(id.username, "d1");
    strcpy(id.password, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    strcpy(id.host, "broker.local");
    id.port = 1883;
    id.max_chunk = 16384;
    return id;
}

/* Encode `id` bypassing the encoder's checks: good() with one field changed, CRC fixed. */
static int parse_raw(const struct identity *id, const char **why)
{
    uint8_t rec[IDENTITY_SIZE];
    struct identity ok = good(), got;
    CHECK(identity_encode(&ok, rec, why) == 0);
    memset(rec + 0x20, 0, IDENTITY_SIZE - 0x20 - 64);   /* text fields: rewrite as given */
    memcpy(rec + 0x20, id->device_id, strlen(id->device_id));
    memcpy(rec + 0x68, id->username, strlen(id->username));
    memcpy(rec + 0xb0, id->password, strlen(id->password));
    memcpy(rec + 0x138, id->host, strlen(id->host));
    rec[0x0c] = (uint8_t)id->port;
    rec[0x0d] = (uint8_t)(id->port >> 8);
    for (int i = 0; i < 4; i++)
        rec[0x10 + i] = (uint8_t)(id->max_chunk >> 8 * i);
    uint32_t crc = crc32(rec, IDENTITY_SIZE - 4);
    for (int i = 0; i < 4; i++)
        rec[IDENTITY_SIZE - 4 + i] = (uint8_t)(crc >> 8 * i);
    return identity_parse(rec, &got, why);
}

void test_identity_refuses_invalid_fields(void)
{
    static const char *const bad_ids[] = {
        "-d1", "_d1", ".d1", "d 1", "d/1", "d1+", "d#1", "d\xc3\xa9", "d=1",
    };
    static const char *const bad_hosts[] = {
        "-broker", "broker-", "bro_ker", "a..b", ".a", "a.", "a b", "1.2.3", "1.2.3.4.5",
        "256.1.1.1", "1.2.3.1000", "123", "a@b",
        "a1234567890123456789012345678901234567890123456789012345678901234.com", /* a 65-character label */
    };
    const char *why;
    struct identity id = good();
    CHECK(parse_raw(&id, &why) == 0);
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
        id = good();
        snprintf(id.device_id, sizeof(id.device_id), "%s", bad_ids[i]);
        snprintf(id.username, sizeof(id.username), "%s", bad_ids[i]);
        CHECK(identity_encode(&id, (uint8_t[IDENTITY_SIZE]){ 0 }, &why) == MOTE_EINVAL);
        CHECK(parse_raw(&id, &why) == MOTE_EINVAL && strstr(why, "device id"));
    }
    for (size_t i = 0; i < sizeof(bad_hosts) / sizeof(bad_hosts[0]); i++) {
        id = good();
        snprintf(id.host, sizeof(id.host), "%s", bad_hosts[i]);
        if (parse_raw(&id, &why) != MOTE_EINVAL || !strstr(why, "broker host")) {
            fprintf(stderr, "host '%s' accepted\n", bad_hosts[i]);
            check_failures++;
        }
    }
    static const char *const good_hosts[] = { "localhost", "10.0.2.2", "0.0.0.0", "a-b.c-d.e",
                                              "255.255.255.255", "x1.2.3.4", "1.2.3.4x" };
    for (size_t i = 0; i < sizeof(good_hosts) / sizeof(good_hosts[0]); i++) {
        id = good();
        strcpy(id.host, good_hosts[i]);
        CHECK(parse_raw(&id, &why) == 0);
    }
    id = good();
    strcpy(id.username, "d2");
    CHECK(parse_raw(&id, &why) == MOTE_EINVAL && strstr(why, "username"));
    id = good();
    strcpy(id.password, "has space");
    CHECK(parse_raw(&id, &why) == MOTE_EINVAL && strstr(why, "password"));
    id = good();
    id.password[0] = 0;
    CHECK(parse_raw(&id, &why) == MOTE_EINVAL);
    id = good();
    id.port = 0;
    CHECK(parse_raw(&id, &why) == MOTE_EINVAL && strstr(why, "port"));
    id = good();
    id.max_chunk = 255;
    CHECK(parse_raw(&id, &why) == MOTE_EINVAL && strstr(why, "max_chunk"));
    id.max_chunk = 65537;
    CHECK(parse_raw(&id, &why) == MOTE_EINVAL && strstr(why, "max_chunk"));
}

static void refix_crc(uint8_t *rec)
{
    uint32_t crc = crc32(rec, IDENTITY_SIZE - 4);
    for (int i = 0; i < 4; i++)
        rec[IDENTITY_SIZE - 4 + i] = (uint8_t)(crc >> 8 * i);
}

void test_identity_missing_or_damaged(void)
{
    uint8_t rec[IDENTITY_SIZE], bad[IDENTITY_SIZE];
    struct identity id = good(), got;
    const char *why = NULL;
    CHECK(identity_encode(&id, rec, &why) == 0);
    CHECK(identity_parse(rec, &got, &why) == 0 && !strcmp(got.host, "broker.local"));

    memset(bad, 0, sizeof(bad));
    CHECK(identity_parse(bad, &got, &why) == MOTE_ENOENT && strstr(why, "not provisioned"));
    memset(bad, 0xff, sizeof(bad));
    CHECK(identity_parse(bad, &got, &why) == MOTE_ENOENT);

    memcpy(bad, rec, sizeof(bad));
    bad[0] = 'X';
    CHECK(identity_parse(bad, &got, &why) == MOTE_EINVAL && strstr(why, "magic"));
    memcpy(bad, rec, sizeof(bad));
    bad[4] = 2;
    refix_crc(bad);
    CHECK(identity_parse(bad, &got, &why) == MOTE_EINVAL && strstr(why, "version"));
    memcpy(bad, rec, sizeof(bad));
    bad[7] = 1;
    refix_crc(bad);
    CHECK(identity_parse(bad, &got, &why) == MOTE_EINVAL && strstr(why, "size"));
    /* any flipped bit past the header fields is a CRC mismatch */
    for (int i = 64; i < IDENTITY_SIZE * 8; i += 7) {
        memcpy(bad, rec, sizeof(bad));
        bad[i / 8] ^= (uint8_t)(1 << (i % 8));
        CHECK(identity_parse(bad, &got, &why) == MOTE_EINVAL);
        CHECK(got.device_id[0] == 0);   /* nothing half-read is left */
    }
    memcpy(bad, rec, sizeof(bad));
    bad[0x20 + 10] = 'x';              /* a byte after the id's NUL */
    refix_crc(bad);
    CHECK(identity_parse(bad, &got, &why) == MOTE_EINVAL && strstr(why, "text field"));
    memcpy(bad, rec, sizeof(bad));
    memset(bad + 0x20, 'a', 72);       /* no NUL at all */
    refix_crc(bad);
    CHECK(identity_parse(bad, &got, &why) == MOTE_EINVAL);
    memcpy(bad, rec, sizeof(bad));
    memset(bad + 0x20, 'a', 65);       /* a 65-character id (and username) */
    memset(bad + 0x68, 'a', 65);
    refix_crc(bad);
    CHECK(identity_parse(bad, &got, &why) == MOTE_EINVAL && strstr(why, "text field"));
    memset(bad + 0x20 + 64, 0, 1);     /* 64 is fine */
    memset(bad + 0x68 + 64, 0, 1);
    refix_crc(bad);
    CHECK(identity_parse(bad, &got, &why) == 0 && strlen(got.device_id) == 64);

    /* reserved bytes and unknown flags are a later version's: kept or ignored */
    memcpy(bad, rec, sizeof(bad));
    bad[0x1c0] = 0x55;
    bad[0x14] = 0x66;
    bad[0x0b] = 0x80;                  /* flag bit 31 */
    refix_crc(bad);
    CHECK(identity_parse(bad, &got, &why) == 0 && got.flags == 0x80000000u);
}
