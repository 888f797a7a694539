/*
 * The shell's commands about the device itself. Output is plain text for a
 * person and a test alike: tables with a header line and one row per item
 * (the free-form column last), or "key value" lines. docs/debugging.md
 * shows each with real output.
 */
#include <hal/board.h>
#include <hal/cpu.h>
#include <core/core.h>
#include <lib/lib.h>
#include <update/update.h>
#include "shell.h"

int shell_usage(struct mote_shell *sh, const char *u)
{
    shell_printf(sh, "usage: %s\n", u);
    return SHELL_EXIT_USAGE;
}

/* A decimal number in [lo, hi], or -1. */
long shell_number(const char *s, long lo, long hi)
{
    long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > hi)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v >= lo && v <= hi ? v : -1;
}

static int cmd_help(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct shell_cmd *c;
    for (unsigned i = 0; (c = shell_cmd_at(i)); i++)
        shell_printf(sh, "%s\n", c->usage);
    return 0;
}

static struct thread_row rows[SHELL_THREADS_MAX];
static unsigned pm[SHELL_THREADS_MAX];

static void thread_table(struct mote_shell *sh, int n, const int *order)
{
    shell_printf(sh, "  ID PRIO STATE     CPU%%    STACK     PEAK NAME\n");
    for (int k = 0; k < n; k++) {
        const struct thread_row *r = &rows[order ? order[k] : k];
        unsigned p = pm[order ? order[k] : k];
        char prio[8];
        snprintf(prio, sizeof(prio), r->prio == r->base_prio ? "%d" : "%d>%d", r->base_prio, r->prio);
        shell_printf(sh, "%4u %4s %-8s %3u.%u %8zu %8zu %s\n", r->id, prio, r->state, p / 10,
                     p % 10, r->stack_size, r->stack_peak, r->name);
    }
}

static int cmd_ps(struct mote_shell *sh, int argc, char **argv)
{
    (void)argv;
    static struct cpu_sample since;
    if (argc != 1)
        return shell_usage(sh, "ps");
    int n = threads_snapshot(rows, SHELL_THREADS_MAX);
    cpu_sample_take(&since, rows, n, pm);
    thread_table(sh, n, 0);
    return 0;
}

static int cmd_top(struct mote_shell *sh, int argc, char **argv)
{
    struct cpu_sample s = { 0 };
    long secs = argc == 2 ? shell_number(argv[1], 1, 60) : 1;
    if (argc > 2 || secs < 0)
        return shell_usage(sh, "top [SECONDS]  (1..60, default 1)");
    int n = threads_snapshot(rows, SHELL_THREADS_MAX);
    cpu_sample_take(&s, rows, n, pm);
    mote_sleep_ms((uint32_t)secs * 1000);
    n = threads_snapshot(rows, SHELL_THREADS_MAX);
    uint64_t span = cpu_sample_take(&s, rows, n, pm);
    int order[SHELL_THREADS_MAX];
    unsigned idle = 0;
    for (int i = 0; i < n; i++) {
        int j = i;
        for (; j > 0 && pm[order[j - 1]] < pm[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
        if (rows[i].prio == PRIO_IDLE)
            idle = pm[i];
    }
    shell_printf(sh, "cpu busy %u.%u%% over %llu ms\n", (1000 - idle) / 10, (1000 - idle) % 10,
                 (unsigned long long)(span / NS_PER_MS));
    thread_table(sh, n, order);
    return 0;
}

static int cmd_mem(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct mote_mem_stats st;
    mote_mem_stats(&st);
    shell_printf(sh, "ram_total %zu\npages_free %zu\nheap_used %zu\nheap_peak %zu\nheap_free %zu\n"
                 "heap_largest_free %zu\n", st.ram_total, st.pages_free, st.heap_used,
                 st.heap_peak, st.heap_free, st.heap_largest);
    return 0;
}

static int cmd_uptime(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint64_t ms = mote_uptime_ms(), s = ms / 1000;
    shell_printf(sh, "up %llud %02u:%02u:%02u.%03u (%llu ms)\n", (unsigned long long)(s / 86400),
                 (unsigned)(s / 3600 % 24), (unsigned)(s / 60 % 60), (unsigned)(s % 60),
                 (unsigned)(ms % 1000), (unsigned long long)ms);
    return 0;
}

static int cmd_reboot(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    shell_printf(sh, "rebooting\n");
    mote_sleep_ms(100);     /* let the reply reach its reader (console, MQTT) */
    mote_reboot();
}

/* What the slot holds, from its image header. */
static void slot_line(struct mote_shell *sh, int slot)
{
    uint8_t hdr[IMAGE_HEADER_SIZE];
    struct image_info in;
    const char *why = "unreadable";
    if (!mote_flash_read(board.part_offset[PART_SLOT_A + slot], hdr, sizeof(hdr)))
        why = image_parse_header(hdr, &in);
    if (why)
        shell_printf(sh, "slot_%c none (%s)\n", 'a' + slot, why);
    else
        shell_printf(sh, "slot_%c %s %u.%u.%u counter %u\n", 'a' + slot, in.app_name,
                     (unsigned)in.version[0], (unsigned)in.version[1], (unsigned)in.version[2],
                     (unsigned)in.security_counter);
}

static int cmd_boot(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct boot_state st;
    struct image_info in;
    int err = bootctl_running(&st, &in);
    if (err) {
        shell_printf(sh, "error: no boot state (%d): this image was not started by the Mote "
                     "bootloader\n", err);
        return SHELL_EXIT_FAILED;
    }
    shell_printf(sh, "running slot_%c %u.%u.%u\n", 'a' + st.booting, (unsigned)in.version[0],
                 (unsigned)in.version[1], (unsigned)in.version[2]);
    slot_line(sh, SLOT_A);
    slot_line(sh, SLOT_B);
    char active = st.active <= SLOT_B ? (char)('a' + st.active) : '-';
    char pending = st.pending <= SLOT_B ? (char)('a' + st.pending) : '-';
    shell_printf(sh, "active %c\npending %c\ntesting %s\ntries %u\nmin_security_counter %u\n",
                 active, pending, st.pending == st.booting && st.tries ? "yes" : "no",
                 (unsigned)st.tries, (unsigned)st.security_counter);
    return 0;
}

static int cmd_log(struct mote_shell *sh, int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "level")) {
        long l = shell_number(argv[2], 0, MOTE_LOG_DEBUG);
        if (l < 0)
            return shell_usage(sh, "log level 0..4  (0: none on the console, 4: debug)");
        mote_log_console((int)l);
        return 0;
    }
    long max = argc == 2 ? shell_number(argv[1], 1, 1000) : 50;
    if (argc > 2 || max < 0)
        return shell_usage(sh, "log [COUNT] | log level N");
    struct log_ring *r = log_ring();
    if (!r) {
        shell_printf(sh, "0 records\n");
        return 0;
    }
    static struct log_rec rec;
    static char line[LOG_TEXT_MAX + 32];
    uint64_t next = r->next_seq, seq = next > (uint64_t)max ? next - (uint64_t)max : 0;
    while (seq < next) {
        unsigned long flags = arch_irq_save();
        int err = logring_get(r, seq, &rec);
        arch_irq_restore(flags);
        if (err || rec.seq >= next)
            break;
        log_format(&rec, line, sizeof(line));
        shell_printf(sh, "%s\n", line);
        seq = rec.seq + 1;
    }
    return 0;
}

