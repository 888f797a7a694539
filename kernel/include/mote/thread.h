/*
 * mote/thread.h - more about threads (mote.h has the basics): starting one
 * with the reason it failed, its stack use, its priority.
 * docs/device-api.md, "Threads", shows each call.
 */
#ifndef MOTE_THREAD_H
#define MOTE_THREAD_H

#include <mote.h>

/* The largest stack_size a thread may ask for. */
#define MOTE_STACK_MAX (16u << 20)
/*
 * Bytes of unmapped addresses under every stack. Running off the bottom of
 * a stack faults there and is reported as a stack overflow naming the
 * thread. So that no function can step over it, apps and kernel are built
 * with -Werror=frame-larger-than: a function whose locals need more than
 * MOTE_STACK_FRAME_MAX bytes does not compile (put such a buffer in a
 * static, or malloc it).
 */
#define MOTE_STACK_GUARD (64u << 10)
#define MOTE_STACK_FRAME_MAX (60u << 10)

/*
 * mote_thread_create, saying why it failed: 0 and *t set, or MOTE_EINVAL
 * (fn is NULL, prio outside MOTE_PRIO_MIN..MOTE_PRIO_MAX, stack_size over
 * MOTE_STACK_MAX) or MOTE_ENOMEM (no RAM for the stack or the thread), with
 * *t NULL.
 */
int mote_thread_start(struct mote_thread **t, const char *name, void (*fn)(void *), void *arg,
                      int prio, size_t stack_size);

/*
 * Set the priority of `t` (NULL: the calling thread), MOTE_PRIO_MIN to
 * MOTE_PRIO_MAX; it takes effect at once (a thread that now outranks the
 * caller runs before this returns). While t holds a mutex that a
 * higher-priority thread waits for, it keeps running at that priority.
 * 0 or MOTE_EINVAL.
 */
int mote_thread_set_priority(struct mote_thread *t, int prio);

struct mote_thread_stat {
    const char *name;
    int priority;        /* now: raised above base_priority while it holds a mutex a
                            higher-priority thread waits for */
    int base_priority;   /* as created or set */
    size_t stack_size;   /* bytes (stack_size rounded up to 4 KiB pages) */
    size_t stack_peak;   /* the most of it ever used (high-water mark), in bytes */
};
/* About thread `t` (NULL: the calling thread). 0, or MOTE_EINVAL if st is NULL. */
int mote_thread_stat(const struct mote_thread *t, struct mote_thread_stat *st);

#endif
