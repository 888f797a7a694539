/*
 * Writing a crash record from a crash report, and reading them back.
 *
 * The report (core/panic.c, the watchdogs) calls crash_begin() once it has
 * stopped the world (IRQs off for good, console_emergency()): from then on
 * what it prints is also captured here. crash_end() adds the thread list
 * and the last log lines (printed, so captured too), puts a first line with
 * the facts a server groups by in front, and writes the record with the
 * flash driver polling (kernel_emergency: no lock, no interrupt). Only on a
 * board the Mote bootloader started: its persist partition is where the
 * record goes (docs/ota-protocol.md, "Crash records").
 *
 * The core calls these through weak references: an image gets them (and
 * keeps crash records) only when something can report them, the shell or
 * the OTA agent.
 */
#include <hal/board.h>
#include <hal/boot.h>
#include <hal/cpu.h>
#include <core/core.h>
#include <drivers/drivers.h>
#include <lib/lib.h>
#include <update/update.h>
#include "shell.h"

#define HEAD_MAX 256                /* room kept for the first line */
#define LOG_LINES 8

static uint8_t rec[CRASH_RECORD_MAX];
static size_t captured;
static int capturing;

int crash_available(void)
{
    return (arch_boot_flags() & BOOT_F_CHAIN) &&
           board.part_size[PART_PERSIST] >= CRASH_AREA_OFFSET + CRASH_AREA_SIZE;
}

static uint64_t area(void)
{
    return board.part_offset[PART_PERSIST] + CRASH_AREA_OFFSET;
}

static int area_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    (void)ctx;
    return mote_flash_read(area() + off, buf, len);
}

static int area_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    (void)ctx;
    return flash_write(area() + off, buf, len, 1);   /* the system's part of persist */
}

const struct flash_io crash_flash = { area_read, area_write, 0 };

void crash_begin(void)
{
    if (!crash_available())
        return;
    captured = 0;
    capturing = 1;
    console_capture((char *)rec + CRASH_HDR_SIZE + HEAD_MAX, CRASH_TEXT_MAX - HEAD_MAX, &captured);
}

/* Print the thread list and the last log lines into the report. */
static void report_context(void)
{
    static struct thread_row rows[SHELL_THREADS_MAX];
    int n = threads_snapshot(rows, SHELL_THREADS_MAX);
    printf("threads:\n");
    for (int i = 0; i < n; i++)
        printf("  %3u %2d %-8s stack %zu peak %zu cpu_ms %llu %s\n", rows[i].id, rows[i].prio,
               rows[i].state, rows[i].stack_size, rows[i].stack_peak,
               (unsigned long long)(rows[i].cpu_ns / NS_PER_MS), rows[i].name);
    static char logs[1024];
    if (log_tail(logs, sizeof(logs), LOG_LINES)) {
        printf("log:\n");
        for (char *p = logs, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
            *nl = 0;
            printf("  %s\n", p);
        }
    }
}

/* A name without blanks, for a key=value field. */
static void word_of(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = src[i] == ' ' || src[i] == '=' ? '_' : src[i];
    dst[i] = 0;
}

