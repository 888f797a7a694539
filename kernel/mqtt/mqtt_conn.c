/*
 * mqtt_conn.c - mote/mqtt.h: one MQTT connection = the session (mqtt.h),
 * one TCP socket and the thread that owns both (glue.h).
 *
 * The thread resolves the host and connects when the session asks
 * (env.open), reads the socket with a timeout of the session's (and the
 * service's) next deadline, and runs their timers. Every call into the
 * session holds m->lock. App threads publish and subscribe through the
 * session directly (env.send writes to the socket from the calling thread,
 * which the net glue allows beside the thread's reads). Only the thread
 * ever frees a socket: env.close hands it over (m->closing), so a read in
 * progress never sees it freed.
 */
#include <core/core.h>
#include <mote/net.h>
#include "glue.h"

#define CONN_STACK 16384          /* the thread's: handlers and the OTA agent run on it */
#define CONN_PRIO (MOTE_PRIO_MAX - 2)   /* above apps: a busy app must not kill the link */
#define CONN_SEND_MS 10000        /* a send blocked this long drops the connection */
#define CONN_RX 4096              /* one socket read */
#define CONN_STOPPING_MS 200      /* while stopping, look this often for the socket's end */

/* A wait list (a condition variable on m->lock): waiters count themselves. */
struct waiters {
    struct mote_sem sem;
    int n;
};

struct mote_mqtt {
    struct mote_mutex lock;
    struct mote_sem wake;             /* the thread's: open, close or stop asked */
    struct mote_thread *thread;
    struct mqtt_client c;
    struct mqtt_service svc;
    struct mqtt_handlers handlers;
    struct waiters up, room;          /* mote_mqtt_connect; QoS 1 queue room */
    struct mote_tcp *sock;            /* connected, or NULL */
    struct mote_tcp *closing;         /* for the thread to close */
    uint32_t open_gen;                /* bumped by every open and close: a stale connect is dropped */
    bool want_open, stopping, ended;
    uint16_t port;
    uint64_t up_since;
    char *host, *strings;             /* copies of the config's strings */
    uint8_t *mem;                     /* the session's buffers */
};

static bool in_thread(const struct mote_mqtt *m)
{
    return mote_thread_self() == m->thread;
}

static void lock(struct mote_mqtt *m)
{
    if (!in_thread(m))
        mote_mutex_lock(&m->lock);
}

static void unlock(struct mote_mqtt *m)
{
    if (!in_thread(m))
        mote_mutex_unlock(&m->lock);
}

static void wake_all(struct waiters *w)
{
    for (int i = 0; i < w->n; i++)
        mote_sem_post(&w->sem);
}

/* With m->lock held (not the thread): wait on w until woken or `until` (ms); 0 or MOTE_ETIMEDOUT. */
static int wait_on(struct mote_mqtt *m, struct waiters *w, uint64_t until)
{
    uint64_t now = mote_uptime_ms();
    if (now >= until)
        return MOTE_ETIMEDOUT;
    w->n++;
    mote_mutex_unlock(&m->lock);
    mote_sem_wait(&w->sem, until - now > MOTE_FOREVER - 1 ? MOTE_FOREVER - 1 : (uint32_t)(until - now));
    mote_mutex_lock(&m->lock);
    w->n--;
    return 0;
}

static uint64_t until(uint32_t timeout_ms)
{
    return timeout_ms == MOTE_FOREVER ? UINT64_MAX : mote_uptime_ms() + timeout_ms;
}

/* ---- the session's environment (called with m->lock held) ---- */

static int env_open(void *ctx)
{
    struct mote_mqtt *m = ctx;
    m->open_gen++;
    m->want_open = true;
    mote_sem_post(&m->wake);
    return 0;
}

static int env_send(void *ctx, const void *buf, size_t len, int more)
{
    struct mote_mqtt *m = ctx;
    (void)more;
    if (!m->sock)
        return MOTE_ENOTCONN;
    return mote_tcp_send_all(m->sock, buf, len, CONN_SEND_MS);
}

static void env_close(void *ctx)
{
    struct mote_mqtt *m = ctx;
    m->open_gen++;                  /* a connect in progress is for an attempt that is over */
    if (m->sock) {
        m->closing = m->sock;
        m->sock = NULL;
        if (!in_thread(m))
            mote_tcp_shutdown(m->closing);  /* the peer's answer ends the thread's read */
    }
    mote_sem_post(&m->wake);
}

static uint32_t env_random32(void *ctx)
{
    (void)ctx;
    return mote_random32();
}

