/*
 * mote/mqtt.h's pure half (mqtt_app.c): an app's config checked and sized,
 * and received messages dispatched to the handlers whose filters match.
 */
#include <stdint.h>
#include "check.h"
#include <mote.h>
#include <mqtt/glue.h>

static char got[8][64];
static int ngot;

static void record(const struct mote_mqtt_message *m, void *arg)
{
    if (ngot < 8)
        snprintf(got[ngot++], sizeof(got[0]), "%s:%.*s=%.*s", (const char *)arg, (int)m->topic_len,
                 m->topic, (int)m->len, (const char *)m->payload);
}

static struct mqtt_handlers *self_table;

/* A handler that removes itself while being called. */
static void remove_self(const struct mote_mqtt_message *m, void *arg)
{
    record(m, arg);
    mqtt_handlers_remove(self_table, "a/#");
}

static struct mqtt_message msg(const char *topic, const char *payload)
{
    struct mqtt_message m = { topic, strlen(topic), (const uint8_t *)payload, strlen(payload), 1, 0, 0 };
    return m;
}

void test_mqtt_app_handlers_dispatch_by_filter(void)
{
    struct mqtt_handlers t;
    memset(&t, 0, sizeof(t));
    CHECK(mqtt_handlers_add(&t, "mote/dev/d1/down/#", record, "ota") == 0);
    CHECK(mqtt_handlers_add(&t, "mote/dev/+/down/job", record, "jobs") == 0);
    CHECK(mqtt_handlers_add(&t, "cfg", record, "cfg") == 0);
    ngot = 0;
    struct mqtt_message m = msg("mote/dev/d1/down/job", "offer");
    CHECK(mqtt_handlers_dispatch(&t, &m) == 2);
    CHECK(ngot == 2);
    CHECK_STR(got[0], "ota:mote/dev/d1/down/job=offer");
    CHECK_STR(got[1], "jobs:mote/dev/d1/down/job=offer");
    m = msg("mote/dev/d2/down/chunk", "x");
    CHECK(mqtt_handlers_dispatch(&t, &m) == 0);
    m = msg("cfg", "7");
    CHECK(mqtt_handlers_dispatch(&t, &m) == 1 && ngot == 3);

    /* the same filter again replaces its handler; removing is by exact filter */
    CHECK(mqtt_handlers_add(&t, "cfg", record, "cfg2") == 0);
    CHECK(t.n == 3);
    ngot = 0;
    CHECK(mqtt_handlers_dispatch(&t, &m) == 1);
    CHECK_STR(got[0], "cfg2:cfg=7");
    CHECK(mqtt_handlers_remove(&t, "cf") == MOTE_ENOENT);
    CHECK(mqtt_handlers_remove(&t, "mote/dev/+/down/job") == 0);
    CHECK(t.n == 2);
    CHECK_STR(t.h[1].filter, "cfg");

    /* refusals: bad filters, no function, a full table */
    CHECK(mqtt_handlers_add(&t, "a/#/b", record, 0) == MOTE_EINVAL);
    CHECK(mqtt_handlers_add(&t, "", record, 0) == MOTE_EINVAL);
    CHECK(mqtt_handlers_add(&t, "a", NULL, 0) == MOTE_EINVAL);
    char longf[MQTT_FILTER_MAX + 2];
    memset(longf, 'x', sizeof(longf) - 1);
    longf[sizeof(longf) - 1] = 0;
    CHECK(mqtt_handlers_add(&t, longf, record, 0) == MOTE_EINVAL);
    longf[MQTT_FILTER_MAX] = 0;
    CHECK(mqtt_handlers_add(&t, longf, record, 0) == 0);
    char name[8];
    int added = 0;
    for (int i = 0; i < MQTT_HANDLERS_MAX + 2; i++) {
        snprintf(name, sizeof(name), "t%d", i);
        added += mqtt_handlers_add(&t, name, record, 0) == 0;
    }
    CHECK(added == MQTT_HANDLERS_MAX - 3);
    CHECK(t.n == MQTT_HANDLERS_MAX);

    /* a handler may remove itself while it runs */
    memset(&t, 0, sizeof(t));
    self_table = &t;
    CHECK(mqtt_handlers_add(&t, "a/#", remove_self, "self") == 0);
    CHECK(mqtt_handlers_add(&t, "b", record, "b") == 0);
    ngot = 0;
    m = msg("a/1", "p");
    CHECK(mqtt_handlers_dispatch(&t, &m) == 1 && t.n == 1);
    m = msg("b", "q");
    CHECK(mqtt_handlers_dispatch(&t, &m) == 1);
    CHECK_STR(got[1], "b:b=q");
}

void test_mqtt_app_config_defaults_sizes_and_refusals(void)
{
    struct mqtt_config sc;
    struct mqtt_sizes sz;
    struct mote_mqtt_config c = { .host = "host.mote.internal", .client_id = "d1" };
    CHECK(mqtt_app_config(&c, &sc, &sz) == 0);
    CHECK(sc.connect.keepalive_s == 60 && sc.connect.clean_session == 1);
    CHECK(sc.connect_timeout_ms == 10000);
    CHECK(sc.fresh_resend == 1);
    CHECK(sc.connect.will_topic == NULL && sc.connect.will_msg == NULL);
    CHECK(sz.rx == MQTT_APP_MAX_MESSAGE + 4 && sz.inflight == MQTT_APP_QUEUE);
    CHECK(sz.tx == MQTT_APP_TX_MIN);

    /* a CONNECT larger than the minimum sizes tx; the session accepts what was sized */
    char pass[201];
    memset(pass, 'p', 200);
    pass[200] = 0;
    c = (struct mote_mqtt_config){ .host = "10.0.2.100", .port = 1884, .client_id = "dev-1",
                                   .username = "dev-1", .password = pass,
                                   .will_topic = "mote/dev/dev-1/up/status", .will_message = "offline",
                                   .will_qos = 1, .will_retain = true, .keepalive_s = 30,
                                   .max_message = 16384 + 100, .queue_bytes = 4096 };
    CHECK(mqtt_app_config(&c, &sc, &sz) == 0);
    CHECK(sc.connect.keepalive_s == 30 && sc.connect.will_qos == 1 && sc.connect.will_retain == 1);
    CHECK(sc.connect.will_len == 7 && sc.connect.password_len == 200);
    CHECK(sz.rx == 16484 + 4 && sz.inflight == 4096);
    uint8_t buf[512];
    int n = mqtt_encode_connect(buf, sizeof(buf), &sc.connect);
    CHECK(n > 0 && (size_t)n <= sz.tx);

    /* refusals */
    struct mote_mqtt_config bad[] = {
        { .client_id = "d1" },
        { .host = "", .client_id = "d1" },
        { .host = "h" },
        { .host = "h", .client_id = "" },
        { .host = "h", .client_id = "d1", .password = "p" },
        { .host = "h", .client_id = "d1", .will_topic = "a/+" },
        { .host = "h", .client_id = "d1", .will_topic = "" },
        { .host = "h", .client_id = "d1", .will_topic = "a", .will_qos = 2 },
        { .host = "h", .client_id = "d1", .will_qos = -1 },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(mqtt_app_config(&bad[i], &sc, &sz) == MOTE_EINVAL);
}
