/*
 * The Mote bootloader: the first thing a board runs. It reads the boot
 * state from flash, picks a slot (test / confirm / revert, bootstate.c),
 * loads that slot's image into RAM while hashing it, checks the signature
 * against the keys built into it, the profile and the security counter, and
 * starts it. Every refusal is one console line: slot and reason.
 *
 * Built from the same kernel library as apps, with its own kmain and no
 * threads, MMU or interrupts: flash I/O polls. `mote build` links it per
 * profile with a generated keys.c (boot_keys, boot_key_count) and board.c.
 */
#include <bootstate.h>
#include <crypto.h>
#include <image.h>
#include <hal/board.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/intc.h>
#include <hal/timer.h>
#include "../src/kernel.h"

#define ARENA_SIZE (128u * 1024)   /* pages for virtio rings and the heap */
#define CHUNK (64u * 1024)         /* payload read size */
#define MAX_KEYS 8

extern const uint8_t boot_keys[][32];
extern const unsigned boot_key_count;

static uint8_t arena[ARENA_SIZE] __attribute__((aligned(4096)));
static uint8_t key_ids[MAX_KEYS][32];
static struct boot_state state;
static struct image_info chosen;
static char why_buf[96];
static uint64_t verify_ns;

static const char *why(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
    va_end(ap);
    return why_buf;
}

/* Can the payload go to [load, load + size) without touching us or leaving RAM? */
static const char *check_placement(const struct image_info *in)
{
    uintptr_t base;
    uint64_t ram;
    arch_ram_range(&base, &ram);
    uint64_t lo = in->load_address, hi = lo + in->payload_size;
    if (lo < (uintptr_t)__image_end && hi > (uintptr_t)__image_start)
        return why("image at 0x%lx overlaps the bootloader", (unsigned long)lo);
    if (lo < base || hi > base + ram)
        return why("image at 0x%lx does not fit in RAM", (unsigned long)lo);
    return 0;
}

/* Stream the payload from flash to its load address, hashing it on the way. */
static const char *load_payload(uint64_t off, const struct image_info *in)
{
    struct sha256_ctx sha;
    uint8_t digest[32];
    uint8_t *dst = (uint8_t *)(uintptr_t)in->load_address;
    sha256_init(&sha);
    for (uint32_t done = 0; done < in->payload_size;) {
        uint32_t n = in->payload_size - done < CHUNK ? in->payload_size - done : CHUNK;
        if (mote_flash_read(off + done, dst + done, n))
            return why("flash read error at offset 0x%lx", (unsigned long)(off + done));
        sha256_update(&sha, dst + done, n);
        done += n;
    }
    sha256_final(&sha, digest);
    return memcmp(digest, in->payload_sha256, 32) ? "hash mismatch" : 0;
}

/*
 * boot_env.verify: is `slot` a good image for this board? On success the
 * payload is already in RAM and `chosen` describes it; boot_choose returns
 * right after a successful verify, so what is in RAM is the slot it picks.
 */
static const char *verify_slot(void *ctx, int slot)
{
    (void)ctx;
    uint64_t start = timer_now_ns();
    uint64_t off = board.part_offset[PART_SLOT_A + slot], size = board.part_size[PART_SLOT_A + slot];
    uint8_t hdr[IMAGE_HEADER_SIZE], sig[IMAGE_SIG_SIZE];
    struct image_info in;
    if (mote_flash_read(off, hdr, sizeof(hdr)))
        return "flash read error";
    const char *bad = image_parse_header(hdr, &in);
    if (bad)
        return bad;
    if (strcmp(in.profile, board.name))
        return why("profile mismatch: image is for %s, device is %s", in.profile, board.name);
    if (in.security_counter < state.security_counter)
        return why("downgrade: security counter %u < %u", in.security_counter,
                   state.security_counter);
    if ((uint64_t)IMAGE_HEADER_SIZE + in.payload_size + IMAGE_SIG_SIZE > size)
        return why("truncated: a %u-byte payload does not fit the slot", in.payload_size);
    if (mote_flash_read(off + IMAGE_HEADER_SIZE + in.payload_size, sig, sizeof(sig)))
        return "flash read error";
    bad = image_check_signature(hdr, sig, boot_keys, (const uint8_t(*)[32])key_ids,
                                boot_key_count, why_buf, sizeof(why_buf));
    if (!bad)
        bad = check_placement(&in);
    if (!bad)
        bad = load_payload(off + IMAGE_HEADER_SIZE, &in);
    if (bad)
        return bad;
    chosen = in;
    verify_ns = timer_now_ns() - start;
    return 0;
}

static void note(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    va_list ap;
    va_start(ap, fmt);
    printf("[boot] ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

void kmain(void)
{
    arch_early_init();          // vectors and exception stack: faults are reported
    console_init();
    mem_init_window((uintptr_t)arena, (uintptr_t)arena + ARENA_SIZE);
    heap_init();                // virtio queues come from the arena, never from app RAM
    intc_init();                // IRQs stay masked: flash I/O polls
    timer_init();               // the guest clock, for the verification time
    unsigned nkeys = boot_key_count < MAX_KEYS ? boot_key_count : MAX_KEYS;
    for (unsigned i = 0; i < nkeys; i++)
        sha256(boot_keys[i], 32, key_ids[i]);

    int err = bootstate_load(&bootstate_flash, &state);
    if (err && err != MOTE_ENOENT) {
        printf("[boot] cannot read the boot state from flash (error %d); halting\n", err);
        arch_power_off(MOTE_EXIT_NOBOOT);
    }
    struct boot_env env = { verify_slot, note, 0 };
    int changed;
    int slot = boot_choose(&state, &env, &changed);
    if (slot == SLOT_NONE) {
        printf("[boot] halting\n");
        arch_power_off(MOTE_EXIT_NOBOOT);
    }
    if (changed && (err = bootstate_store(&bootstate_flash, &state)))
        printf("[boot] warning: cannot write the boot state (error %d)\n", err);
    printf("[boot] slot %c: %s %u.%u.%u (security counter %u), verified in %lu us%s\n",
           "AB"[slot], chosen.app_name, chosen.version[0], chosen.version[1], chosen.version[2],
           chosen.security_counter, (unsigned long)(verify_ns / 1000),
           state.pending == slot ? ", TEST boot" : "");
    arch_boot_jump(chosen.entry_point, arch_boot_info(), state.pending == slot ? BOOT_F_TEST : 0);
}
