/*
 * The boot-state record and the boot decisions, on a simulated flash that
 * can lose power after any byte of a write.
 */
#include <stdarg.h>
#include <stdint.h>
#include "check.h"
#include "hex.h"
#include <mote.h>
#include <lib/lib.h>
#include <update/bootstate.h>

#define PART_SIZE (2 * BOOTSTATE_COPY_STRIDE)

struct sim_flash {
    uint8_t bytes[PART_SIZE];
    long budget;        /* bytes that may still be written before the power cut; -1: unlimited */
};

static int sim_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct sim_flash *f = ctx;
    memcpy(buf, f->bytes + off, len);
    return 0;
}

static int sim_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    struct sim_flash *f = ctx;
    for (size_t i = 0; i < len; i++) {
        if (f->budget == 0)
            return MOTE_EIO;      /* power is gone: the rest never reaches the flash */
        f->bytes[off + i] = ((const uint8_t *)buf)[i];
        if (f->budget > 0)
            f->budget--;
    }
    return 0;
}

static struct flash_io io_for(struct sim_flash *f)
{
    struct flash_io io = { sim_read, sim_write, f };
    return io;
}

void test_bootstate_round_trip_and_alternating_copies(void)
{
    static struct sim_flash f = { .budget = -1 };
    struct flash_io io = io_for(&f);
    struct boot_state st, got;
    CHECK(bootstate_load(&io, &st) == MOTE_ENOENT);       /* blank flash */
    CHECK(st.active == SLOT_NONE && st.pending == SLOT_NONE);
    st.active = SLOT_A;
    CHECK(bootstate_store(&io, &st) == 0);
    CHECK(bootstate_load(&io, &got) == 0);
    CHECK(got.active == SLOT_A && got.seq == 1);
    bootstate_set_pending(&got, SLOT_B);
    CHECK(bootstate_store(&io, &got) == 0);
    CHECK(got.seq == 2);
    CHECK(bootstate_load(&io, &st) == 0);
    CHECK(st.pending == SLOT_B && st.seq == 2);
    /* both copies now hold valid records, seq 1 and 2 */
    struct boot_state c0, c1;
    memcpy(&c0, f.bytes, sizeof(c0));
    memcpy(&c1, f.bytes + BOOTSTATE_COPY_STRIDE, sizeof(c1));
    CHECK(c1.seq == 1 && c0.seq == 2);
    /* a corrupted newest copy falls back to the older one */
    f.bytes[10] ^= 0x40;
    CHECK(bootstate_load(&io, &st) == 0);
    CHECK(st.seq == 1 && st.pending == SLOT_NONE);
}

/* Cut the power after every possible number of bytes of a write. */
void test_bootstate_torn_writes_never_lose_the_state(void)
{
    static struct sim_flash base = { .budget = -1 };
    struct flash_io io = io_for(&base);
    struct boot_state st;
    bootstate_load(&io, &st);
    st.active = SLOT_A;
    bootstate_store(&io, &st);
    st.active = SLOT_B;
    bootstate_store(&io, &st);          /* seq 2 (active B) is the state to protect */
    for (long cut = 0; cut <= BOOTSTATE_SIZE; cut++) {
        static struct sim_flash f;
        f = base;
        struct flash_io fio = io_for(&f);
        struct boot_state next;
        CHECK(bootstate_load(&fio, &next) == 0);
        bootstate_set_pending(&next, SLOT_A);
        f.budget = cut;
        bootstate_store(&fio, &next);
        struct boot_state after;
        CHECK(bootstate_load(&fio, &after) == 0);
        if (cut == BOOTSTATE_SIZE) {
            CHECK(after.seq == 3 && after.pending == SLOT_A);
        } else {
            CHECK(after.seq == 2 && after.active == SLOT_B && after.pending == SLOT_NONE);
        }
    }
}

/*
 * A scripted device: which slots hold good images, and what the bootloader
 * said. `flash` is the record as last saved (what a reset leaves), and
 * `at_verify` the saved record at each slot's last verify.
 */
struct script {
    const char *why[2];
    char log[512];
    struct boot_state flash;
    int saves, save_error;
    struct boot_state at_verify[2];
};