static void env_message(void *ctx, const struct mqtt_message *msg)
{
    struct mote_mqtt *m = ctx;
    mqtt_handlers_dispatch(&m->handlers, msg);
}

static void env_event(void *ctx, const struct mqtt_event *ev)
{
    struct mote_mqtt *m = ctx;
    uint64_t now = mote_uptime_ms();
    switch (ev->kind) {
    case MQTT_EV_UP:
        m->up_since = now;
        printf("[mote] mqtt: connected to %s:%u as %s at %llu ms\n", m->host, m->port,
               m->c.cfg.connect.client_id, (unsigned long long)now);
        wake_all(&m->up);
        if (m->svc.up)
            m->svc.up(m->svc.arg, now);
        break;
    case MQTT_EV_DOWN:
        if (ev->reason != MOTE_MQTT_CLOSED)
            printf("[mote] mqtt: %s:%u: %s; again in %u ms\n", m->host, m->port,
                   mqtt_reason_str(ev->reason), (unsigned)ev->retry_ms);
        if (m->svc.down)
            m->svc.down(m->svc.arg);
        wake_all(&m->room);
        break;
    case MQTT_EV_PUBACK:
        wake_all(&m->room);
        break;
    case MQTT_EV_TOO_BIG:
        printf("[mote] mqtt: refused a %u-byte message on %.*s (larger than max_message)\n",
               (unsigned)ev->len, ev->topic ? (int)ev->topic_len : 1, ev->topic ? ev->topic : "?");
        break;
    default:
        break;
    }
}

/* ---- the thread ---- */

/* Resolve and connect (no lock held): 0 and *out, or the session's reason for the failure. */
static int dial(struct mote_mqtt *m, struct mote_tcp **out)
{
    uint32_t ip;
    uint32_t timeout = m->c.cfg.connect_timeout_ms;
    if (mote_dns_resolve(m->host, &ip, timeout))
        return MOTE_MQTT_DNS;
    if (mote_tcp_connect(ip, m->port, timeout, out))
        return MOTE_MQTT_TRANSPORT;
    mote_tcp_nodelay(*out, true);   /* MQTT's packets are small and each one waits for an answer */
    return 0;
}

/* One step with the lock held: a socket to close, a connection to open, or a socket to read. */
static void step(struct mote_mqtt *m, uint8_t *buf)
{
    struct mote_tcp *s;
    if (m->closing) {
        s = m->closing;
        m->closing = NULL;
        mote_mutex_unlock(&m->lock);
        mote_tcp_abort(s);
        mote_mutex_lock(&m->lock);
        return;
    }
    if (m->want_open && !m->stopping) {
        uint32_t gen = m->open_gen;
        m->want_open = false;
        mote_mutex_unlock(&m->lock);
        int reason = dial(m, &s);
        mote_mutex_lock(&m->lock);
        if (gen != m->open_gen || m->stopping) {
            if (!reason)
                m->closing = s;     /* this attempt was given up meanwhile */
        } else if (reason) {
            mqtt_client_transport_down(&m->c, mote_uptime_ms(), reason);
        } else {
            m->sock = s;
            mqtt_client_transport_up(&m->c, mote_uptime_ms());
        }
        return;
    }
    uint64_t now = mote_uptime_ms();
    mqtt_client_timer(&m->c, now);
    if (m->svc.timer && m->svc.deadline && m->svc.deadline(m->svc.arg) <= now)
        m->svc.timer(m->svc.arg, now);
    if (m->closing || (m->want_open && !m->stopping))
        return;
    uint64_t next = mqtt_client_next_deadline(&m->c);
    if (m->svc.deadline) {
        uint64_t d = m->svc.deadline(m->svc.arg);
        next = d < next ? d : next;
    }
    now = mote_uptime_ms();
    uint64_t wait = next <= now ? 0 : next - now;
    if (m->stopping && wait > CONN_STOPPING_MS)
        wait = CONN_STOPPING_MS;
    if (wait > 60000)
        wait = 60000;
    if (!m->sock) {
        if (wait) {
            mote_mutex_unlock(&m->lock);
            mote_sem_wait(&m->wake, (uint32_t)wait);
            mote_mutex_lock(&m->lock);
        }
        return;
    }
    s = m->sock;
    mote_mutex_unlock(&m->lock);
    int n = mote_tcp_recv(s, buf, CONN_RX, wait ? (uint32_t)wait : 1);
    mote_mutex_lock(&m->lock);
    if (s != m->sock)
        return;                     /* closed meanwhile: m->closing has it */
    if (n > 0)
        mqtt_client_input(&m->c, buf, (size_t)n, mote_uptime_ms());
    else if (n != MOTE_ETIMEDOUT && n != MOTE_EAGAIN)
        mqtt_client_transport_down(&m->c, mote_uptime_ms(), MOTE_MQTT_TRANSPORT);
}

