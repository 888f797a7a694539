/*
 * mqtt_codec.c - MQTT 3.1.1 encoders and the incremental decoder
 * (mqtt_codec.h). Pure logic, no allocation: compiled into the kernel and
 * the host tests.
 */
#include <mote.h>
#include "mqtt_codec.h"

enum { DEC_HEADER, DEC_LENGTH, DEC_BODY, DEC_LOST };

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

/* A length-prefixed string or binary field [MQTT-1.5.3]. */
static uint8_t *put_field(uint8_t *p, const void *s, uint16_t n)
{
    p = put16(p, n);
    if (n)
        memcpy(p, s, n);
    return p + n;
}

int mqtt_length_size(uint32_t n)
{
    if (n > MQTT_MAX_REMAINING)
        return 0;
    return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}

/*
 * Check that a packet with this remaining length (`rem`; `head_rem` of it
 * to be written now) fits the spec and out[0..cap); write the fixed header.
 * Returns the header size, MOTE_EINVAL or MOTE_ENOMEM.
 */
static __attribute__((noinline)) int begin(uint8_t *out, size_t cap, uint8_t first, uint64_t rem, uint64_t head_rem)
{
    if (rem > MQTT_MAX_REMAINING)
        return MOTE_EINVAL;
    int hs = 1 + mqtt_length_size((uint32_t)rem);
    if ((uint64_t)hs + head_rem > cap)
        return MOTE_ENOMEM;
    out[0] = first;
    uint32_t n = (uint32_t)rem;
    for (int i = 1; i < hs; i++, n >>= 7)
        out[i] = (uint8_t)((n & 127) | (i + 1 < hs ? 128 : 0));
    return hs;
}

/*
 * A topic name (filter 0) or filter (1): 1..65535 bytes of well-formed UTF-8
 * without U+0000, surrogates or overlong forms [MQTT-1.5.3-1/2]; no wildcard
 * in a name [MQTT-3.3.2-2]; in a filter '+' only as a whole level and '#'
 * only as the whole last one [MQTT-4.7.1-2/3]. One function for both, so
 * the code exists once.
 */
static __attribute__((noinline)) int name_valid(const char *str, size_t n, int filter)
{
    const uint8_t *s = (const uint8_t *)str;
    if (n == 0 || n > 0xffff)
        return 0;
    for (size_t i = 0; i < n;) {
        uint32_t c = s[i++], min;
        size_t k;
        if (c == '+' || c == '#') {
            int whole = (i == 1 || s[i - 2] == '/') && (i == n || s[i] == '/');
            if (!filter || !whole || (c == '#' && i != n))
                return 0;
        }
        if (c < 0x80) {
            if (c == 0)
                return 0;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            k = 1, c &= 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2, c &= 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            k = 3, c &= 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i < k)
            return 0;
        for (; k; k--, i++) {
            if ((s[i] & 0xc0) != 0x80)
                return 0;
            c = c << 6 | (s[i] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return 0;
    }
    return 1;
}

int mqtt_topic_valid(const char *s, size_t n)
{
    return name_valid(s, n, 0);
}

int mqtt_filter_valid(const char *f, size_t n)
{
    return name_valid(f, n, 1);
}

int mqtt_topic_match(const char *f, size_t fn, const char *t, size_t tn)
{
    if (fn && (f[0] == '+' || f[0] == '#') && tn && t[0] == '$')
        return 0;
    size_t i = 0, j = 0;
    while (i < fn) {
        if (f[i] == '#')
            return 1;
        if (f[i] == '+') {
            while (j < tn && t[j] != '/')
                j++;
            i++;
            continue;
        }
        if (j >= tn || f[i] != t[j])    /* "a/#" also matches "a": the parent level */
            return j == tn && fn - i == 2 && f[i] == '/' && f[i + 1] == '#';
        i++, j++;
    }
    return j == tn;
}

int mqtt_encode_connect(uint8_t *out, size_t cap, const struct mqtt_connect *c)
{
    size_t id_len = strlen(c->client_id);
    size_t wt_len = c->will_topic ? strlen(c->will_topic) : 0;
    size_t user_len = c->username ? strlen(c->username) : 0;
    if (id_len > 0xffff || user_len > 0xffff || (!id_len && !c->clean_session) ||
        (c->password && !c->username) || (c->will_len && !c->will_msg))
        return MOTE_EINVAL;
    uint8_t flags = c->clean_session ? 0x02 : 0;
    uint64_t rem = 10 + 2 + id_len;
    if (c->will_topic) {
        if (c->will_qos > 2 || !name_valid(c->will_topic, wt_len, 0))
            return MOTE_EINVAL;
        flags |= (uint8_t)(0x04 | c->will_qos << 3 | (c->will_retain ? 0x20 : 0));
        rem += 2 + wt_len + 2 + c->will_len;
    }
    if (c->username) {
        flags |= 0x80;
        rem += 2 + user_len;
    }
    if (c->password) {
        flags |= 0x40;
        rem += 2 + (size_t)c->password_len;
    }
    int hs = begin(out, cap, MQTT_CONNECT << 4, rem, rem);
    if (hs < 0)
        return hs;
    uint8_t *p = put_field(out + hs, "MQTT", 4);
    *p++ = 4;                                   /* protocol level 3.1.1 */
    *p++ = flags;
    p = put16(p, c->keepalive_s);
    p = put_field(p, c->client_id, (uint16_t)id_len);
    if (c->will_topic) {
        p = put_field(p, c->will_topic, (uint16_t)wt_len);
        p = put_field(p, c->will_msg, c->will_len);
    }
    if (c->username)
        p = put_field(p, c->username, (uint16_t)user_len);
    if (c->password)
        p = put_field(p, c->password, c->password_len);
    return (int)(p - out);
}

/* The PUBLISH fixed and variable header; with_payload: the payload fits after it too. */
static int publish_head(uint8_t *out, size_t cap, const struct mqtt_publish *p, int with_payload)
{
    if (p->qos > 2 || (p->qos && !p->id) || (p->dup && !p->qos) ||
        !name_valid(p->topic, p->topic_len, 0))
        return MOTE_EINVAL;
    uint64_t head = 2 + (uint64_t)p->topic_len + (p->qos ? 2 : 0);
    uint8_t first = (uint8_t)(MQTT_PUBLISH << 4 | (p->dup ? 8 : 0) | p->qos << 1 | (p->retain ? 1 : 0));
    int hs = begin(out, cap, first, head + p->len, with_payload ? head + p->len : head);
    if (hs < 0)
        return hs;
    uint8_t *q = put_field(out + hs, p->topic, p->topic_len);
    if (p->qos)
        q = put16(q, p->id);
    return (int)(q - out);
}

int mqtt_encode_publish_header(uint8_t *out, size_t cap, const struct mqtt_publish *p)
{
    return publish_head(out, cap, p, 0);
}

int mqtt_encode_publish(uint8_t *out, size_t cap, const struct mqtt_publish *p)
{
    int hs = publish_head(out, cap, p, 1);
    if (hs < 0)
        return hs;
    if (p->len)
        memcpy(out + hs, p->payload, p->len);
    return hs + (int)p->len;
}

/* SUBSCRIBE (with QoS bytes) or UNSUBSCRIBE: packet id, then the filters. */
static int encode_filters(uint8_t *out, size_t cap, uint8_t first, uint16_t id,
                          const struct mqtt_filter *f, size_t n, int sub)
{
    uint64_t rem = 2;
    if (!id || !n)
        return MOTE_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!name_valid(f[i].filter, f[i].len, 1) || (sub && f[i].qos > 2))
            return MOTE_EINVAL;
        rem += 2 + (uint64_t)f[i].len + (sub ? 1 : 0);
    }
    int hs = begin(out, cap, first, rem, rem);
    if (hs < 0)
        return hs;
    uint8_t *p = put16(out + hs, id);
    for (size_t i = 0; i < n; i++) {
        p = put_field(p, f[i].filter, f[i].len);
        if (sub)
            *p++ = f[i].qos;
    }
    return (int)(p - out);
}

