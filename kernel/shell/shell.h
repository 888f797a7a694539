/*
 * shell/: seeing inside a running device (docs/debugging.md). What the rest
 * of the kernel uses of it, one section per file:
 *   line.c      editing, checking and splitting a command line (pure)
 *   shell.c     the command table and running one line (pure)
 *   cmd_sys.c   ps, top, mem, boot, uptime, reboot, log, trace, crash, metrics
 *   cmd_net.c   ifconfig, netstat, arp, ping (when the image has a network)
 *   console.c   the console shell (mote_shell_start) and mote_shell_run
 *   tracefmt.c  the trace ring and its text (pure); trace.c the recorder
 *   logring.c   the log ring (pure); log.c mote_log
 *   crashrec.c  crash records in flash (pure); crash.c writing one from a report
 *   metrics.c   the metrics snapshot
 * Apps see mote/shell.h.
 */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H

#include <stddef.h>
#include <stdint.h>
#include <mote.h>
#include <update/bootstate.h>

/* ---- shell.c: commands ---- */
#define SHELL_LINE_MAX 255          /* bytes of a command line, without its end */
#define SHELL_ARGS_MAX 16
#define SHELL_APP_CMDS 16           /* commands apps may add */

/* Exit statuses of a command line (0: it worked). */
#define SHELL_EXIT_FAILED 1         /* the command ran and failed */
#define SHELL_EXIT_USAGE 2          /* bad arguments */
#define SHELL_EXIT_BADLINE 126      /* the line was refused before anything ran */
#define SHELL_EXIT_UNKNOWN 127      /* no such command */

/* Where a command's output goes: the console, or a buffer (mote_shell_run, MQTT). */
struct mote_shell {
    void (*write)(void *ctx, const char *s, size_t n);
    void *ctx;
    unsigned flags;                 /* SHELL_F_* */
};
#define SHELL_F_REMOTE 1u           /* over MQTT: no interactive command (top's refresh) */

struct shell_cmd {
    const char *name;
    const char *usage;              /* "ping HOST [COUNT]: send ICMP echoes" */
    int (*fn)(struct mote_shell *sh, int argc, char **argv);
};

/* Add a table of n commands (kept, not copied). 0, MOTE_ENOSPC (8 tables at most). */
int shell_add_table(const struct shell_cmd *cmds, unsigned n);
/* Add one command; MOTE_EINVAL for a bad or taken name, MOTE_ENOSPC when full. */
int shell_add(const char *name, const char *usage, int (*fn)(struct mote_shell *, int, char **));
/*
 * Run one command line (changed in place): check it (line_check), split it,
 * find the command and run it, its output and any error through sh.
 * Returns its exit status: the command's, or SHELL_EXIT_BADLINE /
 * SHELL_EXIT_UNKNOWN / SHELL_EXIT_USAGE with one "error: ..." line and
 * nothing else. An empty line runs nothing and returns 0.
 */
int shell_exec(struct mote_shell *sh, char *line, size_t len);
/* The commands, in the order they were added (help). NULL past the end. */
const struct shell_cmd *shell_cmd_at(unsigned i);
/* Write through sh: mote_shell_printf (mote/shell.h), the apps' name for it. */
#define shell_printf mote_shell_printf
void shell_write(struct mote_shell *sh, const char *s, size_t n);

/*
 * Add the built-in commands (once; later calls do nothing): cmd_sys.c,
 * cmd_net.c, and `crash` (crash.c) and `metrics` (metrics.c).
 */
void shell_sys_add(void);
void shell_net_add(void);
void shell_crash_add(void);
void shell_metrics_add(void);
/*
 * console.c: run one line of len bytes (not NUL-terminated) as mote_shell_run
 * does; *truncated (may be NULL) says whether out was too small for the output.
 */
int shell_run_buf(const char *line, size_t len, char *out, size_t cap, int *truncated);

/*
 * remote.c: crash records, logs, metrics and the remote shell over the OTA
 * agent's MQTT connection m, as device `device_id` (docs/ota-protocol.md);
 * the shell's commands only when `shell` (the identity enables it). Starts
 * the "observe" thread. 0, or the error subscribing / MOTE_ENOMEM.
 */
struct mote_mqtt;
int remote_start(struct mote_mqtt *m, const char *device_id, int shell);
/* The connection is up (any thread, before remote_start too): what waits goes now, not at the next poll. */
void remote_connected(void);

/* "usage: ..." and SHELL_EXIT_USAGE; a decimal argument in [lo, hi], or -1 (cmd_sys.c). */
int shell_usage(struct mote_shell *sh, const char *usage);
long shell_number(const char *s, long lo, long hi);

