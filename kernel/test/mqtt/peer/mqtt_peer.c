/*
 * mqtt_peer - the MQTT codec and session over a real TCP socket, against a
 * real broker (Mosquitto, started by mqtt_peer_test.sh). A small host
 * program, not part of the kernel: the socket glue here stands in for the
 * kernel's, which comes with the network stack.
 *
 *   mqtt_peer PORT CLIENT_ID USER PASSWORD           the whole scenario below
 *   mqtt_peer PORT CLIENT_ID USER PASSWORD refused   expect CONNACK to refuse us
 *
 * Scenario: connect with a retained will on mote/test/ID/status, subscribe
 * to mote/test/ID/echo/#, publish QoS 0 and QoS 1 to ourselves and get both
 * back, get a message larger than the receive buffer refused cleanly while
 * the connection stays, ride out keep-alive pings, cut the TCP connection
 * (no DISCONNECT: the broker publishes the will), publish QoS 1 while cut,
 * reconnect and get that message, then cut again and exit. Prints each
 * step; exit 0 when all happened, 1 (with the step) when not, within 30 s.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <mqtt/mqtt.h>

static struct peer {
    int port, fd, want_up;
    struct mqtt_client c;
    uint8_t rx[512], tx[512], inflight[4096], subs[256];
    char topic[128];
    int ups, downs, reason, pubacks, too_big;
    char got[8][64];        /* payloads received, in order */
    int ngot;
} P = { .fd = -1 };

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int p_open(void *ctx)
{
    (void)ctx;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)P.port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    P.fd = socket(AF_INET, SOCK_STREAM, 0);
    if (P.fd < 0 || connect(P.fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        if (P.fd >= 0)
            close(P.fd);
        P.fd = -1;
        return -1;
    }
    P.want_up = 1;          /* the loop reports it, as the kernel's socket thread will */
    return 0;
}

