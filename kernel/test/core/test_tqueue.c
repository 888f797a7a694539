#include "check.h"
#include <core/core.h>

void test_tqueue_priority_order(void)
{
    struct mote_thread t[5] = { 0 };
    int prio[5] = { 3, 8, 3, 15, 8 };
    struct mote_thread *q = NULL;
    for (int i = 0; i < 5; i++) {
        t[i].prio = prio[i];
        tq_insert_prio(&q, &t[i]);
    }
    /* highest first, FIFO among equals */
    struct mote_thread *want[5] = { &t[3], &t[1], &t[4], &t[0], &t[2] };
    struct mote_thread *it = q;
    for (int i = 0; i < 5; i++, it = it->next)
        CHECK(it == want[i]);
    CHECK(tq_remove(&q, &t[1]) == 1);
    CHECK(tq_remove(&q, &t[1]) == 0);
    CHECK(tq_pop(&q) == &t[3]);
    tq_push_head(&q, &t[1]);
    CHECK(q == &t[1]);
    tq_push_tail(&q, &t[3]);
    int n = 0;
    for (it = q; it; it = it->next)
        n++;
    CHECK(n == 5);
}

void test_tqueue_sleep_order(void)
{
    struct mote_thread t[4] = { 0 };
    uint64_t wake[4] = { 300, 100, 300, 200 };
    struct mote_thread *q = NULL;
    for (int i = 0; i < 4; i++) {
        t[i].wake_ns = wake[i];
        sq_insert(&q, &t[i]);
    }
    CHECK(q == &t[1]);
    CHECK(q->sleep_next == &t[3]);
    CHECK(q->sleep_next->sleep_next == &t[0]);   /* ties keep insertion order */
    CHECK(sq_remove(&q, &t[3]) == 1);
    CHECK(q->sleep_next == &t[0]);
    CHECK(sq_remove(&q, &t[3]) == 0);
}