/* ---- line.c: the command line ---- */
/*
 * A line being typed on a terminal: printable ASCII is kept (and echoed),
 * backspace/DEL erases, ^U clears, ^C drops the line, CR, LF or CRLF ends
 * it, ANSI escape sequences (arrow keys) are ignored. Any other byte (a
 * control character, a byte >= 0x80) or a line longer than SHELL_LINE_MAX
 * makes the line bad: it runs nothing and says why when it ends.
 */
struct line_ed {
    char buf[SHELL_LINE_MAX + 1];
    size_t len;
    int bad_byte;                   /* the first byte that is not text, or -1 */
    size_t bad_col;                 /* its column, from 1 */
    int overlong;
    int esc;                        /* 0; 1 after ESC; 2 inside "ESC [" */
    int last_cr;                    /* the previous byte was CR (CRLF is one end) */
    int done;                       /* a line just ended: the next byte starts another */
};
enum line_status { LINE_MORE, LINE_READY, LINE_BAD, LINE_CANCEL };
void line_init(struct line_ed *le);
/*
 * Take one byte. echo (may be NULL) gets what a terminal should show.
 * LINE_READY: le->buf holds the line (le->len bytes, NUL-terminated);
 * LINE_BAD: line_error() says why; either way the next byte starts a new line.
 */
enum line_status line_feed(struct line_ed *le, int c, struct mote_shell *echo);
/* Why the line just ended LINE_BAD, into buf: "error: ...". */
void line_error(const struct line_ed *le, char *buf, size_t size);
/*
 * A whole line (not NUL-terminated: MQTT): NULL when every byte is printable
 * ASCII or a tab and there are at most SHELL_LINE_MAX of them, else the
 * reason, into buf ("error: ...").
 */
const char *line_check(const char *s, size_t n, char *buf, size_t size);
/*
 * Split a checked line in place into at most SHELL_ARGS_MAX words: blanks
 * separate, '...' is literal, "..." allows \" and \\, a backslash outside
 * quotes escapes the next byte. Returns argc (0: an empty line), or -1
 * with *err ("unterminated quote", "too many arguments (at most 16)").
 */
int line_split(char *s, char **argv, const char **err);

/* ---- tracefmt.c, trace.c: the event trace ring ---- */
/* Event classes, switched on and off at run time (`trace on net flash`). */
#define TRACE_SCHED 0x01u           /* context switches */
#define TRACE_IRQ   0x02u           /* interrupts */
#define TRACE_NET   0x04u           /* socket calls */
#define TRACE_FLASH 0x08u           /* flash reads and writes */
#define TRACE_API   0x10u           /* device-API calls: sleep, waits, threads, log */
#define TRACE_ALL   0x1fu

enum trace_ev {
    EV_SWITCH, EV_IRQ, EV_FLASH_READ, EV_FLASH_WRITE,
    EV_TCP_CONNECT, EV_TCP_ACCEPT, EV_TCP_SEND, EV_TCP_RECV, EV_TCP_CLOSE,
    EV_UDP_SEND, EV_UDP_RECV, EV_DNS, EV_PING,
    EV_SLEEP, EV_SEM_WAIT, EV_MUTEX_WAIT, EV_QUEUE_SEND, EV_QUEUE_RECV,
    EV_THREAD_START, EV_THREAD_EXIT, EV_LOG, EV_COUNT
};

struct trace_event {
    uint64_t t_ns;                  /* uptime */
    uint64_t a;                     /* the main argument: a thread id, an offset, an address */
    int32_t r;                      /* a result: bytes, or an error code */
    uint16_t ev;                    /* enum trace_ev */
    uint16_t tid;                   /* the thread it happened in (0: none yet) */
};

/*
 * The classes being recorded; 0 almost always. TRACE() costs one load and a
 * branch predicted not taken while its class is off.
 */
extern volatile unsigned trace_mask;
void trace_record(unsigned ev, uint64_t a, int64_t r);
/*
 * A thread whose events (and switches to and from it) are not recorded, 0
 * for none: the console shell while it only polls the console, so a trace
 * shows the app and not the shell waiting for keys.
 */
extern unsigned trace_quiet_tid;
#define TRACE(cls, ev, a, r)                                                    \
    do {                                                                        \
        if (__builtin_expect(trace_mask & (cls), 0))                            \
            trace_record((ev), (uint64_t)(a), (int64_t)(r));                    \
    } while (0)

