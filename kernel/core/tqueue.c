/*
 * Thread queues: singly linked lists of threads, used for run queues, wait
 * queues and the sleep list. Pure list logic; callers hold IRQs off.
 */
#include "core.h"

void tq_insert_prio(struct mote_thread **q, struct mote_thread *t)
{
    while (*q && (*q)->prio >= t->prio)
        q = &(*q)->next;
    t->next = *q;
    *q = t;
}

void tq_push_tail(struct mote_thread **q, struct mote_thread *t)
{
    while (*q)
        q = &(*q)->next;
    t->next = 0;
    *q = t;
}

void tq_push_head(struct mote_thread **q, struct mote_thread *t)
{
    t->next = *q;
    *q = t;
}

struct mote_thread *tq_pop(struct mote_thread **q)
{
    struct mote_thread *t = *q;
    if (t) {
        *q = t->next;
        t->next = 0;
    }
    return t;
}

int tq_remove(struct mote_thread **q, struct mote_thread *t)
{
    for (; *q; q = &(*q)->next) {
        if (*q == t) {
            *q = t->next;
            t->next = 0;
            return 1;
        }
    }
    return 0;
}

void sq_insert(struct mote_thread **q, struct mote_thread *t)
{
    while (*q && (*q)->wake_ns <= t->wake_ns)
        q = &(*q)->sleep_next;
    t->sleep_next = *q;
    *q = t;
}

int sq_remove(struct mote_thread **q, struct mote_thread *t)
{
    for (; *q; q = &(*q)->sleep_next) {
        if (*q == t) {
            *q = t->sleep_next;
            t->sleep_next = 0;
            return 1;
        }
    }
    return 0;
}