static void conn_thread(void *arg)
{
    struct mote_mqtt *m = arg;
    uint8_t *buf = malloc(CONN_RX);
    if (!buf)
        panic("mqtt: no memory for the receive buffer");
    mote_mutex_lock(&m->lock);
    mqtt_client_start(&m->c, mote_uptime_ms());
    while (!m->stopping || m->sock || m->closing)
        step(m, buf);
    m->ended = true;
    wake_all(&m->up);
    wake_all(&m->room);
    mote_mutex_unlock(&m->lock);
    free(buf);
}

/* ---- the API ---- */

/* A copy of s at *p (advanced), or NULL for NULL. */
static const char *copy(char **p, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = *p;
    memcpy(d, s, n);
    *p += n;
    return d;
}

int mqtt_conn_start(const struct mote_mqtt_config *cfg, const struct mqtt_service *svc,
                    struct mote_mqtt **out)
{
    struct mqtt_config sc;
    struct mqtt_sizes sz;
    *out = NULL;
    if (!cfg || mqtt_app_config(cfg, &sc, &sz))
        return MOTE_EINVAL;
    const char *strs[] = { cfg->host, cfg->client_id, cfg->username, cfg->password,
                           cfg->will_topic, cfg->will_message };
    size_t slen = 0;
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        slen += strs[i] ? strlen(strs[i]) + 1 : 0;
    struct mote_mqtt *m = calloc(1, sizeof(*m));
    char *strings = malloc(slen ? slen : 1);
    uint8_t *mem = malloc(sz.rx + sz.tx + sz.inflight + sz.subs);
    if (!m || !strings || !mem) {
        free(m);
        free(strings);
        free(mem);
        return MOTE_ENOMEM;
    }
    char *p = strings;
    m->host = (char *)copy(&p, cfg->host);
    sc.connect.client_id = copy(&p, cfg->client_id);
    sc.connect.username = copy(&p, cfg->username);
    sc.connect.password = copy(&p, cfg->password);
    sc.connect.will_topic = copy(&p, cfg->will_topic);
    if (sc.connect.will_topic)
        sc.connect.will_msg = cfg->will_message ? copy(&p, cfg->will_message) : "";
    m->strings = strings;
    m->mem = mem;
    m->port = cfg->port ? cfg->port : 1883;
    mote_mutex_init(&m->lock);
    mote_sem_init(&m->wake, 0);
    mote_sem_init(&m->up.sem, 0);
    mote_sem_init(&m->room.sem, 0);
    if (svc)
        m->svc = *svc;
    struct mqtt_env env = { env_open, env_send, env_close, env_random32, env_message, env_event, m };
    struct mqtt_buffers b = { mem, mem + sz.rx, mem + sz.rx + sz.tx, mem + sz.rx + sz.tx + sz.inflight,
                              sz.rx, sz.tx, sz.inflight, sz.subs };
    int err = mqtt_client_init(&m->c, &sc, &env, &b);
    for (unsigned i = 0; svc && !err && i < svc->nfilters; i++) {
        err = mqtt_handlers_add(&m->handlers, svc->filters[i], svc->message, svc->arg);
        if (!err)
            err = mqtt_client_subscribe(&m->c, svc->filters[i], strlen(svc->filters[i]), 1, 0);
    }
    if (!err) {
        /*
         * Locked until the thread exists, so no callback sees m->thread unset; and *out is set
         * before the thread can run, so a callback (the OTA service's on_up) that reaches the
         * connection through the caller's copy of the handle never finds it still NULL.
         */
        mote_mutex_lock(&m->lock);
        *out = m;
        m->thread = thread_spawn("mqtt", conn_thread, m, CONN_PRIO, CONN_STACK);
        mote_mutex_unlock(&m->lock);
        err = m->thread ? 0 : MOTE_ENOMEM;
    }
    if (err) {
        *out = NULL;
        free(mem);
        free(strings);
        free(m);
        return err == MOTE_ENOMEM ? err : MOTE_EINVAL;
    }
    *out = m;
    return 0;
}

struct mqtt_client *mqtt_conn_client(struct mote_mqtt *m)
{
    return &m->c;
}

void mqtt_conn_lock(struct mote_mqtt *m)
{
    lock(m);
}