static int p_send(void *ctx, const void *buf, size_t len, int more)
{
    (void)ctx;
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(P.fd, (const char *)buf + off, len - off, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return (int)len;
}

static void p_close(void *ctx)
{
    (void)ctx;
    if (P.fd >= 0)
        close(P.fd);
    P.fd = -1;
    P.want_up = 0;
}

static uint32_t p_random(void *ctx)
{
    (void)ctx;
    return (uint32_t)rand();
}

static void p_message(void *ctx, const struct mqtt_message *m)
{
    (void)ctx;
    printf("  message %.*s (QoS %d): %.*s\n", (int)m->topic_len, m->topic, m->qos,
           (int)(m->len < 40 ? m->len : 40), (const char *)m->payload);
    if (P.ngot < 8)
        snprintf(P.got[P.ngot++], sizeof(P.got[0]), "%.*s", (int)m->len, (const char *)m->payload);
}

static void p_event(void *ctx, const struct mqtt_event *ev)
{
    (void)ctx;
    switch (ev->kind) {
    case MQTT_EV_UP:
        P.ups++;
        printf("  up\n");
        break;
    case MQTT_EV_DOWN:
        P.downs++;
        P.reason = ev->reason;
        printf("  down: %s (retry in %u ms)\n", mqtt_reason_str(ev->reason), ev->retry_ms);
        break;
    case MQTT_EV_PUBACK:
        P.pubacks++;
        break;
    case MQTT_EV_TOO_BIG:
        P.too_big++;
        printf("  refused a %zu-byte message on %.*s: larger than the receive buffer\n", ev->len,
               (int)ev->topic_len, ev->topic ? ev->topic : "");
        break;
    }
}

/* Run the client until cond() holds or ms pass: 1 if it held. */
static int run(int (*cond)(void), int ms)
{
    uint64_t end = now_ms() + (uint64_t)ms;
    while (!cond()) {
        uint64_t t = now_ms();
        if (t >= end)
            return 0;
        if (P.want_up) {
            P.want_up = 0;
            mqtt_client_transport_up(&P.c, t);
            continue;
        }
        uint64_t dl = mqtt_client_next_deadline(&P.c);
        int wait = (int)((dl < end ? dl : end) > t ? (dl < end ? dl : end) - t : 0);
        struct pollfd pf = { .fd = P.fd, .events = POLLIN };
        int r = poll(&pf, P.fd >= 0 ? 1 : 0, wait > 50 ? 50 : wait);
        t = now_ms();
        if (r > 0) {
            uint8_t buf[700];
            ssize_t n = recv(P.fd, buf, sizeof(buf), 0);
            if (n > 0)
                mqtt_client_input(&P.c, buf, (size_t)n, t);
            else
                mqtt_client_transport_down(&P.c, t, MOTE_MQTT_TRANSPORT);
        }
        mqtt_client_timer(&P.c, now_ms());
    }
    return 1;
}

static int is_up(void) { return mqtt_client_state(&P.c) == MOTE_MQTT_CONNECTED; }
static int got2(void) { return P.ngot >= 2 && P.pubacks >= 1; }
static int got_after(void) { return P.too_big >= 1 && P.ngot >= 3; }
static int got_queued(void) { return P.ngot >= 4 && P.ups >= 2; }
static int all_acked(void) { return mqtt_client_queued(&P.c) == 0; }
static int is_down(void) { return P.downs > 0; }
static int never(void) { return 0; }

static int fail(const char *step)
{
    printf("FAIL: %s\n", step);
    return 1;
}

static void publish(const char *sub, const void *payload, size_t len, int qos)
{
    char topic[160];
    snprintf(topic, sizeof(topic), "mote/test/%s/echo/%s", P.topic, sub);
    int r = mqtt_client_publish(&P.c, topic, strlen(topic), payload, len, qos, 0, now_ms());
    printf("  publish %s QoS %d, %zu bytes: %d\n", topic, qos, len, r);
}

/* Drop the TCP connection under the client, as a cable pull would (no DISCONNECT). */
static void cut(void)
{
    shutdown(P.fd, SHUT_RDWR);
    mqtt_client_transport_down(&P.c, now_ms(), MOTE_MQTT_TRANSPORT);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: mqtt_peer PORT CLIENT_ID USER PASSWORD [refused]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    srand((unsigned)now_ms());
    P.port = atoi(argv[1]);
    snprintf(P.topic, sizeof(P.topic), "%s", argv[2]);
    char will_topic[160];
    snprintf(will_topic, sizeof(will_topic), "mote/test/%s/status", argv[2]);
    struct mqtt_config cfg = {
        .connect = { .client_id = argv[2], .keepalive_s = 2, .clean_session = 1,
                     .will_topic = will_topic, .will_msg = "offline", .will_len = 7, .will_qos = 1,
                     .will_retain = 1, .username = argv[3], .password = argv[4],
                     .password_len = (uint16_t)strlen(argv[4]) },
        .backoff_min_ms = 200,
    };
    struct mqtt_env env = { p_open, p_send, p_close, p_random, p_message, p_event, NULL };
    struct mqtt_buffers b = { P.rx, P.tx, P.inflight, P.subs,
                              sizeof(P.rx), sizeof(P.tx), sizeof(P.inflight), sizeof(P.subs) };
    if (mqtt_client_init(&P.c, &cfg, &env, &b))
        return fail("init");
    char filter[160];
    snprintf(filter, sizeof(filter), "mote/test/%s/echo/#", argv[2]);
    mqtt_client_subscribe(&P.c, filter, strlen(filter), 1, 0);
    mqtt_client_start(&P.c, now_ms());

    if (argc > 5 && !strcmp(argv[5], "refused")) {
        if (!run(is_down, 5000))
            return fail("no answer to CONNECT");
        if (P.reason != MOTE_MQTT_BAD_CREDENTIALS && P.reason != MOTE_MQTT_NOT_AUTHORISED)
            return fail("expected a refusal for the credentials");
        printf("OK: refused: %s\n", mqtt_reason_str(P.reason));
        mqtt_client_stop(&P.c, now_ms());
        return 0;
    }

    printf("connect to 127.0.0.1:%d as %s\n", P.port, argv[2]);
    if (!run(is_up, 5000))
        return fail("connect and subscribe");
    publish("q0", "hello0", 6, 0);
    publish("q1", "hello1", 6, 1);
    if (!run(got2, 5000) || strcmp(P.got[0], "hello0") || strcmp(P.got[1], "hello1"))
        return fail("QoS 0 and QoS 1 to ourselves");
    static char big[2000];
    memset(big, 'B', sizeof(big));
    publish("big", big, sizeof(big), 1);
    publish("after", "after-big", 9, 1);
    if (!run(got_after, 5000) || strcmp(P.got[2], "after-big") || P.downs)
        return fail("a message larger than the receive buffer refused, the link kept");
    printf("keep-alive 2 s: idle for 5 s\n");
    uint32_t pings = P.c.stats.pings;
    run(never, 5000);
    if (P.c.stats.pings < pings + 2 || P.downs || !is_up())
        return fail("keep-alive");
    printf("  %u PINGREQs answered\n", P.c.stats.pings - pings);

    printf("cut the connection; publish QoS 1 while it is down\n");
    cut();
    publish("queued", "while-down", 10, 1);
    if (!run(got_queued, 8000) || strcmp(P.got[3], "while-down"))
        return fail("reconnect and deliver the message queued while down");
    if (!run(all_acked, 5000))
        return fail("every QoS 1 message acknowledged");
    cut();
    mqtt_client_stop(&P.c, now_ms());
    printf("OK: %u connects, %u pings, %u sent, %u received, %u refused as too big\n",
           P.c.stats.connects, P.c.stats.pings, P.c.stats.sent, P.c.stats.received,
           P.c.stats.too_big);
    return 0;
}