/* A ring of cap events: the newest overwrite the oldest. */
struct trace_ring {
    struct trace_event *ev;
    uint32_t cap;
    uint64_t total;                 /* events ever put */
};
void trace_ring_put(struct trace_ring *r, const struct trace_event *e);
/* Events held, and the i-th oldest of them. */
uint32_t trace_ring_count(const struct trace_ring *r);
const struct trace_event *trace_ring_at(const struct trace_ring *r, uint32_t i);
/* "switch", "tcp_send", ...; the class of an event. */
const char *trace_ev_name(unsigned ev);
unsigned trace_ev_class(unsigned ev);
/*
 * One event as a line without its end, e.g.
 * "   12.345678  3 tcp_send handle=2 -> 120". name(tid) may return NULL.
 */
int trace_format(const struct trace_event *e, char *buf, size_t size);
/* Class names <-> bits: "sched irq net flash api all". 0 for an unknown name. */
unsigned trace_class_bit(const char *name);
const char *trace_class_name(unsigned bit);

/* trace.c: on (allocating the ring on first use), off, reading it. */
int trace_start(unsigned classes);
void trace_stop(void);
/* The i-th oldest event held after the first `skip`: 1 and *e, or 0 past the end. */
int trace_take(uint32_t skip, uint32_t i, struct trace_event *e);
/* Forget every event held. */
void trace_clear(void);
/* Events held and dropped (overwritten) since the last dump. */
void trace_stats(uint32_t *held, uint64_t *dropped, uint32_t *cap);

/* ---- logring.c, log.c: the log ring ---- */
#define LOG_TEXT_MAX 200            /* bytes of one record's text, more is cut */
#define LOG_RING_SIZE 4096          /* mote_log's ring */

struct log_ring {
    uint8_t *buf;
    uint32_t cap, head, tail, used;
    uint64_t first_seq, next_seq;   /* records held: [first_seq, next_seq) */
};
struct log_rec {
    uint64_t seq, t_ms;
    int level;
    size_t len;
    char text[LOG_TEXT_MAX + 1];
};
void logring_init(struct log_ring *r, void *buf, size_t cap);
/* Append a record, dropping the oldest to make room. Text over LOG_TEXT_MAX is cut. */
void logring_put(struct log_ring *r, uint64_t t_ms, int level, const char *text, size_t len);
/*
 * The record numbered `seq`, or the oldest one after it if that was dropped:
 * 0 and *out, or MOTE_ENOENT when the ring holds nothing numbered >= seq.
 */
int logring_get(const struct log_ring *r, uint64_t seq, struct log_rec *out);
/* 'E', 'W', 'I', 'D' for MOTE_LOG_ERROR..DEBUG; '?' otherwise. */
char log_level_char(int level);
/* A record as a line without its end: "12.345 W main: text". */
int log_format(const struct log_rec *rec, char *buf, size_t size);

/* log.c: mote_log's ring (NULL before the first record). */
struct log_ring *log_ring(void);
/* Copy the newest records that fit into buf, oldest first, one line each; returns the length. */
size_t log_tail(char *buf, size_t size, unsigned max_lines);

/* ---- crashrec.c: crash records in flash (pure) ---- */
/*
 * The crash area: 8 KiB at 16 KiB into the persist partition
 * (docs/ota-protocol.md, "Crash records"): two copies of 4 KiB, each a
 * record (header + text, at most CRASH_RECORD_MAX bytes) and, in its last
 * 512-byte sector, a state marker (seen at boot, acknowledged by the
 * server) for the record of that seq.
 */
#define CRASH_AREA_OFFSET (16u * 1024)
#define CRASH_AREA_SIZE (8u * 1024)
#define CRASH_COPY_SIZE 4096u
#define CRASH_HDR_SIZE 32u
#define CRASH_RECORD_MAX 3584u
#define CRASH_TEXT_MAX (CRASH_RECORD_MAX - CRASH_HDR_SIZE)
#define CRASH_STATE_OFFSET CRASH_RECORD_MAX
#define CRASH_STATE_SIZE 16u

#define CRASH_F_TEST 1u             /* header flag: the image was on trial (a TEST boot) */
#define CRASH_S_SEEN 1u             /* state: a later boot has seen it (reboot reason) */
#define CRASH_S_ACKED 2u            /* state: the server stored it; it may be overwritten */

struct crash_info {
    uint32_t seq;                   /* 1, 2, ... */
    uint32_t text_len;
    uint16_t lost;                  /* unacknowledged records overwritten before this one */
    uint8_t flags;                  /* CRASH_F_* */
    uint8_t state;                  /* CRASH_S_* */
    uint8_t copy;                   /* 0 or 1 */
};

/*
 * The valid records, oldest first: returns how many (0..2) with out[]
 * filled, or the flash's error. A copy with a bad magic, size or CRC is
 * no record (a write cut short).
 */
int crash_list(const struct flash_io *io, struct crash_info out[2]);
/*
 * Where the next record goes: *copy (a blank or damaged copy first, else an
 * acknowledged one, else the older), its *seq, and *lost (what the
 * overwritten record carried, + 1 if it was not acknowledged).
 */