void mqtt_conn_unlock(struct mote_mqtt *m)
{
    unlock(m);
}

int mote_mqtt_connect(const struct mote_mqtt_config *cfg, uint32_t timeout_ms, struct mote_mqtt **out)
{
    if (!out)
        return MOTE_EINVAL;
    int err = mqtt_conn_start(cfg, NULL, out);
    if (err)
        return err;
    struct mote_mqtt *m = *out;
    uint64_t end = until(timeout_ms);
    mote_mutex_lock(&m->lock);
    while (mqtt_client_state(&m->c) != MOTE_MQTT_CONNECTED && !m->ended)
        if (wait_on(m, &m->up, end))
            break;
    err = mqtt_client_state(&m->c) == MOTE_MQTT_CONNECTED ? 0 : MOTE_ETIMEDOUT;
    mote_mutex_unlock(&m->lock);
    return err;
}

int mote_mqtt_publish(struct mote_mqtt *m, const char *topic, const void *payload, size_t len,
                      int qos, bool retain, uint32_t timeout_ms)
{
    if (!m || !topic || (len && !payload))
        return MOTE_EINVAL;
    bool wait = !in_thread(m) && timeout_ms;
    uint64_t end = until(timeout_ms);
    lock(m);
    int r;
    for (;;) {
        r = mqtt_client_publish(&m->c, topic, strlen(topic), payload, len, qos, retain,
                                mote_uptime_ms());
        if (r != MOTE_EAGAIN || !wait || m->ended || wait_on(m, &m->room, end))
            break;
    }
    unlock(m);
    if (r == MOTE_EAGAIN && wait)
        return MOTE_ETIMEDOUT;
    if (r == MOTE_ENOMEM)
        return MOTE_EINVAL;         /* larger than the whole queue: it could never go */
    return r < 0 ? r : 0;
}

int mote_mqtt_subscribe(struct mote_mqtt *m, const char *filter, int qos, mote_mqtt_handler fn,
                        void *arg)
{
    if (!m || !filter || !fn)
        return MOTE_EINVAL;
    lock(m);
    int r = mqtt_handlers_add(&m->handlers, filter, fn, arg);
    if (!r) {
        r = mqtt_client_subscribe(&m->c, filter, strlen(filter), qos, mote_uptime_ms());
        if (r)
            mqtt_handlers_remove(&m->handlers, filter);
    }
    unlock(m);
    return r;
}

int mote_mqtt_unsubscribe(struct mote_mqtt *m, const char *filter)
{
    if (!m || !filter)
        return MOTE_EINVAL;
    lock(m);
    int r = mqtt_handlers_remove(&m->handlers, filter);
    if (!r)
        mqtt_client_unsubscribe(&m->c, filter, strlen(filter), mote_uptime_ms());
    unlock(m);
    return r;
}

int mote_mqtt_status(struct mote_mqtt *m, struct mote_mqtt_status *st)
{
    if (!m)
        return MOTE_EINVAL;
    struct mote_mqtt_status s;
    memset(&s, 0, sizeof(s));
    lock(m);
    uint64_t now = mote_uptime_ms();
    s.state = (enum mote_mqtt_state)mqtt_client_state(&m->c);
    s.reason = m->c.reason;
    if (s.state == MOTE_MQTT_WAITING && m->c.deadline > now)
        s.retry_in_ms = (uint32_t)(m->c.deadline - now);
    if (s.state == MOTE_MQTT_CONNECTED)
        s.connected_ms = (uint32_t)(now - m->up_since);
    s.queued = mqtt_client_queued(&m->c);
    s.connects = m->c.stats.connects;
    s.refusals = m->c.stats.refusals;
    s.drops = m->c.stats.drops;
    s.sent = m->c.stats.sent;
    s.received = m->c.stats.received;
    s.too_big = m->c.stats.too_big;
    s.subs_refused = m->c.stats.subs_refused;
    unlock(m);
    if (st)
        *st = s;
    return s.reason;
}

int mote_mqtt_disconnect(struct mote_mqtt *m)
{
    if (!m || in_thread(m))
        return MOTE_EINVAL;         /* not from a handler: the thread would wait for itself */
    mote_mutex_lock(&m->lock);
    m->stopping = true;
    mqtt_client_stop(&m->c, mote_uptime_ms());
    mote_sem_post(&m->wake);
    mote_mutex_unlock(&m->lock);
    mote_thread_join(m->thread);
    free(m->mem);
    free(m->strings);
    free(m);
    return 0;
}

const char *mote_mqtt_reason_str(int reason)
{
    return mqtt_reason_str(reason);
}
