/*
 * A fake transport for the MQTT session tests: records what the client
 * sends, counts open/close, and lets a test play the broker by feeding
 * bytes in at a virtual time.
 */
#ifndef MQTT_FAKE_H
#define MQTT_FAKE_H

#include <stdint.h>
#include <mqtt/mqtt.h>

struct mfake {
    struct mqtt_client c;
    uint8_t rx[256], tx[256], inflight[512], subs[128];
    uint64_t now;
    int opens, closes, open_fail, send_fail, sends_with_more;
    uint8_t sent[16384];
    size_t sent_len, sent_read;     /* bytes the client sent; how far next_sent has read */
    uint32_t rnd;                   /* random32 state; rnd_max: always return UINT32_MAX */
    int rnd_max;
    int ups, downs, subacks, pubacks, too_bigs, msgs;
    int last_reason, last_granted;
    uint32_t last_retry;
    uint16_t last_puback;
    char last_msg[128];             /* "topic=payload" of the last message */
    void (*on_msg)(struct mfake *f, const struct mqtt_message *m);   /* test hook */
    void (*on_ev)(struct mfake *f, const struct mqtt_event *ev);     /* test hook */
};

/* A client "d1" with keep-alive ka_s, a will and credentials, in a stopped state. */
void mfake_init(struct mfake *f, uint16_t ka_s);
/* The broker sends these bytes at f->now. */
void mfake_srv(struct mfake *f, const void *bytes, size_t n);
#define SRV(f, lit) mfake_srv(f, lit, sizeof(lit) - 1)
/*
 * The next packet the client sent: 1 with its first byte and body, 0 if
 * none is left.
 */
int mfake_next_sent(struct mfake *f, uint8_t *first, const uint8_t **body, size_t *len);
/* Skip everything sent so far. */
void mfake_drain(struct mfake *f);
/* The packet id of a SUBSCRIBE/UNSUBSCRIBE/PUBLISH-QoS-1 body. */
uint16_t mfake_id(uint8_t first, const uint8_t *body);
/* Start (or wait out the backoff), open, CONNACK, answer every SUBSCRIBE: ends CONNECTED. */
void mfake_connect(struct mfake *f);
/* Run mqtt_client_timer at each deadline up to `until` (answering nothing). */
void mfake_run_until(struct mfake *f, uint64_t until);

#endif