int crash_next(const struct flash_io *io, uint8_t *copy, uint32_t *seq, uint16_t *lost);
/*
 * Write a record over copy `copy`, in one write: a power cut during it
 * loses this record only (its CRC fails), never the other copy. `rec` holds
 * the text at rec[CRASH_HDR_SIZE ..] (len bytes); the header goes in front.
 */
int crash_write(const struct flash_io *io, uint8_t copy, uint32_t seq, uint16_t lost,
                uint8_t flags, uint8_t *rec, size_t len);
/* The text of record `seq` into buf (NUL-terminated): its length, or MOTE_ENOENT. */
int crash_read(const struct flash_io *io, uint32_t seq, char *buf, size_t size);
/* Set state bits on record `seq` (its marker sector only): 0, or MOTE_ENOENT. */
int crash_mark(const struct flash_io *io, uint32_t seq, unsigned state);
/* The value of `key=` in the record's first line ("kind", "version"), into buf; 0 or MOTE_ENOENT. */
int crash_field(const char *text, const char *key, char *buf, size_t size);

/* ---- crash.c: the device's crash records ---- */
/* 1 if this boot can keep crash records (the Mote bootloader started it, persist is big enough). */
int crash_available(void);
/* The persist partition's crash area over the flash. */
extern const struct flash_io crash_flash;
/*
 * Why the board last started, from the records (once per boot): the kind of
 * a record no boot has seen yet (and marks it seen), else "power-on".
 */
const char *crash_reboot_reason(void);

/*
 * ---- netinfo: what the shell asks of the network (net/netinfo.c). A weak
 * reference: an image that never networks links none of it, and then
 * &netinfo_ops is NULL. None of it starts networking. ----
 */
#include <mote/net.h>
struct netinfo_sock {
    const char *proto;              /* "tcp" or "udp" */
    uint32_t lip, rip;              /* rip 0: any (a listener, a UDP endpoint) */
    uint16_t lport, rport;
    const char *state;              /* TCP state ("ESTABLISHED"), "-" for UDP */
    uint32_t sendq, recvq;          /* bytes queued (UDP: datagrams waiting) */
    uint32_t rexmits;               /* TCP segments sent again */
};
struct netinfo_arp {
    uint32_t ip;
    uint8_t mac[6];
    const char *state;              /* "ok", "resolving" */
    int64_t stale_in_ms;            /* until the mapping is refreshed on use */
};
struct netinfo_ops {
    /* mote_net_status / mote_net_counter, or MOTE_ENODEV while networking has not started */
    int (*status)(struct mote_net_status *st);
    int (*counter)(int i, const char **name, uint64_t *value);
    int (*sockets)(struct netinfo_sock *out, int max);   /* how many, or MOTE_ENODEV */
    int (*arp)(struct netinfo_arp *out, int max);
    int (*ping)(uint32_t ip, size_t len, uint32_t timeout_ms, uint32_t *rtt_ms);
    int (*resolve)(const char *name, uint32_t *ip, uint32_t timeout_ms);
};
extern const struct netinfo_ops netinfo_ops __attribute__((weak));
static inline int netinfo_status(struct mote_net_status *st)
{
    return &netinfo_ops ? netinfo_ops.status(st) : MOTE_ENODEV;
}

/* ---- metrics.c ---- */
#define SHELL_THREADS_MAX 32        /* threads ps, metrics and crash records show */
struct thread_row {
    unsigned id;
    char name[16];
    int prio, base_prio;
    const char *state;              /* thread_state_name */
    size_t stack_size, stack_peak;
    uint64_t cpu_ns;
};
/* Every thread (at most max), oldest first, copied with IRQs off. Returns how many. */
int threads_snapshot(struct thread_row *rows, int max);
/* CPU time per thread at some moment, to measure the next interval against. */
struct cpu_sample {
    uint64_t at_ns;                 /* 0: never taken (the interval starts at boot) */
    unsigned id[SHELL_THREADS_MAX];
    uint64_t cpu_ns[SHELL_THREADS_MAX];
};
/*
 * The share of the CPU each of rows[0..n) had since *s was taken, in tenths
 * of a percent, into permille[]; then *s becomes now. Returns the interval in ns.
 */
uint64_t cpu_sample_take(struct cpu_sample *s, const struct thread_row *rows, int n,
                         unsigned *permille);
/*
 * The metrics snapshot as one line (the MQTT heartbeat's payload, the
 * `metrics` command): "metrics uptime_ms=... heap_used=... ...". CPU
 * percentages are over the time since the previous snapshot. Returns the length.
 */
int metrics_snapshot(char *buf, size_t size);

#endif
