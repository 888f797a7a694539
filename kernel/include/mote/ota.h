/*
 * mote/ota.h - updates over the air from the Mote OTA server (`mote ota
 * serve`; docs/ota-protocol.md). docs/device-api.md, "Over-the-air
 * updates", shows each call.
 *
 * mote_ota_start() reads the device's identity record (written into the
 * flash's persist partition by `mote ota provision`), connects to the
 * broker it names as the device, and runs the OTA agent in the background:
 * an offered image is downloaded into the slot that is not running (resuming
 * after a reboot or a power cut), checked exactly as the bootloader will
 * check it (SHA-256, signature against the bootloader's keys, profile,
 * security counter) and marked for a TEST boot; the device restarts into it,
 * and the agent reports `confirmed` only once the app has called
 * mote_confirm() after that restart (the app's health check decides). A new
 * image that never confirms is reverted by the bootloader and reported
 * `rolledback`.
 *
 * The same connection carries the app's own messages: mote_ota_mqtt() is a
 * mote/mqtt.h client, allowed to publish under mote/dev/ID/up/ (the broker
 * refuses every other topic to a device). It also carries what the device
 * tells the server about itself (docs/debugging.md): its crash records
 * (sent after the reboot, cleared once the server acknowledged them), its
 * log lines at or above mote_log_ship()'s level, the metrics heartbeat, and
 * - only when the identity record enables it (`mote ota provision --shell`)
 * - the shell's commands from the server (`mote ota shell`).
 */
#ifndef MOTE_OTA_H
#define MOTE_OTA_H

#include <stdbool.h>
#include <stdint.h>
#include <mote/mqtt.h>

/*
 * Start the device's connection and its OTA agent (once; later calls
 * return 0). 0; MOTE_ENOENT: the device was never provisioned; MOTE_EINVAL:
 * its identity record is damaged; MOTE_ENODEV: not started by the Mote
 * bootloader (no boot state or trusted keys: an ELF booted on its own) or
 * no flash; MOTE_ENOMEM. Every refusal is also one console line saying why;
 * the app goes on without OTA. Does not wait for the connection.
 */
int mote_ota_start(void);

/* The device's own MQTT connection (mote/mqtt.h), or NULL before mote_ota_start succeeded. */
struct mote_mqtt *mote_ota_mqtt(void);

/* The device id from the identity record ("" before mote_ota_start succeeded). */
const char *mote_device_id(void);

enum mote_ota_phase {
    MOTE_OTA_OFF,           /* not started */
    MOTE_OTA_IDLE,          /* no job in hand */
    MOTE_OTA_DOWNLOADING,   /* job `job`: `have` of `size` bytes in the other slot */
    MOTE_OTA_RESTARTING,    /* the new image is checked and pending: restarting into it */
    MOTE_OTA_TESTING,       /* running the new image in TEST: waiting for mote_confirm() */
};

struct mote_ota_status {
    enum mote_ota_phase phase;
    bool connected;             /* the MQTT session is up */
    uint32_t job, have, size;
    uint64_t chunk_bytes;       /* image bytes taken since this boot */
    uint32_t bad_lines;         /* malformed control messages dropped */
    uint32_t dropped_chunks;    /* chunks not taken (wrong job, offset, length, CRC, duplicate) */
    uint32_t timeouts;          /* re-requests after a silence */
    uint32_t reconnects;        /* reconnects after three silent timeouts */
};
/* Fill *st: 0, or MOTE_ENODEV (phase MOTE_OTA_OFF) before mote_ota_start succeeded. */
int mote_ota_status(struct mote_ota_status *st);

#endif
