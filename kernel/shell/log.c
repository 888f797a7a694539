/*
 * mote_log (mote/shell.h): a line into the log ring, and onto the console
 * when it is important enough. The ring (LOG_RING_SIZE bytes) is allocated
 * by the first record, so an image that never logs has none; records are
 * added with IRQs off, which is also what readers take it with.
 */
#include <hal/cpu.h>
#include <core/core.h>
#include <lib/lib.h>
#include "shell.h"

static struct log_ring ring;
static struct log_ring *ring_ready;
static int console_level = MOTE_LOG_INFO;

struct log_ring *log_ring(void)
{
    return ring_ready;
}

void mote_log_console(int level)
{
    console_level = level;
}

void mote_log(int level, const char *fmt, ...)
{
    if (!ring_ready) {
        void *buf = malloc(LOG_RING_SIZE);
        if (!buf)
            return;
        unsigned long flags = arch_irq_save();
        if (!ring_ready) {
            logring_init(&ring, buf, LOG_RING_SIZE);
            ring_ready = &ring;
            buf = 0;
        }
        arch_irq_restore(flags);
        free(buf);
    }
    char text[LOG_TEXT_MAX + 1];
    int n = snprintf(text, sizeof(text), "%s: ", current ? current->name : "boot");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + n, sizeof(text) - n, fmt, ap);
    va_end(ap);
    size_t len = strlen(text);
    uint64_t now = mote_uptime_ms();
    unsigned long flags = arch_irq_save();
    logring_put(&ring, now, level, text, len);
    arch_irq_restore(flags);
    TRACE(TRACE_API, EV_LOG, level, 0);
    if (level <= console_level)
        printf("%llu.%03u %c %s\n", (unsigned long long)(now / 1000), (unsigned)(now % 1000),
               log_level_char(level), text);
}

/* IRQs off throughout, so no record changes under it (the crash path calls it so anyway). */
size_t log_tail(char *buf, size_t size, unsigned max_lines)
{
    if (!ring_ready || size == 0)
        return 0;
    unsigned long flags = arch_irq_save();
    /* from the newest backwards: find the first record that still fits */
    struct log_rec rec;
    char line[LOG_TEXT_MAX + 32];
    uint64_t next = ring.next_seq, first = next;
    size_t total = 0;
    for (unsigned k = 0; k < max_lines && first > ring.first_seq; k++) {
        if (logring_get(&ring, first - 1, &rec))
            break;
        size_t n = (size_t)log_format(&rec, line, sizeof(line)) + 1;
        if (total + n >= size)
            break;
        total += n;
        first--;
    }
    size_t len = 0;
    for (uint64_t s = first; s < next && !logring_get(&ring, s, &rec); s++) {
        int n = log_format(&rec, buf + len, size - len);
        len += (size_t)n;
        buf[len++] = '\n';
    }
    buf[len] = 0;
    arch_irq_restore(flags);
    return len;
}
