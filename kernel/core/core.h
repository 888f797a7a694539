/*
 * core/: what the rest of the kernel uses of the core: panic, the console,
 * symbols and backtraces, interrupts, threads and the scheduler, software
 * timers. One section per file, as xv6's defs.h. Apps see only mote.h;
 * ports see only include/hal/.
 */
#ifndef CORE_CORE_H
#define CORE_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <mote.h>

struct vrange;

#define NS_PER_MS 1000000ull
#define TIME_NEVER UINT64_MAX

/* Linker-script symbols, identical in both ports' link.ld. */
extern char __image_start[], __text_start[], __text_end[], __symtab_start[], __symtab_end[],
    __rodata_start[], __rodata_end[], __data_start[], __data_end[], __bss_start[], __bss_end[],
    __image_end[];

/* ---- panic.c ---- */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
/* The function holding `addr` in this image's symbol table (symtab.h), or NULL. */
const char *kernel_symbol(uintptr_t addr, uintptr_t *offset);
void backtrace_print(uintptr_t fp, int first_frame);

/* ---- console.c ---- */
/* Write raw bytes to the console with "\n" -> "\r\n", bypassing any lock. */
void console_write(const char *s, size_t n);
/* From now on printf never blocks or locks (fault and panic paths). */
void console_emergency(void);
/*
 * Set by console_emergency(): the kernel is reporting a crash with IRQs off
 * and will not schedule again. Locks are skipped and drivers poll (the
 * flash, so the crash record can be written: shell/crash.c).
 */
extern int kernel_emergency;
/*
 * While `buf` is set, everything printf writes is also appended to
 * buf[*len .. cap) (the crash record keeps the report it printed). NULL stops it.
 */
void console_capture(char *buf, size_t cap, size_t *len);
/* Set by the console shell: mote_getchar() returns -1, the shell reads console_getc(). */
extern int console_input_taken;

/* ---- device.c ---- */
/* A watchdog gave up: reset, or under QEMU power off with `code` (the host sees it). */
__attribute__((noreturn)) void device_reset_or_exit(int code);
/* Run fn at a clean exit (device_exit), before powering off; fn bounds its own wait. */
void device_on_exit(void (*fn)(void));
/* app_main returned or exit() was called: run the exit hooks, then mote_exit(code). */
__attribute__((noreturn)) void device_exit(int code);

/* ---- irq.c ---- */
int irq_attach(unsigned irq, void (*fn)(void *), void *arg);
void irq_quiesce(void);

/* ---- threads and scheduling (sched.c, thread.c, tqueue.c) ---- */
#define PRIO_IDLE 0
#define PRIO_KERNEL (MOTE_PRIO_MAX + 1)
#define NPRIO (PRIO_KERNEL + 1)

enum thread_state { T_READY, T_RUNNING, T_BLOCKED, T_DEAD };

struct mote_thread {
    void *sp;                      /* saved by ctx_switch */
    char name[16];
    unsigned id;                   /* 1, 2, ... in order of creation (ps, trace) */
    uint64_t cpu_ns;               /* time it ran, up to its last switch out */
    uint64_t run_ns;               /* when it was last switched in */
    int prio;                      /* effective: base_prio, or more while it holds a mutex */
    int base_prio;                 /* as created or set (mote_thread_set_priority) */
    struct mote_mutex *held;       /* mutexes it owns, linked through held_next */
    struct mote_mutex *blocked_on; /* the mutex it waits for, if any */
    enum thread_state state;
    struct mote_thread *next;      /* run queue or wait queue link */
    struct mote_thread **waitq;    /* the wait queue it is blocked on, if any */
    struct mote_thread *sleep_next;
    uint64_t wake_ns;              /* TIME_NEVER unless on the sleep list */
    int wait_result;               /* 0 or MOTE_ETIMEDOUT */
    struct mote_thread *joiners;
    struct mote_thread *all_next;  /* every live thread, for reports */
    struct vrange *stack_range;    /* guard region + stack, in the stack area */
    uintptr_t stack_lo;            /* lowest stack address; the guard is below it */
    uintptr_t stack_mem;           /* the stack's RAM (identity-mapped address) */
    size_t stack_size;             /* bytes, whole pages */
    void (*fn)(void *);
    void *arg;
    void *fpu;                     /* its FP/SIMD registers while another thread owns them */
    int errno_value;               /* errno (<errno.h>) is per thread */
};

