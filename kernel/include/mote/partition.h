/*
 * mote/partition.h - the board's flash by partition, as the device profile
 * lays it out (partition.* lines). docs/device-api.md, "Flash partitions".
 *
 * "persist" is the app's own: the profile's persist partition less its
 * first 16 KiB, which the system keeps for its records (device identity,
 * OTA progress, the recovery mode's resume record). "boot_state", "slot_a"
 * and "slot_b" belong to the update path (bootloader, OTA agent,
 * mote_confirm): apps may read them, and a write is refused (MOTE_EPERM),
 * as is a mote_flash_write into them or into persist's first 16 KiB, on a
 * board started by the Mote bootloader (every real board; `mote run x.img`).
 */
#ifndef MOTE_PARTITION_H
#define MOTE_PARTITION_H

#include <mote.h>

struct mote_partition {
    const char *name;
    uint64_t offset;     /* bytes from the start of the flash */
    uint64_t size;       /* bytes */
    bool writable;       /* false: the update path's, read-only for apps */
};

/*
 * Find the partition `name` ("persist", "boot_state", "slot_a", "slot_b").
 * 0 and *p, MOTE_ENOENT (no such partition in this profile), MOTE_ENODEV
 * (the board has no flash) or MOTE_EINVAL (the flash is smaller than the
 * partition's end).
 */
int mote_partition_find(const char *name, struct mote_partition *p);
/* Read / write inside the partition: offsets are relative to its start. MOTE_EINVAL past its end. */
int mote_partition_read(const struct mote_partition *p, uint64_t offset, void *buf, size_t len);
/* As mote_flash_write (durable on return); MOTE_EPERM if the partition is not writable. */
int mote_partition_write(const struct mote_partition *p, uint64_t offset, const void *buf, size_t len);

#endif
