/*
 * The trace ring and how its events read: pure logic, host-tested
 * (test/shell/test_trace.c). The recorder is trace.c.
 */
#include <lib/lib.h>
#include "shell.h"

void trace_ring_put(struct trace_ring *r, const struct trace_event *e)
{
    r->ev[r->total % r->cap] = *e;
    r->total++;
}

uint32_t trace_ring_count(const struct trace_ring *r)
{
    return r->total < r->cap ? (uint32_t)r->total : r->cap;
}

const struct trace_event *trace_ring_at(const struct trace_ring *r, uint32_t i)
{
    uint64_t first = r->total - trace_ring_count(r);
    return &r->ev[(first + i) % r->cap];
}

/*
 * Per event: its name, its class, what its argument is called ("": printed
 * bare, NULL: not printed) and its result (NULL: none, "": " -> r", else
 * " name=r").
 */
static const struct {
    const char *name, *arg, *res;
    unsigned cls;
} events[EV_COUNT] = {
    [EV_SWITCH] = { "switch", "to", "from", TRACE_SCHED },
    [EV_IRQ] = { "irq", "", 0, TRACE_IRQ },
    [EV_FLASH_READ] = { "flash_read", "offset", "", TRACE_FLASH },
    [EV_FLASH_WRITE] = { "flash_write", "offset", "", TRACE_FLASH },
    [EV_TCP_CONNECT] = { "tcp_connect", "to", "", TRACE_NET },
    [EV_TCP_ACCEPT] = { "tcp_accept", "port", "", TRACE_NET },
    [EV_TCP_SEND] = { "tcp_send", "conn", "", TRACE_NET },
    [EV_TCP_RECV] = { "tcp_recv", "conn", "", TRACE_NET },
    [EV_TCP_CLOSE] = { "tcp_close", "conn", "abort", TRACE_NET },
    [EV_UDP_SEND] = { "udp_send", "to", "", TRACE_NET },
    [EV_UDP_RECV] = { "udp_recv", "port", "", TRACE_NET },
    [EV_DNS] = { "dns_resolve", 0, "", TRACE_NET },
    [EV_PING] = { "ping", "to", "", TRACE_NET },
    [EV_SLEEP] = { "sleep", "ms", 0, TRACE_API },
    [EV_SEM_WAIT] = { "sem_wait", "sem", "", TRACE_API },
    [EV_MUTEX_WAIT] = { "mutex_wait", "mutex", "owner", TRACE_API },
    [EV_QUEUE_SEND] = { "queue_send", "queue", "", TRACE_API },
    [EV_QUEUE_RECV] = { "queue_recv", "queue", "", TRACE_API },
    [EV_THREAD_START] = { "thread_start", "id", "prio", TRACE_API },
    [EV_THREAD_EXIT] = { "thread_exit", 0, 0, TRACE_API },
    [EV_LOG] = { "log", "level", 0, TRACE_API },
};

const char *trace_ev_name(unsigned ev)
{
    return ev < EV_COUNT ? events[ev].name : "?";
}

unsigned trace_ev_class(unsigned ev)
{
    return ev < EV_COUNT ? events[ev].cls : 0;
}

static const char *const class_names[] = { "sched", "irq", "net", "flash", "api" };

unsigned trace_class_bit(const char *name)
{
    if (!strcmp(name, "all"))
        return TRACE_ALL;
    for (unsigned i = 0; i < 5; i++)
        if (!strcmp(name, class_names[i]))
            return 1u << i;
    return 0;
}

const char *trace_class_name(unsigned bit)
{
    for (unsigned i = 0; i < 5; i++)
        if (bit == 1u << i)
            return class_names[i];
    return "?";
}

/* Events whose argument is an IPv4 address and port packed as ip << 16 | port. */
static int is_endpoint(unsigned ev)
{
    return ev == EV_TCP_CONNECT || ev == EV_UDP_SEND || ev == EV_PING;
}

int trace_format(const struct trace_event *e, char *buf, size_t size)
{
    unsigned long long us = e->t_ns / 1000;
    int n = snprintf(buf, size, "%6llu.%06llu %3u %s", us / 1000000, us % 1000000, e->tid,
                     trace_ev_name(e->ev));
    if (e->ev >= EV_COUNT || n < 0 || (size_t)n >= size)
        return n;
    const char *arg = events[e->ev].arg, *res = events[e->ev].res;
    int m = 0;
    if (is_endpoint(e->ev)) {
        uint32_t ip = (uint32_t)(e->a >> 16);
        m = snprintf(buf + n, size - n, " %s=%u.%u.%u.%u:%u", arg, (unsigned)(ip >> 24),
                     (unsigned)(ip >> 16 & 255), (unsigned)(ip >> 8 & 255), (unsigned)(ip & 255),
                     (unsigned)(e->a & 0xffff));
    } else if (arg && !*arg) {
        m = snprintf(buf + n, size - n, " %llu", (unsigned long long)e->a);
    } else if (arg) {
        int hex = e->ev == EV_FLASH_READ || e->ev == EV_FLASH_WRITE || e->ev == EV_SEM_WAIT ||
                  e->ev == EV_MUTEX_WAIT || e->ev == EV_QUEUE_SEND || e->ev == EV_QUEUE_RECV;
        m = snprintf(buf + n, size - n, hex ? " %s=0x%llx" : " %s=%llu", arg,
                     (unsigned long long)e->a);
    }
    if (m < 0 || (size_t)(n += m) >= size || !res)
        return n;
    m = *res ? snprintf(buf + n, size - n, " %s=%d", res, (int)e->r)
             : snprintf(buf + n, size - n, " -> %d", (int)e->r);
    return m < 0 ? n : n + m;
}
