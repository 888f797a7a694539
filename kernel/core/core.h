/*
 * Internal interfaces of the portable kernel (kernel/src). Apps see only
 * mote.h; ports see only the headers in include/hal/.
 */
#ifndef KERNEL_H
#define KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <mote.h>

#define PAGE_SIZE 4096u
#define PAGE_ROUND_UP(x) (((x) + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(x) ((x) & ~(uintptr_t)(PAGE_SIZE - 1))
#define NS_PER_MS 1000000ull
#define TIME_NEVER UINT64_MAX

/* Linker-script symbols, identical in both ports' link.ld. */
extern char __image_start[], __text_start[], __text_end[], __symtab_start[], __symtab_end[],
    __rodata_start[], __rodata_end[], __data_start[], __data_end[], __bss_start[], __bss_end[],
    __image_end[];

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* ---- fmt.c: the one printf engine ---- */
typedef void (*fmt_put_fn)(char c, void *ctx);
int fmt_format(fmt_put_fn put, void *ctx, const char *fmt, va_list ap);

/* ---- console.c ---- */
/* Write raw bytes to the console with "\n" -> "\r\n", bypassing any lock. */
void console_write(const char *s, size_t n);
/* From now on printf never blocks or locks (fault and panic paths). */
void console_emergency(void);

/* ---- pagepool.c: a bitmap of 4 KiB pages (pure logic, host-tested) ---- */
struct page_pool {
    uintptr_t base;      /* address of page 0 */
    size_t npages;
    size_t nfree;
    size_t hint;         /* where the next search starts */
    uint64_t *bitmap;    /* bit set = page in use */
};
void page_pool_init(struct page_pool *pp, uintptr_t base, size_t npages, uint64_t *bitmap);
/* First fit of n contiguous free pages; returns the address or 0. */
uintptr_t page_pool_alloc(struct page_pool *pp, size_t n);
/* Returns 0, or MOTE_EINVAL if any of the pages was not allocated. */
int page_pool_free(struct page_pool *pp, uintptr_t addr, size_t n);
void page_pool_reserve(struct page_pool *pp, uintptr_t addr, size_t n);

/* ---- mem.c: the machine's page allocator ---- */
void mem_init(void);
void mem_init_window(uintptr_t start, uintptr_t end);
uint64_t mem_total(void);
size_t mem_pages_free(void);
/* n contiguous zeroed pages, or NULL. Any context. */
void *page_alloc(size_t n);
void page_free(void *p, size_t n);
/* 1 if [p, p + n) is identity-mapped RAM (image or pages), so a device may DMA to it; 0 for a thread stack. */
int mem_dma_ok(const void *p, size_t n);

/* ---- heap.c: first-fit allocator with coalescing (pure logic, host-tested) ---- */
struct heap_block;
struct heap {
    struct heap_block *free_list;  /* sorted by address */
    size_t used, peak, free_bytes;
    /* Returns `*bytes` (rounded up by the callee) of fresh memory, or NULL. */
    void *(*grow)(size_t *bytes);
};
void heap_setup(struct heap *h, void *(*grow)(size_t *bytes));
void *heap_alloc(struct heap *h, size_t size);
/* Returns 0, or MOTE_EINVAL for a pointer that is not a live block. */
int heap_release(struct heap *h, void *p);
size_t heap_block_size(void *p);

/* ---- malloc.c ---- */
void heap_init(void);

/* ---- mmu.c ---- */
void mmu_init(void);
int mmu_unmap_page(uintptr_t va);
/* 1 and *prot if `va` is mapped, else 0. */
int mmu_query(uintptr_t va, unsigned *prot);

/* ---- threads and scheduling (sched.c, thread.c, tqueue.c) ---- */
#define PRIO_IDLE 0
#define PRIO_KERNEL (MOTE_PRIO_MAX + 1)
#define NPRIO (PRIO_KERNEL + 1)

enum thread_state { T_READY, T_RUNNING, T_BLOCKED, T_DEAD };

struct mote_thread {
    void *sp;                      /* saved by ctx_switch */
    char name[16];
    int prio;
    enum thread_state state;
    struct mote_thread *next;      /* run queue or wait queue link */
    struct mote_thread **waitq;    /* the wait queue it is blocked on, if any */
    struct mote_thread *sleep_next;
    uint64_t wake_ns;              /* TIME_NEVER unless on the sleep list */
    int wait_result;               /* 0 or MOTE_ETIMEDOUT */
    struct mote_thread *joiners;
    struct mote_thread *all_next;  /* every live thread, for reports */
    uintptr_t stack_base;          /* guard page address (stack area); stack is above it */
    uintptr_t stack_mem;           /* the stack's RAM (identity-mapped address) */
    size_t stack_pages;            /* including the guard page */
    void (*fn)(void *);
    void *arg;
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
/* Mark the current thread dead, wake joiners and switch away for good. */
__attribute__((noreturn)) void sched_exit_current(void);
int sched_in_irq(void);
int sched_running(void);
struct mote_thread *sched_threads(void);
void sched_forget(struct mote_thread *t);
void sched_yield(void);

/* thread.c */
/* Any priority (kernel threads use PRIO_IDLE and PRIO_KERNEL). */
struct mote_thread *thread_spawn(const char *name, void (*fn)(void *), void *arg, int prio,
                                 size_t stack_size);
struct mote_thread *thread_of_guard(uintptr_t addr);
void sched_irq_enter(void);
void sched_irq_leave(void);

/* flash.c: mote_flash_write with the flush left to the caller (sync 0), and the flush */
int flash_write(uint64_t offset, const void *buf, size_t len, int sync);
int flash_sync(void);
void flash_set_window(size_t bytes);   /* before first use: the driver's window (virtio.h) */
int flash_prefetch(uint64_t offset);   /* start reading there; before the scheduler only */

/* bootctl.c */
void bootctl_watchdog_start(void);

/* swtimer.c */
void swtimer_init(void);

/* irq.c */
int irq_attach(unsigned irq, void (*fn)(void *), void *arg);
void irq_quiesce(void);

/* symtab.c / panic.c */
const char *kernel_symbol(uintptr_t addr, uintptr_t *offset);
void backtrace_print(uintptr_t fp, int first_frame);

#endif
