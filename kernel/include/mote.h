/*
 * mote.h - the whole device API for a Mote app.
 *
 * An app defines `int app_main(void)`; the kernel calls it in the "main"
 * thread (priority MOTE_PRIO_DEFAULT) once the board is up. Its return value
 * is the device's exit code: under `mote run` it becomes the exit code of the
 * command. docs/device-api.md shows an example for every call.
 *
 * Conventions: functions returning int return 0 (or a count) on success and a
 * negative MOTE_E* code on failure. Times are in milliseconds unless the name
 * says otherwise. Nothing here may be called from an interrupt handler unless
 * its comment says so.
 */
#ifndef MOTE_H
#define MOTE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int app_main(void);

/* ---- errors and exit codes ---- */
#define MOTE_EINVAL   (-22) /* bad argument */
#define MOTE_ENOMEM   (-12) /* out of memory */
#define MOTE_ETIMEDOUT (-110) /* the wait timed out */
#define MOTE_EAGAIN   (-11) /* would block and timeout was 0 */
#define MOTE_EPERM    (-1)  /* not allowed (e.g. unlocking another thread's mutex) */
#define MOTE_EIO      (-5)  /* the device reported an error */
#define MOTE_ENOENT   (-2)  /* nothing there (e.g. a blank boot-state record) */
#define MOTE_ENODEV   (-19) /* the board has no such device (e.g. no flash attached) */

#define MOTE_EXIT_PANIC 101 /* exit code after a panic or fault */
#define MOTE_EXIT_NOBOOT 102 /* the bootloader found no image it may start */
#define MOTE_EXIT_WATCHDOG 103 /* a TEST image did not confirm in time (see mote_confirm) */
#define MOTE_FOREVER  UINT32_MAX /* timeout: wait without limit */

/* ---- console and strings (the C library's headers have more: docs/device-api.md) ---- */
/*
 * Code built with the FP registers (apps) calls the printf family through entry points that
 * save them (kernel/libc/fp/stdio.c), so a double argument arrives; the kernel, built without
 * them, calls the plain ones. The test is the compiler's own: NEON / SSE2 in use.
 */
#if (defined(__ARM_NEON) || defined(__SSE2__)) && !defined(HOST_TEST)
#define MOTE_FP_ENTRY(name) __asm__("mote_fp_" #name)
#else
#define MOTE_FP_ENTRY(name)
#endif
int printf(const char *fmt, ...) MOTE_FP_ENTRY(printf) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) MOTE_FP_ENTRY(snprintf)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);
/* Next byte typed on the console, or -1 if none is waiting. */
int mote_getchar(void);

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy(char *dst, const char *src, size_t n);
char *strchr(const char *s, int c);

/* ---- memory ---- */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

struct mote_mem_stats {
    size_t ram_total;   /* bytes of RAM the kernel manages */
    size_t pages_free;  /* free 4 KiB pages */
    size_t heap_used;   /* bytes handed out by malloc, not yet freed */
    size_t heap_peak;   /* high-water mark of heap_used */
    size_t heap_free;   /* bytes free inside the heap's current pages */
    size_t heap_largest; /* the largest of them in one block: the biggest malloc that needs no new pages */
};
void mote_mem_stats(struct mote_mem_stats *st);

/* ---- time ---- */
uint64_t mote_uptime_ns(void);
uint64_t mote_uptime_ms(void);
/* Block the calling thread for at least `ms`; the CPU idles meanwhile. */
void mote_sleep_ms(uint32_t ms);
/* Let another ready thread of the same priority run. */
void mote_yield(void);

/* ---- threads ---- */
#define MOTE_PRIO_MIN     1  /* lowest priority an app thread may have */
#define MOTE_PRIO_DEFAULT 8
#define MOTE_PRIO_MAX     15 /* highest */
#define MOTE_STACK_DEFAULT 8192

struct mote_thread;
/*
 * Start `fn(arg)` in a new thread. Higher `prio` preempts lower; equal
 * priorities share the CPU in round-robin time slices. `stack_size` 0 means
 * MOTE_STACK_DEFAULT; a guard page sits under every stack, so an overflow is
 * reported as one instead of corrupting memory (mote/thread.h). When `fn`
 * returns the thread ends. Returns the thread (for mote_thread_join), or
 * NULL: bad arguments or out of memory (mote_thread_start says which).
 */
struct mote_thread *mote_thread_create(const char *name, void (*fn)(void *), void *arg,
                                       int prio, size_t stack_size);
/* Wait for `t` to end and free it. Each thread may be joined once. */
int mote_thread_join(struct mote_thread *t);
struct mote_thread *mote_thread_self(void);
const char *mote_thread_name(const struct mote_thread *t);
/* End the calling thread now (one that ends holding a mutex panics: its waiters would hang). */
__attribute__((noreturn)) void mote_thread_exit(void);

/*
 * ---- mutex (owner-tracked, not recursive, priority inheritance: while a
 * thread waits for it, its owner runs at least at the waiter's priority) ----
 */
struct mote_mutex {
    struct mote_thread *owner;
    struct mote_thread *waiters;
    struct mote_mutex *held_next;   /* the owner's other mutexes */
};
#define MOTE_MUTEX_INIT { 0, 0, 0 }
void mote_mutex_init(struct mote_mutex *m);
void mote_mutex_lock(struct mote_mutex *m);
int mote_mutex_unlock(struct mote_mutex *m);

