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

/* A word out of a list of NUL-separated words: the i-th. */
static const char *word_at(const char *list, unsigned i)
{
    while (i--)
        list += strlen(list) + 1;
    return list;
}

/* The events' names, in enum trace_ev order. */
static const char ev_names[] =
    "switch\0irq\0flash_read\0flash_write\0tcp_connect\0tcp_accept\0tcp_send\0tcp_recv\0"
    "tcp_close\0udp_send\0udp_recv\0dns_resolve\0ping\0sleep\0sem_wait\0mutex_wait\0"
    "queue_send\0queue_recv\0thread_start\0thread_exit\0log";
/* What an argument or a result is called: 0 none; 1 bare (irq's number, a result's " -> r"). */
static const char words[] =
    "\0\0to\0offset\0port\0conn\0ms\0sem\0mutex\0queue\0id\0level\0from\0abort\0owner\0prio";
enum { W_NONE, W_BARE, W_TO, W_OFFSET, W_PORT, W_CONN, W_MS, W_SEM, W_MUTEX, W_QUEUE, W_ID,
       W_LEVEL, W_FROM, W_ABORT, W_OWNER, W_PRIO };
#define F_HEX 0x80u                  /* the argument is an address or offset */
#define F_ENDPOINT 0x40u             /* the argument is ip << 16 | port */

/* Per event: its class; its argument's word and flags; its result's word. */
static const uint8_t events[EV_COUNT][3] = {
    [EV_SWITCH] = { TRACE_SCHED, W_TO, W_FROM },
    [EV_IRQ] = { TRACE_IRQ, W_BARE, W_NONE },
    [EV_FLASH_READ] = { TRACE_FLASH, W_OFFSET | F_HEX, W_BARE },
    [EV_FLASH_WRITE] = { TRACE_FLASH, W_OFFSET | F_HEX, W_BARE },
    [EV_TCP_CONNECT] = { TRACE_NET, W_TO | F_ENDPOINT, W_BARE },
    [EV_TCP_ACCEPT] = { TRACE_NET, W_PORT, W_BARE },
    [EV_TCP_SEND] = { TRACE_NET, W_CONN, W_BARE },
    [EV_TCP_RECV] = { TRACE_NET, W_CONN, W_BARE },
    [EV_TCP_CLOSE] = { TRACE_NET, W_CONN, W_ABORT },
    [EV_UDP_SEND] = { TRACE_NET, W_TO | F_ENDPOINT, W_BARE },
    [EV_UDP_RECV] = { TRACE_NET, W_PORT, W_BARE },
    [EV_DNS] = { TRACE_NET, W_NONE, W_BARE },
    [EV_PING] = { TRACE_NET, W_TO | F_ENDPOINT, W_BARE },
    [EV_SLEEP] = { TRACE_API, W_MS, W_NONE },
    [EV_SEM_WAIT] = { TRACE_API, W_SEM | F_HEX, W_BARE },
    [EV_MUTEX_WAIT] = { TRACE_API, W_MUTEX | F_HEX, W_OWNER },
    [EV_QUEUE_SEND] = { TRACE_API, W_QUEUE | F_HEX, W_BARE },
    [EV_QUEUE_RECV] = { TRACE_API, W_QUEUE | F_HEX, W_BARE },
    [EV_THREAD_START] = { TRACE_API, W_ID, W_PRIO },
    [EV_THREAD_EXIT] = { TRACE_API, W_NONE, W_NONE },
    [EV_LOG] = { TRACE_API, W_LEVEL, W_NONE },
};

const char *trace_ev_name(unsigned ev)
{
    return ev < EV_COUNT ? word_at(ev_names, ev) : "?";
}

unsigned trace_ev_class(unsigned ev)
{
    return ev < EV_COUNT ? events[ev][0] : 0;
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

int trace_format(const struct trace_event *e, char *buf, size_t size)
{
    unsigned long long us = e->t_ns / 1000;
    int n = snprintf(buf, size, "%6llu.%06llu %3u %s", us / 1000000, us % 1000000, e->tid,
                     trace_ev_name(e->ev));
    if (e->ev >= EV_COUNT || n < 0 || (size_t)n >= size)
        return n;
    unsigned arg = events[e->ev][1], res = events[e->ev][2], w = arg & 0x3f;
    const char *name = word_at(words, w);
    int m = 0;
    if (arg & F_ENDPOINT) {
        uint32_t ip = (uint32_t)(e->a >> 16);
        m = snprintf(buf + n, size - n, " %s=%u.%u.%u.%u:%u", name, (unsigned)(ip >> 24),
                     (unsigned)(ip >> 16 & 255), (unsigned)(ip >> 8 & 255), (unsigned)(ip & 255),
                     (unsigned)(e->a & 0xffff));
    } else if (w == W_BARE) {
        m = snprintf(buf + n, size - n, " %llu", (unsigned long long)e->a);
    } else if (w) {
        m = snprintf(buf + n, size - n, arg & F_HEX ? " %s=0x%llx" : " %s=%llu", name,
                     (unsigned long long)e->a);
    }
    if (m < 0 || (size_t)(n += m) >= size || !res)
        return n;
    m = res == W_BARE ? snprintf(buf + n, size - n, " -> %d", (int)e->r)
                      : snprintf(buf + n, size - n, " %s=%d", word_at(words, res), (int)e->r);
    return m < 0 ? n : n + m;
}
