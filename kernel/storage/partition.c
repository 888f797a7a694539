/*
 * Partitions by name (mote/partition.h), from the profile's layout that
 * `mote build` puts in `board`, and the ranges app code may not write:
 * the boot-state record, both image slots, and the system's records at the
 * start of persist. Only the update path writes those (kernel/update,
 * kernel/boot, the OTA agent), through flash_write (drivers.h), never
 * through mote_flash_write.
 */
#include <hal/board.h>
#include <hal/boot.h>
#include <core/core.h>
#include "storage.h"

static const struct {
    const char *name;
    int part;
} names[] = {
    { "boot_state", PART_BOOT_STATE },
    { "slot_a", PART_SLOT_A },
    { "slot_b", PART_SLOT_B },
    { "persist", PART_PERSIST },
};

/* 1 if [a, a + alen) and [b, b + blen) overlap. */
static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

/*
 * Only on a board started by the Mote bootloader: an ELF booted on its own
 * (`mote run x.elf`, with whatever flash a test attaches) has no update
 * path whose records could be damaged, and owns its flash.
 */
int partition_protected(uint64_t offset, uint64_t len)
{
    if (!(arch_boot_flags() & BOOT_F_CHAIN))
        return 0;
    for (int i = PART_BOOT_STATE; i <= PART_SLOT_B; i++)
        if (overlaps(offset, len, board.part_offset[i], board.part_size[i]))
            return 1;
    uint64_t sys = board.part_size[PART_PERSIST] < PERSIST_RESERVED ? board.part_size[PART_PERSIST]
                                                                     : PERSIST_RESERVED;
    return overlaps(offset, len, board.part_offset[PART_PERSIST], sys);
}

int mote_partition_find(const char *name, struct mote_partition *p)
{
    if (!name || !p)
        return MOTE_EINVAL;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i].name))
            continue;
        uint64_t off = board.part_offset[names[i].part], size = board.part_size[names[i].part];
        if (names[i].part == PART_PERSIST) {
            if (size <= PERSIST_RESERVED)
                return MOTE_ENOENT;
            off += PERSIST_RESERVED;
            size -= PERSIST_RESERVED;
        }
        if (!size)
            return MOTE_ENOENT;
        uint64_t flash;
        int err = mote_flash_size(&flash);
        if (err)
            return err;
        if (off > flash || size > flash - off)
            return MOTE_EINVAL;
        p->name = names[i].name;
        p->offset = off;
        p->size = size;
        p->writable = names[i].part == PART_PERSIST;
        return 0;
    }
    return MOTE_ENOENT;
}

static int in_partition(const struct mote_partition *p, uint64_t offset, size_t len)
{
    return p && offset <= p->size && len <= p->size - offset;
}

int mote_partition_read(const struct mote_partition *p, uint64_t offset, void *buf, size_t len)
{
    if (!in_partition(p, offset, len))
        return MOTE_EINVAL;
    return mote_flash_read(p->offset + offset, buf, len);
}

int mote_partition_write(const struct mote_partition *p, uint64_t offset, const void *buf, size_t len)
{
    if (!in_partition(p, offset, len))
        return MOTE_EINVAL;
    if (!p->writable)
        return MOTE_EPERM;
    return mote_flash_write(p->offset + offset, buf, len);
}