static const char *script_verify(void *ctx, int slot)
{
    struct script *s = ctx;
    s->at_verify[slot] = s->flash;
    return s->why[slot];
}

static int script_save(void *ctx, struct boot_state *st)
{
    struct script *s = ctx;
    if (s->save_error)
        return s->save_error;
    s->saves++;
    st->seq++;
    s->flash = *st;
    return 0;
}

static void script_note(void *ctx, const char *fmt, ...)
{
    struct script *s = ctx;
    size_t n = strlen(s->log);
    va_list ap;
    va_start(ap, fmt);
    k_vsnprintf(s->log + n, sizeof(s->log) - n, fmt, ap);
    va_end(ap);
    strncat(s->log, "\n", sizeof(s->log) - strlen(s->log) - 1);
}

static struct boot_env env_for(struct script *s)
{
    struct boot_env env = { script_verify, script_note, s, script_save };
    return env;
}

void test_boot_choose_test_confirm_and_revert(void)
{
    struct script s = { .why = { NULL, NULL } };
    struct boot_env env = env_for(&s);
    struct boot_state st;
    int changed;
    bootstate_init(&st);
    CHECK(boot_choose(&st, &env, &changed) == SLOT_A);   /* factory image in A */
    CHECK(changed && st.active == SLOT_A);

    bootstate_set_pending(&st, SLOT_B);                  /* an update lands in B */
    CHECK(boot_choose(&st, &env, &changed) == SLOT_B);
    CHECK(st.tries == 1 && st.booting == SLOT_B && strstr(s.log, "slot B: new image"));

    /* the TEST image crashed before confirming: next boot reverts to A */
    CHECK(boot_choose(&st, &env, &changed) == SLOT_A);
    CHECK(st.pending == SLOT_NONE && st.active == SLOT_A);
    CHECK(strstr(s.log, "slot B: TEST image was not confirmed; reverting") != NULL);

    /* a second update that confirms stays */
    bootstate_set_pending(&st, SLOT_B);
    CHECK(boot_choose(&st, &env, &changed) == SLOT_B);
    CHECK(bootstate_confirm(&st, SLOT_B, 7) == 0);
    CHECK(st.active == SLOT_B && st.pending == SLOT_NONE && st.security_counter == 7);
    CHECK(boot_choose(&st, &env, &changed) == SLOT_B);
    CHECK(!changed);
    CHECK(bootstate_confirm(&st, SLOT_A, 9) == MOTE_EINVAL);   /* A is not running */
    CHECK(bootstate_set_pending(&st, SLOT_B) == MOTE_EINVAL);  /* never overwrite the active slot */
}

void test_boot_choose_refusals_fall_back(void)
{
    struct script s = { .why = { NULL, "bad signature" } };
    struct boot_env env = env_for(&s);
    struct boot_state st;
    int changed;
    bootstate_init(&st);
    st.active = SLOT_A;
    bootstate_set_pending(&st, SLOT_B);
    CHECK(boot_choose(&st, &env, &changed) == SLOT_A);   /* tampered update never runs */
    CHECK(strstr(s.log, "slot B refused: bad signature") != NULL);
    CHECK(st.pending == SLOT_NONE);

    /* the active image got corrupted; the other slot holds an older good image */
    s.why[0] = "hash mismatch";
    s.why[1] = NULL;
    s.log[0] = 0;
    CHECK(boot_choose(&st, &env, &changed) == SLOT_B);
    CHECK(st.active == SLOT_B && strstr(s.log, "slot A refused: hash mismatch"));

    /* nothing good anywhere */
    s.why[1] = "bad magic";
    s.log[0] = 0;
    CHECK(boot_choose(&st, &env, &changed) == SLOT_NONE);
    CHECK(strstr(s.log, "no bootable image") != NULL);
}

/*
 * A pending image is counted as tried before the bootloader touches it: if
 * loading or starting it faults, hangs or is reset (verify never returns),
 * the record on flash already says tries = 1 and the next boot reverts to
 * the confirmed slot instead of trying the candidate forever.
 */
