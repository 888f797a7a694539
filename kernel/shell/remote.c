/*
 * What the device tells the OTA server about itself, over the OTA agent's
 * MQTT connection (docs/ota-protocol.md, "Seeing inside devices"): its crash
 * records, until the server acknowledges each; its log records at or above
 * the shipping level, in batches at most every LOG_EVERY_MS; the metrics
 * heartbeat; and, when its identity enables the remote shell, the shell's
 * commands from down/shell with their replies on up/shell.
 *
 * One thread ("observe", above app threads, below the network's) does the
 * work: flash reads and writes, running commands, publishing. The MQTT
 * handlers run in the connection's thread and only copy what came into a
 * slot and wake it. Messages on any topic but the device's own down/shell
 * and down/crash-ack are ignored (only the server account may publish
 * there: the broker's ACL).
 */
#include <hal/cpu.h>
#include <core/core.h>
#include <lib/lib.h>
#include <mote/mqtt.h>
#include "shell.h"

#define OBSERVE_PRIO (MOTE_NET_PRIO - 1)
#define OBSERVE_STACK 16384
#define LOG_EVERY_MS 5000
#define LOG_BATCH_MAX 2048
#define FIRST_BEAT_MS 5000
#define TOPIC_MAX 96
#define SHELL_OUT_MAX 4096
#define ACKS_MAX 4
#define METRICS_MAX 1024

#define EV_WORK 1u

static struct {
    struct mote_mqtt *mqtt;
    char base[TOPIC_MAX];            /* "mote/dev/ID/" */
    int shell;
    struct mote_event ev;
    /* filled by the handlers (connection thread), IRQs off while copying */
    uint32_t acks[ACKS_MAX];
    unsigned nacks;
    int cmd_ready;
    uint32_t cmd_id;
    char cmd[SHELL_LINE_MAX + 1];
    size_t cmd_len;
    /* the observe thread's own */
    uint32_t connects;
    uint64_t log_next;               /* the next log record to ship */
    uint64_t log_at, beat_at;        /* when to ship logs, send the heartbeat (uptime ms) */
} obs;

static int ship_level = MOTE_LOG_WARN;
static uint32_t beat_every_ms = 300000;

void mote_log_ship(int level)
{
    ship_level = level;
}

void mote_metrics_every(uint32_t seconds)
{
    beat_every_ms = seconds * 1000u;
}

static const char *topic(char *buf, const char *leaf)
{
    snprintf(buf, TOPIC_MAX, "%s%s", obs.base, leaf);
    return buf;
}

/* 1 if the message is on exactly base + leaf. */
static int on_topic(const struct mote_mqtt_message *m, const char *leaf)
{
    size_t b = strlen(obs.base), l = strlen(leaf);
    return m->topic_len == b + l && !memcmp(m->topic, obs.base, b) && !memcmp(m->topic + b, leaf, l);
}

/* "verb key=N" at the start of p[0..len): N, or -1. */
static long field(const char *p, size_t len, const char *verb, const char *key)
{
    size_t v = strlen(verb), k = strlen(key);
    if (len < v + 1 + k + 2 || memcmp(p, verb, v) || p[v] != ' ' || memcmp(p + v + 1, key, k) ||
        p[v + 1 + k] != '=')
        return -1;
    long n = 0;
    size_t i = v + 2 + k, start = i;
    for (; i < len && p[i] >= '0' && p[i] <= '9' && i - start < 10; i++)
        n = n * 10 + (p[i] - '0');
    return i > start && (i == len || p[i] == '\n' || p[i] == ' ') ? n : -1;
}

