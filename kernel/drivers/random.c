/*
 * mote_random(): the kernel's one CSPRNG (crypto/csprng.c, ChaCha20 with
 * fast key erasure), seeded on first use from the board's virtio-rng (when
 * the profile names one: rng = virtio) and always from timer jitter. Any
 * context: generating runs with interrupts off, in pieces of at most
 * RANDOM_CHUNK bytes so they stay off only briefly.
 *
 * A first call from an interrupt handler cannot wait for the device, so it
 * seeds from jitter alone; the next call from a thread adds the device's
 * entropy. Under emulation the jitter of a timer read is the host's
 * scheduling and cache noise: we credit it with one bit per sample only.
 */
#include <hal/board.h>
#include <hal/cpu.h>
#include <hal/timer.h>
#include <core/core.h>
#include <crypto/crypto.h>
#include "drivers.h"
#include "virtio/virtio.h"

#define RANDOM_CHUNK 256
#define JITTER_SAMPLES 64

enum { SEED_NONE, SEED_JITTER, SEED_FULL };

static struct csprng rng;
static volatile int seed_state;
static struct mote_mutex seed_lock = MOTE_MUTEX_INIT;

/* Timer readings around a little data-dependent work; the last one is returned too. */
static void add_jitter(void)
{
    uint64_t s[JITTER_SAMPLES];
    volatile uint32_t x = 0;
    for (int i = 0; i < JITTER_SAMPLES; i++) {
        uint64_t t = timer_now_ns();
        for (uint32_t k = (uint32_t)(t & 31) + 8; k; k--)
            x += k * (uint32_t)t;
        s[i] = timer_now_ns() ^ (t << 32) ^ x;
    }
    unsigned long f = arch_irq_save();
    csprng_add_entropy(&rng, s, sizeof(s), JITTER_SAMPLES);
    arch_irq_restore(f);
}

/* Thread context: jitter and, if the board has one, 32 bytes from virtio-rng. */
static void seed_full(void)
{
    int threads = sched_running();
    if (threads)
        mote_mutex_lock(&seed_lock);
    if (seed_state != SEED_FULL) {
        uint8_t hw[32];
        int from_hw = 0;
        add_jitter();
        if ((board.devices & BOARD_DEV_RNG_VIRTIO) && virtio_rng_read(hw, sizeof(hw)) == 0) {
            unsigned long f = arch_irq_save();
            csprng_add_entropy(&rng, hw, sizeof(hw), 8 * sizeof(hw));
            arch_irq_restore(f);
            memset(hw, 0, sizeof(hw));
            from_hw = 1;
        }
        seed_state = SEED_FULL;
        printf("[mote] random: seeded from %stimer jitter\n", from_hw ? "virtio-rng and " : "");
    }
    if (threads)
        mote_mutex_unlock(&seed_lock);
}

void mote_random(void *buf, size_t n)
{
    if (seed_state != SEED_FULL) {
        if (!sched_in_irq()) {
            seed_full();
        } else if (seed_state == SEED_NONE) {
            add_jitter();
            seed_state = SEED_JITTER;
        }
    }
    uint8_t *p = buf;
    while (n) {
        size_t c = n < RANDOM_CHUNK ? n : RANDOM_CHUNK;
        unsigned long f = arch_irq_save();
        csprng_generate(&rng, p, c);
        arch_irq_restore(f);
        p += c;
        n -= c;
    }
}

uint32_t mote_random32(void)
{
    uint32_t v;
    mote_random(&v, sizeof(v));
    return v;
}

/* Mix data into the generator without crediting it (drivers: arrival times, MACs). Any context. */
void random_mix(const void *data, size_t len)
{
    unsigned long f = arch_irq_save();
    csprng_add_entropy(&rng, data, len, 0);
    arch_irq_restore(f);
}
