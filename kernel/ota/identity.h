/*
 * The device identity record: who the device is on the OTA server's MQTT
 * broker and where that broker is. One fixed-size, versioned, CRC-checked
 * record in the persist partition, written by the host's provisioning
 * command from the OTA server's data and read at boot by the agent (and
 * later the remote shell and crash reports). A missing or damaged record is
 * an error with a reason: the device says it on the console and runs its
 * app without OTA.
 * Byte layout: docs/ota-protocol.md, "Device identity record"; golden
 * record: kernel/test/ota/vectors/identity-golden.txt. Pure logic.
 */
#ifndef OTA_IDENTITY_H
#define OTA_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDENTITY_MAGIC 0x44494f4du   /* "MOID" */
#define IDENTITY_VERSION 1
#define IDENTITY_SIZE 512
#define IDENTITY_OFFSET 4096         /* in the persist partition (after the recovery record) */
#define IDENTITY_ID_MAX 64           /* device id / username: 1..64 characters */
#define IDENTITY_PASSWORD_MAX 128    /* 1..128 printable characters (64 hex today) */
#define IDENTITY_HOST_MAX 128        /* broker host name or dotted quad: 1..128 characters */
#define IDENTITY_CHUNK_MIN 256
#define IDENTITY_CHUNK_MAX 65536

#define IDENTITY_FLAG_SHELL 0x1u     /* the remote shell over MQTT is enabled */

struct identity {
    char device_id[IDENTITY_ID_MAX + 1];
    char username[IDENTITY_ID_MAX + 1];       /* the MQTT username: the device id */
    char password[IDENTITY_PASSWORD_MAX + 1]; /* the MQTT password */
    char host[IDENTITY_HOST_MAX + 1];         /* the broker */
    uint16_t port;
    uint32_t max_chunk;                       /* the largest chunk the server will send */
    uint32_t flags;                           /* IDENTITY_FLAG_*; unknown bits are kept */
};

/*
 * Check and read a record. 0 and *id filled; MOTE_ENOENT when the bytes are
 * blank (all 0x00 or all 0xff: never provisioned); MOTE_EINVAL when they are
 * damaged or invalid. On an error *why says what, e.g. "identity: CRC
 * mismatch (damaged record)", and *id is cleared.
 */
int identity_parse(const uint8_t rec[IDENTITY_SIZE], struct identity *id, const char **why);

/*
 * Write *id as a record (what the provisioning command writes). 0, or
 * MOTE_EINVAL with *why when a field is invalid (nothing useful in out).
 */
int identity_encode(const struct identity *id, uint8_t out[IDENTITY_SIZE], const char **why);

/* 1..64 characters of A-Z a-z 0-9 _ . -, the first a letter or digit (Topics.DEVICE_ID). */
bool identity_valid_id(const char *s);

#endif