/* ---- counting semaphore; mote_sem_post may be called from an IRQ ---- */
struct mote_sem {
    uint32_t count;
    struct mote_thread *waiters;
};
void mote_sem_init(struct mote_sem *s, uint32_t count);
/* 0 when taken; MOTE_ETIMEDOUT / MOTE_EAGAIN (timeout 0) when not. */
int mote_sem_wait(struct mote_sem *s, uint32_t timeout_ms);
void mote_sem_post(struct mote_sem *s);

/* ---- message queue: fixed-size items copied in and out, FIFO ---- */
struct mote_queue {
    uint8_t *buf;
    size_t item_size, capacity, head, count;
    struct mote_sem items, slots;
};
/* Allocates capacity * item_size bytes. */
int mote_queue_init(struct mote_queue *q, size_t item_size, size_t capacity);
int mote_queue_send(struct mote_queue *q, const void *item, uint32_t timeout_ms);
int mote_queue_recv(struct mote_queue *q, void *item, uint32_t timeout_ms);
void mote_queue_destroy(struct mote_queue *q);

/* ---- software timers: callbacks run in the kernel's timer thread ---- */
struct mote_timer {
    void (*fn)(struct mote_timer *t, void *arg);
    void *arg;
    uint64_t deadline_ns, period_ns;
    struct mote_timer *next;
    bool armed;
};
/* Run fn(t, arg) after `delay_ms`, then every `period_ms` (0: once). */
void mote_timer_start(struct mote_timer *t, uint32_t delay_ms, uint32_t period_ms,
                      void (*fn)(struct mote_timer *t, void *arg), void *arg);
void mote_timer_stop(struct mote_timer *t);

/* ---- flash: the board's persistent storage (the first virtio-blk device) ---- */
/*
 * Byte offsets and lengths, any alignment. Every call may block (it waits
 * for the device). MOTE_ENODEV: the board has no flash; MOTE_EINVAL: the
 * range runs past the end; MOTE_EIO: the device reported an error.
 */
/* Size of the flash in bytes. */
int mote_flash_size(uint64_t *bytes);
/* Read `len` bytes at `offset` into `buf`. */
int mote_flash_read(uint64_t offset, void *buf, size_t len);
/*
 * Write `len` bytes from `buf` at `offset`; returns once they are durable
 * (flushed). MOTE_EPERM if the flash is read-only, or if the range touches
 * what only the update path writes (mote/partition.h).
 */
int mote_flash_write(uint64_t offset, const void *buf, size_t len);

/* ---- verified boot: test, confirm, revert (docs/boot-flow.md) ---- */
struct mote_boot_status {
    char slot;                 /* 'A' or 'B': where the running image came from */
    bool testing;              /* a TEST boot: not yet confirmed */
    uint32_t version[3];       /* the running image's version, major.minor.patch */
    uint32_t security_counter; /* the running image's counter */
    uint32_t min_security_counter; /* the lowest counter the bootloader will accept */
};
/* What the bootloader started, read from the flash. MOTE_ENODEV without flash. */
int mote_boot_status(struct mote_boot_status *st);
/*
 * Confirm the running image: it stays after the next reboot, and its
 * security counter becomes the floor for future images. A new image that
 * is not confirmed by the time the device boots again (it crashed, hung or
 * was reset) is reverted to the previous one. Returns 0, also when already
 * confirmed.
 */
int mote_confirm(void);
/*
 * A TEST image that has not confirmed this many ms after boot is reset by
 * the kernel's watchdog (exit MOTE_EXIT_WATCHDOG under QEMU), so a hung or
 * deadlocked update is reverted too. 60 s unless the app defines its own:
 *     const uint32_t mote_confirm_timeout_ms = 10000;
 */
extern const uint32_t mote_confirm_timeout_ms;

/* ---- randomness: a ChaCha20 CSPRNG, any context (also interrupt handlers) ---- */
/*
 * n unpredictable bytes (keys, nonces, ids). Seeded on first use from the
 * board's entropy device (virtio-rng, when the profile names one) and timer
 * jitter; output already given out cannot be recomputed from a later state.
 */
void mote_random(void *buf, size_t n);
uint32_t mote_random32(void);

/* ---- SHA-256 (FIPS 180-4), e.g. to check what was downloaded ---- */
struct mote_sha256 {
    uint32_t state[8];
    uint64_t bytes;
    uint8_t buf[64];
};
void mote_sha256_init(struct mote_sha256 *s);
void mote_sha256_update(struct mote_sha256 *s, const void *data, size_t len);
void mote_sha256_final(struct mote_sha256 *s, uint8_t digest[32]);

/* ---- the device ---- */
/* Name of the device profile this image was built for. */
const char *mote_board_name(void);
/* Power off now; `code` is the exit code `mote run` reports. */
__attribute__((noreturn)) void mote_exit(int code);
/* Print the message, registers and a symbolized backtrace; exit MOTE_EXIT_PANIC. */
__attribute__((noreturn, format(printf, 1, 2))) void mote_panic(const char *fmt, ...);

#define MOTE_ASSERT(cond) \
    do { if (!(cond)) mote_panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); } while (0)

/* ---- more of the API, one header per subject ---- */
#include <mote/thread.h>
#include <mote/sync.h>
#include <mote/watchdog.h>
#include <mote/partition.h>
#include <mote/kv.h>
#include <mote/shell.h>

#endif
