/* The trace ring and the text of its events. */
#include "check.h"
#include <mote.h>
#include <shell/shell.h>

void test_trace_ring_and_format(void)
{
    struct trace_event evs[4];
    struct trace_ring r = { evs, 4, 0 };
    CHECK(trace_ring_count(&r) == 0);
    for (int i = 0; i < 6; i++) {
        struct trace_event e = { (uint64_t)i * 1000, (uint64_t)i, 0, EV_SLEEP, 3 };
        trace_ring_put(&r, &e);
    }
    CHECK(trace_ring_count(&r) == 4);
    CHECK(trace_ring_at(&r, 0)->a == 2 && trace_ring_at(&r, 3)->a == 5);
    char line[112];
    struct trace_event sw = { 12345678901ull, 5, 3, EV_SWITCH, 5 };
    trace_format(&sw, line, sizeof(line));
    CHECK_STR(line, "    12.345678   5 switch to=5 from=3");
    struct trace_event tc = { 1000, (uint64_t)0x0a000264 << 16 | 1883, 2, EV_TCP_CONNECT, 4 };
    trace_format(&tc, line, sizeof(line));
    CHECK_STR(line, "     0.000001   4 tcp_connect to=10.0.2.100:1883 -> 2");
    struct trace_event fr = { 2000000, 0x1000, -5, EV_FLASH_WRITE, 4 };
    trace_format(&fr, line, sizeof(line));
    CHECK_STR(line, "     0.002000   4 flash_write offset=0x1000 -> -5");
    struct trace_event irq = { 0, 79, 0, EV_IRQ, 1 };
    trace_format(&irq, line, sizeof(line));
    CHECK_STR(line, "     0.000000   1 irq 79");
    struct trace_event sl = { 0, 100, 0, EV_SLEEP, 3 };
    trace_format(&sl, line, sizeof(line));
    CHECK_STR(line, "     0.000000   3 sleep ms=100");
    struct trace_event bad = { 0, 0, 0, 999, 0 };
    trace_format(&bad, line, sizeof(line));
    CHECK_STR(line, "     0.000000   0 ?");
    CHECK(trace_class_bit("net") == TRACE_NET && trace_class_bit("all") == TRACE_ALL);
    CHECK(trace_class_bit("bogus") == 0);
    CHECK_STR(trace_class_name(TRACE_FLASH), "flash");
    for (unsigned ev = 0; ev < EV_COUNT; ev++)
        CHECK(trace_ev_class(ev) != 0 && strcmp(trace_ev_name(ev), "?"));
    /* a short buffer is never overrun */
    char small[8];
    trace_format(&tc, small, sizeof(small));
    CHECK(strlen(small) == 7);
}