void crash_end(const char *kind, uintptr_t addr)
{
    if (!capturing)
        return;
    report_context();
    console_capture(0, 0, 0);
    capturing = 0;

    uint8_t copy;
    uint32_t seq;
    uint16_t lost;
    if (crash_next(&crash_flash, &copy, &seq, &lost)) {
        printf("[mote] crash record: the flash cannot be read; none kept\n");
        return;
    }
    struct boot_state st;
    struct image_info info;
    char version[40] = "unknown", build[20] = "none", thread[16];
    int testing = 0;
    char slot = '?';
    if (!bootctl_running(&st, &info)) {
        snprintf(version, sizeof(version), "%u.%u.%u", (unsigned)info.version[0],
                 (unsigned)info.version[1], (unsigned)info.version[2]);
        for (int i = 0; i < 8; i++)
            snprintf(build + 2 * i, 3, "%02x", info.payload_sha256[i]);
        testing = st.pending == st.booting && st.tries > 0;
        slot = (char)('a' + st.booting);
    }
    word_of(thread, current ? current->name : "boot", sizeof(thread));
    char head[HEAD_MAX];
    int h = snprintf(head, sizeof(head),
                     "crash seq=%u kind=%s addr=0x%lx thread=%s uptime_ms=%llu version=%s "
                     "build=%s slot=%c test=%d lost=%u\n",
                     (unsigned)seq, kind, (unsigned long)addr, thread,
                     (unsigned long long)mote_uptime_ms(), version, build, slot, testing,
                     (unsigned)lost);
    if (h < 0 || h >= HEAD_MAX)
        h = HEAD_MAX - 1;
    char *text = (char *)rec + CRASH_HDR_SIZE;
    memmove(text + h, text + HEAD_MAX, captured);
    memcpy(text, head, (size_t)h);
    int err = crash_write(&crash_flash, copy, seq, lost, testing ? CRASH_F_TEST : 0, rec,
                          (size_t)h + captured);
    if (err)
        printf("[mote] crash record %u could not be written (error %d)\n", (unsigned)seq, err);
    else
        printf("[mote] crash record %u kept in flash (%u bytes)\n", (unsigned)seq,
               (unsigned)(h + captured));
}

const char *crash_reboot_reason(void)
{
    static char reason[24];
    static struct mote_mutex lock = MOTE_MUTEX_INIT;
    mote_mutex_lock(&lock);
    if (!reason[0]) {
        snprintf(reason, sizeof(reason), "power-on");
        struct crash_info ci[2];
        int n = crash_available() ? crash_list(&crash_flash, ci) : 0;
        if (n > 0 && !(ci[n - 1].state & CRASH_S_SEEN)) {
            static char text[CRASH_TEXT_MAX + 1];
            if (crash_read(&crash_flash, ci[n - 1].seq, text, sizeof(text)) >= 0)
                crash_field(text, "kind", reason, sizeof(reason));
            crash_mark(&crash_flash, ci[n - 1].seq, CRASH_S_SEEN);
        }
    }
    mote_mutex_unlock(&lock);
    return reason;
}

static int cmd_crash(struct mote_shell *sh, int argc, char **argv)
{
    if (!crash_available()) {
        shell_printf(sh, "error: no crash records here: the image was not started by the Mote "
                     "bootloader\n");
        return SHELL_EXIT_FAILED;
    }
    struct crash_info ci[2];
    int n = crash_list(&crash_flash, ci);
    if (n < 0) {
        shell_printf(sh, "error: the flash cannot be read (%d)\n", n);
        return SHELL_EXIT_FAILED;
    }
    if (argc == 1) {
        shell_printf(sh, "%d records\n", n);
        for (int i = 0; i < n; i++)
            shell_printf(sh, "record %u bytes %u lost %u%s%s\n", (unsigned)ci[i].seq,
                         (unsigned)ci[i].text_len, (unsigned)ci[i].lost,
                         ci[i].state & CRASH_S_SEEN ? " seen" : "",
                         ci[i].state & CRASH_S_ACKED ? " acked" : "");
        return 0;
    }
    long seq = argc == 3 && !strcmp(argv[1], "show") ? shell_number(argv[2], 1, 0x7fffffff) : -1;
    if (argc == 2 && !strcmp(argv[1], "show") && n)
        seq = ci[n - 1].seq;
    if (seq < 0)
        return shell_usage(sh, "crash [show [SEQ]]");
    static char text[CRASH_TEXT_MAX + 1];
    int len = crash_read(&crash_flash, (uint32_t)seq, text, sizeof(text));
    if (len < 0) {
        shell_printf(sh, "error: no crash record %ld\n", seq);
        return SHELL_EXIT_FAILED;
    }
    shell_write(sh, text, (size_t)len);
    return 0;
}

static const struct shell_cmd crash_cmds[] = {
    { "crash", "crash [show [SEQ]]   crash records kept in flash", cmd_crash },
};

void shell_crash_add(void)
{
    shell_add_table(crash_cmds, 1);
}
