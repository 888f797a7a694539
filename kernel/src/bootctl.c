/*
 * The running app's side of verified boot: which slot it came from, and
 * confirming it (bootstate.h). The bootloader records the slot it started
 * in the boot state; the image's header in that slot gives its version.
 */
#include <bootstate.h>
#include <image.h>
#include <hal/board.h>
#include "kernel.h"

static int part_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    (void)ctx;
    return mote_flash_read(board.part_offset[PART_BOOT_STATE] + off, buf, len);
}

static int part_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    (void)ctx;
    return mote_flash_write(board.part_offset[PART_BOOT_STATE] + off, buf, len);
}

static const struct flash_io state_io = { part_read, part_write, 0 };

/* Load the boot state and the header of the running slot. */
static int running_image(struct boot_state *st, struct image_info *info)
{
    int err = bootstate_load(&state_io, st);
    if (err)
        return err == MOTE_ENOENT ? MOTE_EINVAL : err;
    if (st->booting > SLOT_B)
        return MOTE_EINVAL;
    uint8_t hdr[IMAGE_HEADER_SIZE];
    err = mote_flash_read(board.part_offset[PART_SLOT_A + st->booting], hdr, sizeof(hdr));
    if (err)
        return err;
    return image_parse_header(hdr, info) ? MOTE_EINVAL : 0;
}

int mote_boot_status(struct mote_boot_status *bs)
{
    struct boot_state st;
    struct image_info info;
    int err = running_image(&st, &info);
    if (err)
        return err;
    bs->slot = (char)('A' + st.booting);
    bs->testing = st.pending == st.booting && st.tries > 0;
    memcpy(bs->version, info.version, sizeof(bs->version));
    bs->security_counter = info.security_counter;
    bs->min_security_counter = st.security_counter;
    return 0;
}

int mote_confirm(void)
{
    struct boot_state st;
    struct image_info info;
    int err = running_image(&st, &info);
    if (err)
        return err;
    if (st.active == st.booting && st.pending != st.booting &&
        st.security_counter >= info.security_counter)
        return 0;   /* nothing to change */
    err = bootstate_confirm(&st, st.booting, info.security_counter);
    return err ? err : bootstate_store(&state_io, &st);
}
