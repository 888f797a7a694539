/*
 * mote/ota.h: the OTA agent (ota.h) as a kernel service. mote_ota_start
 * reads the identity record, starts the device's MQTT connection
 * (mqtt/glue.h) with the agent as its service, so that every agent call
 * runs in the connection's thread with its lock held: messages on
 * down/job and down/chunk, the session going up and down, the agent's
 * timer at its deadline. Topics: mote/dev/ID/... (docs/ota-protocol.md).
 */
#include <hal/board.h>
#include <core/core.h>
#include <mote/ota.h>
#include <mqtt/glue.h>
#include <shell/shell.h>
#include "identity.h"
#include "service.h"

#define TOPIC_MAX (9 + IDENTITY_ID_MAX + 16)   /* "mote/dev/" ID "/down/chunk" */
#define KEEPALIVE_S 60                         /* as the simulator's */
#define QUEUE_BYTES 8192                       /* QoS 1 hello, state, req, a crash record, a shell reply */

static struct {
    struct mote_mutex lock;      /* mote_ota_start: once */
    bool started;
    struct identity id;
    struct ota_device dev;
    struct ota_env env;
    struct ota_agent agent;
    struct mote_mqtt *mqtt;
    char base[TOPIC_MAX];        /* "mote/dev/ID/" */
} svc = { .lock = MOTE_MUTEX_INIT };

/* "mote/dev/ID/<dir>/<leaf>" into buf. */
static const char *topic(char *buf, const char *dir, const char *leaf)
{
    snprintf(buf, TOPIC_MAX, "%s%s/%s", svc.base, dir, leaf);
    return buf;
}

/* ---- the agent's MQTT side (in the connection's thread, lock held) ---- */

/* Is this state line a `downloading` progress report? */
static bool is_progress(const void *line, size_t len)
{
    static const char needle[] = " status=downloading";
    const char *p = line;
    for (size_t i = 0; i + sizeof(needle) - 1 <= len; i++)
        if (!memcmp(p + i, needle, sizeof(needle) - 1))
            return true;
    return false;
}

static int publish(void *ctx, const char *leaf, const void *payload, size_t len, int qos)
{
    (void)ctx;
    char t[TOPIC_MAX];
    topic(t, "up", leaf);
    /* what the device tells the server about its job, on its console too (progress aside) */
    if (!strcmp(leaf, "state") && len > 0 && !is_progress(payload, len))
        printf("[mote] ota: %.*s\n", (int)len, (const char *)payload);
    int r = mqtt_client_publish(mqtt_conn_client(svc.mqtt), t, strlen(t), payload, len, qos, 0,
                                mote_uptime_ms());
    return r < 0 ? r : 0;
}

static void request_reconnect(void *ctx)
{
    (void)ctx;
    mqtt_client_reconnect(mqtt_conn_client(svc.mqtt), mote_uptime_ms());
}

static void on_up(void *arg, uint64_t now)
{
    (void)arg;
    char t[TOPIC_MAX];
    topic(t, "up", "status");
    /* QoS 0, retained: Moquette scans retained QoS 1 messages on every SUBSCRIBE (docs/ota-protocol.md) */
    mqtt_client_publish(mqtt_conn_client(svc.mqtt), t, strlen(t), "online", 6, 0, 1, now);
    ota_agent_connected(&svc.agent, now);
    remote_connected();          /* crash records waiting since the reboot go now */
}

static void on_down(void *arg)
{
    (void)arg;
    ota_agent_disconnected(&svc.agent);
}

static void on_timer(void *arg, uint64_t now)
{
    (void)arg;
    ota_agent_timer(&svc.agent, now);
}

static uint64_t deadline(void *arg)
{
    (void)arg;
    return ota_agent_next_deadline(&svc.agent);
}

/* down/job or down/chunk: the leaf is what follows the base and "down/". */
static void on_message(const struct mote_mqtt_message *m, void *arg)
{
    (void)arg;
    size_t skip = strlen(svc.base) + 5;
    char leaf[8] = "";
    if (m->topic_len > skip && m->topic_len - skip < sizeof(leaf)) {
        memcpy(leaf, m->topic + skip, m->topic_len - skip);
        leaf[m->topic_len - skip] = 0;
    }
    ota_agent_message(&svc.agent, leaf, m->payload, m->len, mote_uptime_ms());
}

/* ---- starting ---- */

/* Read and check the identity record at persist + IDENTITY_OFFSET. */
static int read_identity(const char **why)
{
    static uint8_t rec[IDENTITY_SIZE];
    *why = "identity: the board has no persist partition";
    if (board.part_size[PART_PERSIST] < IDENTITY_OFFSET + IDENTITY_SIZE)
        return MOTE_ENODEV;
    int err = mote_flash_read(board.part_offset[PART_PERSIST] + IDENTITY_OFFSET, rec, sizeof(rec));
    if (err) {
        *why = "identity: cannot read the flash";
        return err == MOTE_ENODEV ? err : MOTE_EIO;
    }
    return identity_parse(rec, &svc.id, why);
}

