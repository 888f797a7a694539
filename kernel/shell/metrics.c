/*
 * What the device reports about itself: the thread table (ps, top, crash
 * records) and the metrics snapshot, one line of key=value fields that the
 * `metrics` command prints and the MQTT heartbeat sends
 * (docs/ota-protocol.md, "Metrics").
 */
#include <hal/cpu.h>
#include <hal/timer.h>
#include <core/core.h>
#include <lib/lib.h>
#include "shell.h"

int threads_snapshot(struct thread_row *rows, int max)
{
    struct mote_thread_stat st;
    int n = 0;
    unsigned long flags = arch_irq_save();
    for (struct mote_thread *t = sched_threads(); t && n < max; t = t->all_next) {
        struct thread_row *r = &rows[n++];
        mote_thread_stat(t, &st);
        r->id = t->id;
        memcpy(r->name, t->name, sizeof(r->name));
        r->prio = t->prio;
        r->base_prio = t->base_prio;
        r->state = thread_state_name(t);
        r->stack_size = st.stack_size;
        r->stack_peak = st.stack_peak;
        r->cpu_ns = sched_cpu_ns(t);
    }
    arch_irq_restore(flags);
    /* the list is newest first: oldest first reads better, by id */
    for (int i = 1; i < n; i++) {
        struct thread_row t = rows[i];
        int j = i;
        for (; j > 0 && rows[j - 1].id > t.id; j--)
            rows[j] = rows[j - 1];
        rows[j] = t;
    }
    return n;
}

uint64_t cpu_sample_take(struct cpu_sample *s, const struct thread_row *rows, int n,
                         unsigned *permille)
{
    uint64_t now = timer_now_ns(), span = now - s->at_ns;
    for (int i = 0; i < n; i++) {
        uint64_t before = 0;
        for (int k = 0; k < SHELL_THREADS_MAX; k++)
            if (s->id[k] == rows[i].id)
                before = s->cpu_ns[k];
        uint64_t used = rows[i].cpu_ns > before ? rows[i].cpu_ns - before : 0;
        permille[i] = span ? (unsigned)(used * 1000 / span) : 0;
    }
    for (int k = 0; k < SHELL_THREADS_MAX; k++) {
        s->id[k] = k < n ? rows[k].id : 0;
        s->cpu_ns[k] = k < n ? rows[k].cpu_ns : 0;
    }
    s->at_ns = now;
    return span;
}

/* Copy a thread name as a word of [A-Za-z0-9_.-]. */
static void name_word(char *dst, const char *src)
{
    size_t i = 0;
    for (; src[i] && i < 15; i++) {
        char c = src[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';
        dst[i] = ok ? c : '_';
    }
    dst[i] = 0;
}

int metrics_snapshot(char *buf, size_t size)
{
    static struct thread_row rows[SHELL_THREADS_MAX];
    static struct cpu_sample sample;
    static unsigned pm[SHELL_THREADS_MAX];
    static struct mote_mutex lock = MOTE_MUTEX_INIT;
    mote_mutex_lock(&lock);
    int n = threads_snapshot(rows, SHELL_THREADS_MAX);
    uint64_t now = timer_now_ns();
    cpu_sample_take(&sample, rows, n, pm);
    unsigned idle_pm = 0;
    struct mote_mem_stats mem;
    mote_mem_stats(&mem);
    struct mote_net_status net;
    int have_net = netinfo_status(&net) == 0;
    size_t len = 0;
#define ADD(...) (len += (size_t)snprintf(buf + len, len < size ? size - len : 0, __VA_ARGS__))
    ADD("metrics uptime_ms=%llu heap_used=%zu heap_peak=%zu heap_free=%zu pages_free=%zu",
        (unsigned long long)(now / NS_PER_MS), mem.heap_used, mem.heap_peak, mem.heap_free,
        mem.pages_free);
    char cpu[SHELL_THREADS_MAX * 24];
    size_t clen = 0;
    for (int i = 0; i < n; i++) {
        if (rows[i].prio == PRIO_IDLE) {
            idle_pm = pm[i];
            continue;
        }
        char name[16];
        name_word(name, rows[i].name);
        if (clen + 24 < sizeof(cpu))
            clen += (size_t)snprintf(cpu + clen, sizeof(cpu) - clen, "%s%s:%u.%u",
                                     clen ? "," : "", name, pm[i] / 10, pm[i] % 10);
    }
    ADD(" idle_pct=%u.%u threads=%d cpu=%s", idle_pm / 10, idle_pm % 10, n, clen ? cpu : "-");
    if (have_net)
        ADD(" rx_frames=%llu tx_frames=%llu rx_bytes=%llu tx_bytes=%llu rx_dropped=%llu "
            "tx_errors=%llu", (unsigned long long)net.rx_frames, (unsigned long long)net.tx_frames,
            (unsigned long long)net.rx_bytes, (unsigned long long)net.tx_bytes,
            (unsigned long long)net.rx_dropped, (unsigned long long)net.tx_errors);
    ADD(" reboot=%s", crash_reboot_reason());
    struct crash_info ci[2];
    int nc = crash_available() ? crash_list(&crash_flash, ci) : 0;
    if (nc > 0)
        ADD(" last_crash=%u", (unsigned)ci[nc - 1].seq);
    else
        ADD(" last_crash=none");
#undef ADD
    mote_mutex_unlock(&lock);
    if (len >= size && size)
        buf[size - 1] = 0;
    return (int)(len < size ? len : size - 1);
}

static int cmd_metrics(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    static char line[768];
    metrics_snapshot(line, sizeof(line));
    shell_printf(sh, "%s\n", line);
    return 0;
}

static const struct shell_cmd metrics_cmds[] = {
    { "metrics", "metrics              the metrics heartbeat's line", cmd_metrics },
};

void shell_metrics_add(void)
{
    shell_add_table(metrics_cmds, 1);
}