/* down/crash-ack and down/shell, in the connection's thread: copy, wake the observe thread. */
static void on_message(const struct mote_mqtt_message *m, void *arg)
{
    (void)arg;
    const char *p = m->payload;
    if (on_topic(m, "down/crash-ack")) {
        long seq = field(p, m->len, "crash-ack", "seq");
        unsigned long flags = arch_irq_save();
        if (seq > 0 && obs.nacks < ACKS_MAX)
            obs.acks[obs.nacks++] = (uint32_t)seq;
        arch_irq_restore(flags);
    } else if (obs.shell && on_topic(m, "down/shell")) {
        long id = field(p, m->len, "shell", "id");
        const char *nl = 0;
        for (size_t i = 0; i < m->len && !nl; i++)
            nl = p[i] == '\n' ? p + i : 0;
        if (id <= 0 || !nl)
            return;
        size_t n = m->len - (size_t)(nl + 1 - p);
        unsigned long flags = arch_irq_save();
        if (!obs.cmd_ready) {    /* one at a time: the server waits for each reply */
            obs.cmd_id = (uint32_t)id;
            obs.cmd_len = n > SHELL_LINE_MAX ? SHELL_LINE_MAX + 1 : n;
            memcpy(obs.cmd, nl + 1, obs.cmd_len < sizeof(obs.cmd) ? obs.cmd_len : sizeof(obs.cmd));
            obs.cmd_ready = 1;
        }
        arch_irq_restore(flags);
    } else {
        return;
    }
    mote_event_set(&obs.ev, EV_WORK);
}

static void publish(const char *leaf, const void *payload, size_t len, int qos)
{
    char t[TOPIC_MAX];
    mote_mqtt_publish(obs.mqtt, topic(t, leaf), payload, len, qos, false, 10000);
}

/* Every record the server has not acknowledged, oldest first. */
static void send_crash_records(void)
{
    static char text[CRASH_TEXT_MAX + 1];
    struct crash_info ci[2];
    int n = crash_available() ? crash_list(&crash_flash, ci) : 0;
    for (int i = 0; i < n; i++) {
        if (ci[i].state & CRASH_S_ACKED)
            continue;
        int len = crash_read(&crash_flash, ci[i].seq, text, sizeof(text));
        if (len > 0)
            publish("up/crash", text, (size_t)len, 1);
    }
}

static void take_acks(void)
{
    for (;;) {
        unsigned long flags = arch_irq_save();
        uint32_t seq = obs.nacks ? obs.acks[--obs.nacks] : 0;
        arch_irq_restore(flags);
        if (!seq)
            return;
        crash_mark(&crash_flash, seq, CRASH_S_ACKED);
    }
}

static void run_command(void)
{
    static char out[SHELL_OUT_MAX + 1], reply[SHELL_OUT_MAX + 64];
    unsigned long flags = arch_irq_save();
    uint32_t id = obs.cmd_id;
    size_t len = obs.cmd_len;
    static char line[SHELL_LINE_MAX + 2];
    memcpy(line, obs.cmd, len < sizeof(obs.cmd) ? len : sizeof(obs.cmd));
    arch_irq_restore(flags);
    int truncated = 0;
    int status = shell_run_buf(line, len, out, sizeof(out), &truncated);
    int h = snprintf(reply, sizeof(reply), "shell-reply id=%u exit=%d truncated=%d\n", (unsigned)id, status,
                     truncated);
    size_t n = strlen(out);
    memcpy(reply + h, out, n);
    publish("up/shell", reply, (size_t)h + n, 1);
    flags = arch_irq_save();
    obs.cmd_ready = 0;
    arch_irq_restore(flags);
}