/* Print and forget what the trace ring holds: at most the `max` newest events (0: all). */
static void trace_dump(struct mote_shell *sh, uint32_t max)
{
    unsigned saved = trace_mask;
    trace_mask = 0;                 /* the dump itself is not traced */
    uint32_t held, cap;
    uint64_t dropped;
    trace_stats(&held, &dropped, &cap);
    uint32_t skip = max && held > max ? held - max : 0;
    shell_printf(sh, "%u events, %llu dropped (the ring holds %u)\n", held - skip,
                 (unsigned long long)(dropped + skip), cap);
    shell_printf(sh, "      time(s)  tid event\n");
    struct trace_event e;
    char line[112];
    for (uint32_t i = 0; trace_take(skip, i, &e); i++) {
        trace_format(&e, line, sizeof(line));
        shell_printf(sh, "%s\n", line);
    }
    int n = threads_snapshot(rows, SHELL_THREADS_MAX);
    shell_printf(sh, "threads:");
    for (int i = 0; i < n; i++)
        shell_printf(sh, " %u=%s", rows[i].id, rows[i].name);
    shell_printf(sh, "\n");
    trace_clear();
    trace_mask = saved;
}

static int cmd_trace(struct mote_shell *sh, int argc, char **argv)
{
    const char *u = "trace [on [sched|irq|net|flash|api|all]... | off | dump [COUNT] | clear]";
    if (argc == 1) {
        uint32_t held, cap;
        uint64_t dropped;
        trace_stats(&held, &dropped, &cap);
        shell_printf(sh, "trace %s", trace_mask ? "on" : "off");
        for (unsigned b = 1; b <= TRACE_ALL; b <<= 1)
            if (trace_mask & b)
                shell_printf(sh, " %s", trace_class_name(b));
        shell_printf(sh, "\nevents %u of %u, %llu dropped\n", held, cap, (unsigned long long)dropped);
        return 0;
    }
    if (!strcmp(argv[1], "on")) {
        unsigned classes = argc == 2 ? TRACE_ALL : 0;
        for (int i = 2; i < argc; i++) {
            unsigned b = trace_class_bit(argv[i]);
            if (!b)
                return shell_usage(sh, u);
            classes |= b;
        }
        if (trace_start(classes)) {
            shell_printf(sh, "error: no memory for the trace ring\n");
            return SHELL_EXIT_FAILED;
        }
        return 0;
    }
    if (!strcmp(argv[1], "off") && argc == 2) {
        trace_stop();
        return 0;
    }
    if (!strcmp(argv[1], "dump") && argc <= 3) {
        long max = argc == 3 ? shell_number(argv[2], 1, 100000) : 0;
        if (max < 0)
            return shell_usage(sh, u);
        trace_dump(sh, (uint32_t)max);
        return 0;
    }
    if (!strcmp(argv[1], "clear") && argc == 2) {
        trace_clear();
        return 0;
    }
    return shell_usage(sh, u);
}



static const struct shell_cmd sys_cmds[] = {
    { "help", "help                 the commands", cmd_help },
    { "ps", "ps                   threads: id, priority, state, CPU % since the last ps, stack",
      cmd_ps },
    { "top", "top [SECONDS]        threads by CPU % over the next SECONDS (1)", cmd_top },
    { "mem", "mem                  RAM, pages and heap", cmd_mem },
    { "uptime", "uptime               time since boot", cmd_uptime },
    { "boot", "boot                 slots, versions, TEST state, security counter", cmd_boot },
    { "log", "log [COUNT]          the last COUNT (50) log records; log level N", cmd_log },
    { "trace", "trace [on [CLASS]...|off|dump [N]|clear]  the event trace", cmd_trace },
    { "reboot", "reboot               restart the device", cmd_reboot },
};

void shell_sys_add(void)
{
    shell_add_table(sys_cmds, sizeof(sys_cmds) / sizeof(sys_cmds[0]));
}