int mqtt_encode_subscribe(uint8_t *out, size_t cap, uint16_t id, const struct mqtt_filter *f,
                          size_t n)
{
    return encode_filters(out, cap, MQTT_SUBSCRIBE << 4 | 2, id, f, n, 1);
}

int mqtt_encode_unsubscribe(uint8_t *out, size_t cap, uint16_t id, const struct mqtt_filter *f,
                            size_t n)
{
    return encode_filters(out, cap, MQTT_UNSUBSCRIBE << 4 | 2, id, f, n, 0);
}

int mqtt_encode_puback(uint8_t *out, size_t cap, uint16_t id)
{
    if (!id)
        return MOTE_EINVAL;
    int hs = begin(out, cap, MQTT_PUBACK << 4, 2, 2);
    if (hs < 0)
        return hs;
    put16(out + hs, id);
    return 4;
}

int mqtt_encode_pingreq(uint8_t *out, size_t cap)
{
    return begin(out, cap, MQTT_PINGREQ << 4, 0, 0);
}

int mqtt_encode_disconnect(uint8_t *out, size_t cap)
{
    return begin(out, cap, MQTT_DISCONNECT << 4, 0, 0);
}

/* ---- decoding ---- */

/* A first byte a server may send: a known type with the flags the spec fixes [MQTT-2.2.2]. */
static int header_ok(uint8_t h)
{
    unsigned f = h & 15;
    switch (h >> 4) {
    case MQTT_PUBLISH:
        return (f & 6) != 6;                    /* QoS 3 [MQTT-3.3.1-4] */
    case MQTT_PUBREL:
        return f == 2;
    case MQTT_CONNACK: case MQTT_PUBACK: case MQTT_PUBREC: case MQTT_PUBCOMP:
    case MQTT_SUBACK: case MQTT_UNSUBACK: case MQTT_PINGRESP:
        return f == 0;
    default:        /* 0 and 15 are reserved; CONNECT, SUBSCRIBE, ... go to servers only */
        return 0;
    }
}

