/*
 * The OTA agent as a kernel service (mote/ota.h): service.c starts it on
 * the device's identity and wires its MQTT side; device.c is its hands on
 * this device (flash, boot state, the bootloader's checks). Not pure: the
 * agent's logic (ota.h) is what the host tests cover.
 */
#ifndef OTA_SERVICE_H
#define OTA_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <update/update.h>
#include "ota.h"

/* What device.c's callbacks need (env.ctx). */
struct ota_device {
    uint8_t running, inactive;   /* SLOT_A / SLOT_B */
    bool testing;                /* booted in TEST (maybe confirmed since: bootctl_confirmed) */
    uint32_t min_counter;        /* the bootloader's floor */
    struct image_board board;    /* what the bootloader allows an image in the inactive slot (its size too) */
    char version[32];            /* the running image's */
    struct slot_keys keys;       /* the bootloader's, from its handoff block */
    struct flash_io progress;    /* the progress record's region of persist */
    struct flash_io progress_lazy; /* the same, without a flush per write (ota.h) */
    uint64_t started_ms;         /* when the image's header came (or the boot, when resumed) */
    uint64_t write_ns, sync_ns;  /* time in slot writes and syncs since the boot (the console says) */
    uint32_t syncs;
};

/*
 * Read the boot facts and keys into *d and fill env's device callbacks
 * (ctx = d; publish and request_reconnect are the caller's). 0, or
 * MOTE_ENODEV with the reason in why (not started by the Mote bootloader).
 */
int ota_device_init(struct ota_device *d, struct ota_env *env, char *why, size_t why_size);

#endif
