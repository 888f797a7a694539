/*
 * mote/sync.h - condition variables and event flags (mote.h has mutexes,
 * semaphores and queues). docs/device-api.md shows each call.
 */
#ifndef MOTE_SYNC_H
#define MOTE_SYNC_H

#include <mote.h>

/* ---- condition variable: wait for a change made under a mutex ---- */
struct mote_cond {
    struct mote_thread *waiters;
};
#define MOTE_COND_INIT { 0 }
void mote_cond_init(struct mote_cond *c);
/*
 * Unlock `m` (which the caller must hold) and wait for a signal, as one
 * step; then lock `m` again before returning, also after a timeout. 0 when
 * signalled, MOTE_ETIMEDOUT, or MOTE_EPERM if the caller does not hold m.
 * As everywhere, re-check the condition in a loop: another thread may have
 * changed it again before this one got the mutex back.
 */
int mote_cond_wait(struct mote_cond *c, struct mote_mutex *m, uint32_t timeout_ms);
/* Wake the highest-priority waiter / every waiter. */
void mote_cond_signal(struct mote_cond *c);
void mote_cond_broadcast(struct mote_cond *c);

/* ---- event flags: 32 bits that threads wait on; set them from anywhere ---- */
struct mote_event {
    uint32_t bits;
    struct mote_thread *waiters;
};
#define MOTE_EVENT_INIT { 0, 0 }
#define MOTE_EVENT_ANY   0x0u /* mote_event_wait: any of the bits (the default) */
#define MOTE_EVENT_ALL   0x1u /* all of the bits */
#define MOTE_EVENT_CLEAR 0x2u /* clear the bits waited for on a successful return */
void mote_event_init(struct mote_event *e, uint32_t bits);
/* Set bits and wake the threads whose wait is now satisfied. May be called from an IRQ. */
void mote_event_set(struct mote_event *e, uint32_t bits);
/* Clear bits. May be called from an IRQ. */
void mote_event_clear(struct mote_event *e, uint32_t bits);
uint32_t mote_event_get(const struct mote_event *e);
/*
 * Wait until any (MOTE_EVENT_ANY) or all (MOTE_EVENT_ALL) of `bits` are set,
 * at most timeout_ms. 0, MOTE_ETIMEDOUT, MOTE_EAGAIN (timeout 0 and not
 * set), or MOTE_EINVAL (no bits, unknown mode). *got (if not NULL) is
 * every bit set at that moment, before MOTE_EVENT_CLEAR clears `bits`.
 */
int mote_event_wait(struct mote_event *e, uint32_t bits, unsigned mode, uint32_t timeout_ms,
                    uint32_t *got);

#endif