/* The remaining length a packet of this first byte may have, checked before its body. */
static int length_ok(uint8_t h, uint32_t len)
{
    switch (h >> 4) {
    case MQTT_PINGRESP:
        return len == 0;
    case MQTT_SUBACK:
        return len >= 3;
    case MQTT_PUBLISH:      /* topic length, a topic of at least one byte, the id */
        return len >= 3u + (h & 6 ? 2 : 0);
    default:
        return len == 2;
    }
}

/*
 * Read a PUBLISH body of `len` bytes of which b[0..avail) are held. With all
 * of it held the payload is set; else only the topic and id, if they fit.
 */
static int parse_publish(const uint8_t *b, uint32_t len, size_t avail, struct mqtt_packet *p)
{
    p->qos = (p->flags >> 1) & 3;
    p->retain = p->flags & 1;
    p->dup = (p->flags >> 3) & 1;
    if (p->dup && !p->qos)
        return MQTT_EMALFORMED;                 /* [MQTT-3.3.1-2] */
    if (avail < 2)
        return 0;                               /* a skipped one: not even the topic length */
    uint32_t tl = get16(b), head = 2 + tl + (p->qos ? 2 : 0);
    if (head > len)
        return MQTT_EMALFORMED;
    if (head > avail)
        return 0;                               /* a skipped one: topic unknown */
    if (!name_valid((const char *)b + 2, tl, 0))
        return MQTT_EMALFORMED;
    p->topic = (const char *)b + 2;
    p->topic_len = (uint16_t)tl;
    if (p->qos) {
        p->id = get16(b + 2 + tl);
        if (!p->id)
            return MQTT_EMALFORMED;             /* [MQTT-2.3.1-1] */
    }
    if (avail == len) {
        p->payload = b + head;
        p->payload_len = len - head;
    }
    return 0;
}

/* Validate the packet just read (body in d->buf) into *p: 1, MQTT_ETOOBIG or MQTT_EMALFORMED. */
static int parse(const struct mqtt_decoder *d, struct mqtt_packet *p)
{
    const uint8_t *b = d->buf;
    uint32_t len = d->len;
    size_t avail = len < d->cap ? len : d->cap;
    memset(p, 0, sizeof(*p));
    p->type = d->header >> 4;
    p->flags = d->header & 15;
    p->len = len;
    if (p->type == MQTT_PUBLISH) {
        int r = parse_publish(b, len, avail, p);
        return r < 0 ? r : avail < len ? MQTT_ETOOBIG : 1;
    }
    if (avail < len)
        return MQTT_ETOOBIG;
    switch (p->type) {
    case MQTT_PINGRESP:
        return 1;
    case MQTT_CONNACK:
        /* flags: only session-present, and only when accepted [MQTT-3.2.2-4]; codes 6.. reserved */
        if ((b[0] & 0xfe) || b[1] > 5 || (b[1] && b[0]))
            return MQTT_EMALFORMED;
        p->session_present = b[0];
        p->rc = b[1];
        return 1;
    case MQTT_SUBACK:
        for (uint32_t i = 2; i < len; i++)
            if (b[i] > 2 && b[i] != MQTT_SUBACK_FAILURE)
                return MQTT_EMALFORMED;
        p->payload = b + 2;
        p->payload_len = len - 2;
        break;
    default:        /* PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK: just the id */
        break;
    }
    p->id = get16(b);
    return p->id ? 1 : MQTT_EMALFORMED;
}

void mqtt_decoder_init(struct mqtt_decoder *d, uint8_t *buf, size_t cap)
{
    memset(d, 0, sizeof(*d));
    d->buf = buf;
    d->cap = cap;
    d->phase = DEC_HEADER;
}

int mqtt_decoder_feed(struct mqtt_decoder *d, const uint8_t *in, size_t n, size_t *used,
                      struct mqtt_packet *p)
{
    size_t i = 0;
    int r = 0;
    while (i < n && d->phase != DEC_LOST) {
        if (d->phase == DEC_HEADER) {
            d->header = in[i++];
            d->len = d->got = d->nlen = 0;
            d->phase = header_ok(d->header) ? DEC_LENGTH : DEC_LOST;
            continue;
        }
        if (d->phase == DEC_LENGTH) {
            uint8_t b = in[i++];
            d->len |= (uint32_t)(b & 127) << (7 * d->nlen++);
            if (b & 128) {
                if (d->nlen == 4)
                    d->phase = DEC_LOST;        /* a fifth length byte */
                continue;
            }
            d->phase = length_ok(d->header, d->len) ? DEC_BODY : DEC_LOST;
            if (d->phase == DEC_LOST)
                break;
        } else {
            size_t take = d->len - d->got;
            if (take > n - i)
                take = n - i;
            if (d->got < d->cap) {
                size_t keep = d->cap - d->got < take ? d->cap - d->got : take;
                memcpy(d->buf + d->got, in + i, keep);
            }
            d->got += (uint32_t)take;
            i += take;
        }
        if (d->got == d->len) {
            r = parse(d, p);
            d->phase = r == MQTT_EMALFORMED ? DEC_LOST : DEC_HEADER;
            break;
        }
    }
    *used = i;
    return d->phase == DEC_LOST ? MQTT_EMALFORMED : r;
}