static int start(void)
{
    const char *why;
    char reason[96];
    int err = read_identity(&why);
    if (err) {
        printf("[mote] ota: %s; running without OTA%s\n", why,
               err == MOTE_ENOENT ? " (mote ota provision writes it)" : "");
        return err;
    }
    err = ota_device_init(&svc.dev, &svc.env, reason, sizeof(reason));
    if (err) {
        printf("[mote] ota: %s; running without OTA\n", reason);
        return err;
    }
    svc.env.publish = publish;
    svc.env.request_reconnect = request_reconnect;
    snprintf(svc.base, sizeof(svc.base), "mote/dev/%s/", svc.id.device_id);
    struct ota_boot boot = { board.name, svc.dev.version, svc.dev.min_counter, svc.dev.running,
                             svc.dev.testing, (uint32_t)svc.dev.board.slot_size, svc.id.max_chunk };
    err = ota_agent_init(&svc.agent, &svc.env, &boot, mote_uptime_ms());
    if (err)
        printf("[mote] ota: cannot read the progress record (error %d): starting with no job\n", err);

    char will[TOPIC_MAX], job[TOPIC_MAX], chunk[TOPIC_MAX];
    struct mote_mqtt_config cfg = {
        .host = svc.id.host, .port = svc.id.port, .client_id = svc.id.device_id,
        .username = svc.id.username, .password = svc.id.password,
        .will_topic = topic(will, "up", "status"), .will_message = "offline", .will_qos = 1,
        .will_retain = true, .keepalive_s = KEEPALIVE_S,
        .max_message = strlen(svc.base) + 16 + 12 + svc.id.max_chunk, .queue_bytes = QUEUE_BYTES,
    };
    /* the two topics the simulator subscribes to (the broker lets a device have only down/) */
    const char *const filters[] = { topic(job, "down", "job"), topic(chunk, "down", "chunk") };
    struct mqtt_service s = { on_up, on_down, on_timer, deadline, NULL, filters, 2, on_message };
    err = mqtt_conn_start(&cfg, &s, &svc.mqtt);
    if (err) {
        printf("[mote] ota: cannot start the MQTT connection (error %d); running without OTA\n", err);
        return err;
    }
    printf("[mote] ota: device %s, broker %s:%u, running %s from slot %c%s\n", svc.id.device_id,
           svc.id.host, svc.id.port, svc.dev.version, svc.dev.running == SLOT_A ? 'A' : 'B',
           svc.dev.testing ? " (TEST boot)" : "");
    /* crash records, logs, heartbeats on the same connection; the shell only if the identity says so */
    int shell = (svc.id.flags & IDENTITY_FLAG_SHELL) != 0;
    int rerr = remote_start(svc.mqtt, svc.id.device_id, shell);
    if (rerr)
        printf("[mote] ota: cannot start crash reports, logs and metrics (error %d)\n", rerr);
    else
        printf("[mote] ota: crash reports, logs, metrics on; remote shell %s\n", shell ? "on" : "off");
    return 0;
}

int mote_ota_start(void)
{
    mote_mutex_lock(&svc.lock);
    int err = svc.started ? 0 : start();
    svc.started = !err;
    mote_mutex_unlock(&svc.lock);
    return err;
}

struct mote_mqtt *mote_ota_mqtt(void)
{
    return svc.started ? svc.mqtt : NULL;
}

const char *mote_device_id(void)
{
    return svc.started ? svc.id.device_id : "";
}

int mote_ota_status(struct mote_ota_status *st)
{
    static const uint8_t phases[] = { [OTA_IDLE] = MOTE_OTA_IDLE,
                                      [OTA_FETCHING] = MOTE_OTA_DOWNLOADING,
                                      [OTA_RESTARTING] = MOTE_OTA_RESTARTING,
                                      [OTA_TESTING] = MOTE_OTA_TESTING };
    if (!st)
        return MOTE_EINVAL;
    memset(st, 0, sizeof(*st));
    if (!svc.started)
        return MOTE_ENODEV;
    mqtt_conn_lock(svc.mqtt);
    const struct ota_agent *a = &svc.agent;
    st->phase = (enum mote_ota_phase)phases[a->phase];
    st->connected = a->connected;
    if (a->phase != OTA_IDLE) {
        st->job = a->rec.job;
        st->size = a->rec.size;
        st->have = a->phase == OTA_FETCHING ? dl_have(&a->dl) : a->rec.size;
    }
    st->chunk_bytes = a->stats.chunk_bytes;
    st->bad_lines = a->stats.bad_lines;
    st->dropped_chunks = a->stats.dropped_chunks + a->stats.bad_chunks;
    st->timeouts = a->stats.timeouts;
    st->reconnects = a->stats.reconnects;
    mqtt_conn_unlock(svc.mqtt);
    return 0;
}
