/*
 * The boot-state record (bootstate.h): two copies, sequence numbers, CRCs,
 * and the test/confirm/revert decisions the bootloader and the running app
 * make with it. Pure logic over a flash_io; compiled into the bootloader,
 * the kernel and the host tests.
 */
#include <mote.h>
#include <lib/lib.h>
#include "bootstate.h"

void bootstate_init(struct boot_state *st)
{
    memset(st, 0, sizeof(*st));
    st->magic = BOOTSTATE_MAGIC;
    st->version = BOOTSTATE_VERSION;
    st->size = BOOTSTATE_SIZE;
    st->active = SLOT_NONE;
    st->pending = SLOT_NONE;
    st->booting = SLOT_NONE;
}

static int record_valid(const struct boot_state *st)
{
    return st->magic == BOOTSTATE_MAGIC && st->version == BOOTSTATE_VERSION &&
           st->size == BOOTSTATE_SIZE && st->crc == crc32(st, offsetof(struct boot_state, crc)) &&
           (st->active <= SLOT_B || st->active == SLOT_NONE) &&
           (st->pending <= SLOT_B || st->pending == SLOT_NONE) &&
           (st->booting <= SLOT_B || st->booting == SLOT_NONE);
}

int bootstate_load(const struct flash_io *io, struct boot_state *st)
{
    struct boot_state copy[2];
    int best = -1;
    for (int i = 0; i < 2; i++) {
        int err = io->read(io->ctx, (uint64_t)i * BOOTSTATE_COPY_STRIDE, &copy[i], sizeof(copy[i]));
        if (err)
            return err;
        if (record_valid(&copy[i]) && (best < 0 || copy[i].seq > copy[best].seq))
            best = i;
    }
    if (best < 0) {
        bootstate_init(st);
        return MOTE_ENOENT;
    }
    *st = copy[best];
    return 0;
}

int bootstate_store(const struct flash_io *io, struct boot_state *st)
{
    st->magic = BOOTSTATE_MAGIC;
    st->version = BOOTSTATE_VERSION;
    st->size = BOOTSTATE_SIZE;
    st->seq++;
    st->crc = crc32(st, offsetof(struct boot_state, crc));
    /* copies alternate by seq parity: the newest valid one is never overwritten */
    return io->write(io->ctx, (uint64_t)(st->seq & 1) * BOOTSTATE_COPY_STRIDE, st, sizeof(*st));
}

static const char *slot_name(int slot)
{
    return slot == SLOT_A ? "A" : "B";
}

/*
 * Start the pending image in TEST, or revert it if its TEST boot never
 * confirmed. The attempt is stored (tries = 1) before verify() reads a byte
 * of the candidate: loading it is already part of the trial, so a fault,
 * hang or reset anywhere from here on reverts it on the next boot. If the
 * attempt cannot be stored, the candidate is not tried now (it stays
 * pending: the flash may work again next boot).
 */
static int try_pending(struct boot_state *st, const struct boot_env *env, int *changed)
{
    int p = st->pending;
    if (st->tries == 0) {
        uint8_t booting = st->booting;
        st->tries = 1;
        st->booting = (uint8_t)p;
        int err = env->save(env->ctx, st);
        if (err) {
            st->tries = 0;
            st->booting = booting;
            env->note(env->ctx, "slot %s: cannot record the TEST attempt (error %d); not trying it now",
                      slot_name(p), err);
            return SLOT_NONE;
        }
        const char *why = env->verify(env->ctx, p);
        if (!why) {
            env->note(env->ctx, "slot %s: new image, starting it in TEST", slot_name(p));
            return p;
        }
        env->note(env->ctx, "slot %s refused: %s", slot_name(p), why);
    } else {
        env->note(env->ctx, "slot %s: TEST image was not confirmed; reverting", slot_name(p));
    }
    st->pending = SLOT_NONE;
    st->tries = 0;
    *changed = 1;
    return SLOT_NONE;
}

int boot_choose(struct boot_state *st, const struct boot_env *env, int *changed)
{
    *changed = 0;
    int skip = SLOT_NONE;   /* an unconfirmed image we just gave up on */
    if (st->pending != SLOT_NONE) {
        skip = st->pending;
        int slot = try_pending(st, env, changed);
        if (slot != SLOT_NONE)
            return slot;
    }
    int first = st->active != SLOT_NONE ? st->active : SLOT_A;
    for (int i = 0; i < 2; i++) {
        int slot = i ? first ^ 1 : first;
        if (slot == skip)
            continue;
        const char *why = env->verify(env->ctx, slot);
        if (why) {
            env->note(env->ctx, "slot %s refused: %s", slot_name(slot), why);
            continue;
        }
        if (st->active != slot || st->booting != slot) {
            st->active = (uint8_t)slot;
            st->booting = (uint8_t)slot;
            *changed = 1;
        }
        return slot;
    }
    env->note(env->ctx, "no bootable image in slot A or B");
    return SLOT_NONE;
}

int bootstate_confirm(struct boot_state *st, int slot, uint32_t counter)
{
    if (st->pending == slot && st->tries > 0) {
        st->active = (uint8_t)slot;
        st->pending = SLOT_NONE;
        st->tries = 0;
    } else if (st->active != slot) {
        return MOTE_EINVAL;
    }
    if (counter > st->security_counter)
        st->security_counter = counter;
    return 0;
}

int bootstate_set_pending(struct boot_state *st, int slot)
{
    if ((slot != SLOT_A && slot != SLOT_B) || slot == st->active)
        return MOTE_EINVAL;
    st->pending = (uint8_t)slot;
    st->tries = 0;
    return 0;
}