/* tqueue.c: pure list operations, IRQs off in the caller. */
/* Insert by priority, highest first, FIFO among equals. */
void tq_insert_prio(struct mote_thread **q, struct mote_thread *t);
void tq_push_tail(struct mote_thread **q, struct mote_thread *t);
void tq_push_head(struct mote_thread **q, struct mote_thread *t);
struct mote_thread *tq_pop(struct mote_thread **q);
/* Returns 1 if t was found and removed. */
int tq_remove(struct mote_thread **q, struct mote_thread *t);
/* The sleep list, ordered by wake_ns (ties FIFO), linked through sleep_next. */
void sq_insert(struct mote_thread **q, struct mote_thread *t);
int sq_remove(struct mote_thread **q, struct mote_thread *t);

/* sched.c */
extern struct mote_thread *current;
void sched_init(void);
__attribute__((noreturn)) void sched_start(void);
void sched_add(struct mote_thread *t);       /* a new thread becomes ready */
/* Switch if a higher-priority thread became ready (thread context). */
void sched_preempt(void);
/*
 * Block the current thread on `waitq` (may be NULL: just sleep) until
 * woken or `deadline_ns` passes. IRQs must be off. Returns 0 when woken,
 * MOTE_ETIMEDOUT on timeout.
 */
int sched_wait(struct mote_thread **waitq, uint64_t deadline_ns);
/* Wake the first waiter of `waitq`; returns it, or NULL. IRQs off; any context. */
struct mote_thread *sched_wake_one(struct mote_thread **waitq);
void sched_wake_all(struct mote_thread **waitq);
/* Change t's effective priority, requeueing it. IRQs off. */
void sched_set_prio(struct mote_thread *t, int prio);
/* Mark the current thread dead, wake joiners and switch away for good. */
__attribute__((noreturn)) void sched_exit_current(void);
int sched_in_irq(void);
int sched_running(void);
struct mote_thread *sched_threads(void);
void sched_forget(struct mote_thread *t);
void sched_yield(void);
void sched_irq_enter(void);
void sched_irq_leave(void);
/* CPU time t has run so far, including the current stretch if it runs now. */
uint64_t sched_cpu_ns(const struct mote_thread *t);

/* thread.c */
/* Unmapped addresses under every stack: no frame may be this large (docs/decisions.md). */
#define STACK_GUARD MOTE_STACK_GUARD
/*
 * A new ready thread at any priority (kernel threads use PRIO_IDLE and
 * PRIO_KERNEL): 0, MOTE_EINVAL (no fn, stack over MOTE_STACK_MAX) or
 * MOTE_ENOMEM. thread_spawn: the same, NULL on failure.
 */
int thread_new(struct mote_thread **out, const char *name, void (*fn)(void *), void *arg,
               int prio, size_t stack_size);
struct mote_thread *thread_spawn(const char *name, void (*fn)(void *), void *arg, int prio,
                                 size_t stack_size);
struct mote_thread *thread_of_guard(uintptr_t addr);
int thread_sp_overflowed(const struct mote_thread *t, uintptr_t sp);

/* fpu.c: lazy FP/SIMD switching */
extern struct mote_thread *fpu_owner;
extern int fpu_access_on;
void fpu_set_access(struct mote_thread *next);
/* Before switching to `next` (IRQs off): FP access only for the owner of the registers. */
static inline void fpu_switch(struct mote_thread *next)
{
    if ((next == fpu_owner) != fpu_access_on)
        fpu_set_access(next);
}
void fpu_exit(struct mote_thread *t);
void fpu_free(struct mote_thread *t);

/* sync.c */
/* Recompute t's priority (base and what its mutexes' waiters lend it), then its owners'. IRQs off. */
void prio_update(struct mote_thread *t);

/* ---- watchdog.c ---- */
/* Print every thread but the caller with its state and backtrace (reports). */
void threads_report(void);
/* "ready", "running", "blocked", "sleeping", "ended": what t does now (reports, ps). */
const char *thread_state_name(const struct mote_thread *t);

/*
 * ---- crash records (shell/crash.c), weak: linked only into an image that
 * can report them (the shell, the OTA agent). A report calls crash_begin()
 * right after console_emergency() and crash_end() once it printed
 * everything; crash_end writes the record to flash and returns. `kind` is
 * the record's fault kind ("panic", "null-pointer", "watchdog", ...).
 */
void crash_begin(void) __attribute__((weak));
void crash_end(const char *kind, uintptr_t addr) __attribute__((weak));

/* ---- swtimer.c ---- */
void swtimer_init(void);

#endif