void test_boot_choose_counts_a_test_boot_before_touching_it(void)
{
    struct script s = { .why = { NULL, NULL } };
    struct boot_env env = env_for(&s);
    struct boot_state st;
    int changed;
    bootstate_init(&st);
    st.active = SLOT_A;
    st.booting = SLOT_A;
    bootstate_set_pending(&st, SLOT_B);
    s.flash = st;                                         /* what the flasher / OTA agent stored */

    CHECK(boot_choose(&st, &env, &changed) == SLOT_B);
    CHECK(s.saves == 1);
    CHECK(s.at_verify[SLOT_B].pending == SLOT_B && s.at_verify[SLOT_B].tries == 1 &&
          s.at_verify[SLOT_B].booting == SLOT_B);         /* stored before the image was read */

    /* the load faulted and the board reset: it boots from what the flash holds */
    struct boot_state after_reset = s.flash;
    s.log[0] = 0;
    CHECK(boot_choose(&after_reset, &env, &changed) == SLOT_A);
    CHECK(strstr(s.log, "slot B: TEST image was not confirmed; reverting") != NULL);
    CHECK(after_reset.pending == SLOT_NONE && after_reset.active == SLOT_A && changed);

    /* a candidate refused by verify is still reverted in the same boot */
    bootstate_init(&st);
    st.active = SLOT_A;
    bootstate_set_pending(&st, SLOT_B);
    s.flash = st;
    s.why[1] = "hash mismatch";
    s.log[0] = 0;
    CHECK(boot_choose(&st, &env, &changed) == SLOT_A);
    CHECK(st.pending == SLOT_NONE && st.tries == 0 && changed);
    CHECK(strstr(s.log, "slot B refused: hash mismatch") != NULL);

    /* the attempt cannot be recorded: the candidate is not tried on this boot, and stays pending */
    bootstate_init(&st);
    st.active = SLOT_A;
    bootstate_set_pending(&st, SLOT_B);
    s.why[1] = NULL;
    s.save_error = MOTE_EIO;
    s.at_verify[SLOT_B].seq = 12345;
    s.log[0] = 0;
    CHECK(boot_choose(&st, &env, &changed) == SLOT_A);
    CHECK(s.at_verify[SLOT_B].seq == 12345);              /* never verified, never loaded */
    CHECK(st.pending == SLOT_B && st.tries == 0);
    CHECK(strstr(s.log, "slot B: cannot record the TEST attempt") != NULL);
}

/*
 * The record the SDK's flash tools write (dev.mote.sdk.flash.BootState) must be
 * byte for byte what the device reads: BootStateTest checks the same hex.
 * seq 2, active A, pending B, tries 1, booting B, security counter 7.
 */
void test_bootstate_golden_record(void)
{
    static const char golden[] =
        "4d425354" "0100" "4000" "02000000" "00" "01" "01" "01" "07000000"
        "0000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000"
        "c9205d41";
    static struct sim_flash f = { .budget = -1 };
    struct flash_io io = io_for(&f);
    struct boot_state st, got;
    bootstate_init(&st);
    st.seq = 1;                 /* bootstate_store writes seq + 1 */
    st.active = SLOT_A;
    st.pending = SLOT_B;
    st.tries = 1;
    st.booting = SLOT_B;
    st.security_counter = 7;
    CHECK(bootstate_store(&io, &st) == 0);
    CHECK(st.seq == 2 && st.crc == crc32(&st, 60) && st.crc == 0x415d20c9u);
    char hex[2 * BOOTSTATE_SIZE + 1];
    CHECK_STR(hex_encode(hex, f.bytes, BOOTSTATE_SIZE), golden);   /* seq 2: copy 0 */
    uint8_t zero[BOOTSTATE_SIZE] = { 0 };
    CHECK(memcmp(f.bytes + BOOTSTATE_COPY_STRIDE, zero, sizeof(zero)) == 0);
    CHECK(bootstate_load(&io, &got) == 0);
    CHECK(got.seq == 2 && got.active == SLOT_A && got.pending == SLOT_B && got.tries == 1 &&
          got.booting == SLOT_B && got.security_counter == 7);
}