/* Ship what was logged at or above the level since the last batch (one batch, LOG_BATCH_MAX bytes). */
static void ship_logs(void)
{
    static char batch[LOG_BATCH_MAX];
    static struct log_rec rec;
    struct log_ring *r = log_ring();
    if (!r || ship_level <= 0)
        return;
    char lines[LOG_BATCH_MAX - 64];
    size_t used = 0;
    unsigned count = 0;
    uint64_t first = 0, dropped = 0;
    for (;;) {
        unsigned long flags = arch_irq_save();
        if (obs.log_next < r->first_seq) {
            dropped += r->first_seq - obs.log_next;
            obs.log_next = r->first_seq;
        }
        int err = logring_get(r, obs.log_next, &rec);
        arch_irq_restore(flags);
        if (err)
            break;
        if (rec.level > ship_level) {
            obs.log_next = rec.seq + 1;
            continue;
        }
        char one[LOG_TEXT_MAX + 32];
        int n = log_format(&rec, one, sizeof(one));
        if (used + (size_t)n + 1 > sizeof(lines))
            break;                       /* the rest goes in the next batch */
        if (!count)
            first = rec.seq;
        lines[used++] = '\n';
        memcpy(lines + used, one, (size_t)n);
        used += (size_t)n;
        count++;
        obs.log_next = rec.seq + 1;
    }
    if (!count)
        return;
    int h = snprintf(batch, sizeof(batch), "log first=%llu count=%u dropped=%llu", (unsigned long long)first,
                     count, (unsigned long long)dropped);
    memcpy(batch + h, lines, used);
    publish("up/log", batch, (size_t)h + used, 1);
}

static void heartbeat(void)
{
    static char line[METRICS_MAX];
    int n = metrics_snapshot(line, sizeof(line));
    char t[TOPIC_MAX];
    mote_mqtt_publish(obs.mqtt, topic(t, "up/metrics"), line, (size_t)n, 0, false, 0);
}

static void observe_main(void *arg)
{
    (void)arg;
    crash_reboot_reason();               /* marks a new record seen: this boot's reason */
    uint64_t now = mote_uptime_ms();
    obs.log_at = now + LOG_EVERY_MS;
    obs.beat_at = now + FIRST_BEAT_MS;
    for (;;) {
        now = mote_uptime_ms();
        uint64_t next = obs.log_at < obs.beat_at ? obs.log_at : obs.beat_at;
        uint32_t wait = next > now ? (uint32_t)(next - now) : 0;
        uint32_t got;
        mote_event_wait(&obs.ev, EV_WORK, MOTE_EVENT_ANY | MOTE_EVENT_CLEAR, wait < 1000 ? wait : 1000, &got);
        struct mote_mqtt_status st;
        mote_mqtt_status(obs.mqtt, &st);
        int up = st.state == MOTE_MQTT_CONNECTED;
        if (up && st.connects != obs.connects) {
            obs.connects = st.connects;  /* a new session: what waits goes now */
            send_crash_records();
        }
        take_acks();
        if (obs.cmd_ready)
            run_command();
        now = mote_uptime_ms();
        if (now >= obs.log_at) {
            if (up)
                ship_logs();
            obs.log_at = now + LOG_EVERY_MS;
        }
        if (now >= obs.beat_at) {
            if (up && beat_every_ms)
                heartbeat();
            obs.beat_at = now + (beat_every_ms ? beat_every_ms : 60000);
        }
    }
}

void remote_connected(void)
{
    mote_event_set(&obs.ev, EV_WORK);    /* a zeroed event is a valid one: safe before remote_start */
}

int remote_start(struct mote_mqtt *m, const char *device_id, int shell)
{
    char t[TOPIC_MAX];
    obs.mqtt = m;
    obs.shell = shell;
    snprintf(obs.base, sizeof(obs.base), "mote/dev/%s/", device_id);
    mote_event_init(&obs.ev, 0);
    struct log_ring *r = log_ring();
    obs.log_next = r ? r->first_seq : 1;
    int err = mote_mqtt_subscribe(m, topic(t, "down/crash-ack"), 1, on_message, 0);
    if (!err && shell)
        err = mote_mqtt_subscribe(m, topic(t, "down/shell"), 1, on_message, 0);
    if (!err && !thread_spawn("observe", observe_main, 0, OBSERVE_PRIO, OBSERVE_STACK))
        err = MOTE_ENOMEM;
    return err;
}
