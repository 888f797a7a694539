/*
 * dns.c - a stub resolver for A records (RFC 1035): one question per query,
 * a random id and source port (RFC 5452), retries with a doubling timeout,
 * CNAME chains followed inside the answer, and a small cache that keeps
 * answers for their TTL. Names from the network are decoded with bounds and
 * a limit on compression pointers, so loops and lengths past the end are
 * refused, never followed.
 */
#include "net.h"

#define DNS_HDR 12
#define DNS_MAX_JUMPS 16        /* compression pointers within one name */
#define DNS_MAX_CNAMES 8        /* aliases followed for one answer */
#define DNS_TTL_MAX 86400
#define DNS_MALFORMED 1         /* dns_parse: not a usable answer; keep waiting */
#define DNS_QUERY_MAX (DNS_HDR + NET_DNS_NAME_MAX + 2 + 4)

static char dns_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* name lowercased, without a trailing dot, into out: its length, or -1 if it is not valid. */
static int dns_normalize(const char *name, char *out)
{
    size_t n = 0, label = 0;
    for (; name[n]; n++) {
        char c = name[n];
        if (n > NET_DNS_NAME_MAX)
            return -1;
        if (c == '.') {
            if (!label)
                return -1;
            label = 0;
        } else if (++label > 63 || (unsigned char)c <= ' ' || c == 127) {
            return -1;
        }
        out[n] = dns_lower(c);
    }
    if (n && out[n - 1] == '.')
        n--;
    if (!n || n > NET_DNS_NAME_MAX)
        return -1;
    out[n] = 0;
    return (int)n;
}

/*
 * Decode the (possibly compressed) name at off in message m into out
 * (NET_DNS_NAME_MAX + 1 bytes): dotted, lowercase. Returns the offset just
 * past the name where it started, or -1: past the end, too long, too many
 * pointers, a reserved label type, or a label holding '.' or NUL.
 */
static int dns_name(const uint8_t *m, size_t len, size_t off, char *out)
{
    size_t n = 0;
    int end = -1, jumps = 0;
    for (;;) {
        if (off >= len)
            return -1;
        uint8_t c = m[off];
        if ((c & 0xc0) == 0xc0) {
            if (off + 1 >= len || ++jumps > DNS_MAX_JUMPS)
                return -1;
            if (end < 0)
                end = (int)off + 2;
            off = (size_t)(c & 0x3f) << 8 | m[off + 1];
            continue;
        }
        if (c & 0xc0)
            return -1;
        if (!c)
            break;
        if (off + 1 + c > len || n + (n != 0) + c > NET_DNS_NAME_MAX)
            return -1;
        if (n)
            out[n++] = '.';
        for (size_t k = 1; k <= c; k++) {
            char ch = (char)m[off + k];
            if (ch == '.' || !ch)
                return -1;
            out[n++] = dns_lower(ch);
        }
        off += 1 + (size_t)c;
    }
    out[n] = 0;
    return end < 0 ? (int)off + 1 : end;
}

static void dns_copy(char *dst, const char *src)
{
    memcpy(dst, src, strlen(src) + 1);
}

/*
 * Find q's answer in a response whose id already matched: 0 with *ip and
 * *ttl (the smallest along the CNAME chain); MOTE_ENOENT for NXDOMAIN or no
 * A record; MOTE_EIO for a server error, a truncated answer without the
 * record, or an alias loop; DNS_MALFORMED if the message cannot be read or
 * does not answer q's question.
 */
static int dns_parse(const struct dns_query *q, const uint8_t *m, size_t len, uint32_t *ip,
                     uint32_t *ttl)
{
    char name[NET_DNS_NAME_MAX + 1], target[NET_DNS_NAME_MAX + 1];
    uint16_t flags = get_be16(m + 2);
    if (!(flags & 0x8000) || (flags & 0x7800) || get_be16(m + 4) != 1)
        return DNS_MALFORMED;   /* not a response, not a standard query, not one question */
    int off = dns_name(m, len, DNS_HDR, name);
    if (off < 0 || (size_t)off + 4 > len || strcmp(name, q->name) || get_be16(m + off) != 1 ||
        get_be16(m + off + 2) != 1)
        return DNS_MALFORMED;
    if ((flags & 15) == 3)
        return MOTE_ENOENT;
    if (flags & 15)
        return MOTE_EIO;
    size_t answers = (size_t)off + 4;
    unsigned an = get_be16(m + 6), cnames = 0;
    dns_copy(target, q->name);
    *ttl = 0xffffffffu;
    for (int followed = 1; followed;) {     /* again while aliases appear out of order */
        followed = 0;
        size_t at = answers;
        for (unsigned i = 0; i < an; i++) {
            int end = dns_name(m, len, at, name);
            if (end < 0 || (size_t)end + 10 > len)
                return DNS_MALFORMED;
            uint16_t type = get_be16(m + end), rdlen = get_be16(m + end + 8);
            uint32_t rttl = get_be32(m + end + 4);
            size_t rd = (size_t)end + 10;
            if (rd + rdlen > len)
                return DNS_MALFORMED;
            at = rd + rdlen;
            if (get_be16(m + end + 2) != 1 || strcmp(name, target))
                continue;
            if (rttl > 0x7fffffffu)     /* RFC 2181 8: treat as zero */
                rttl = 0;
            if (type == 1 && rdlen == 4) {
                *ip = get_be32(m + rd);
                *ttl = rttl < *ttl ? rttl : *ttl;
                return 0;
            }
            if (type == 5) {
                if (++cnames > DNS_MAX_CNAMES)
                    return MOTE_EIO;
                if (dns_name(m, rd + rdlen, rd, target) < 0)
                    return DNS_MALFORMED;
                *ttl = rttl < *ttl ? rttl : *ttl;
                followed = 1;
            }
        }
    }
    return flags & 0x0200 ? MOTE_EIO : MOTE_ENOENT;     /* TC: the record may have been cut */
}

static struct dns_cache_entry *dns_cached(struct net_stack *ns, const char *name)
{
    for (int i = 0; i < NET_DNS_CACHE; i++) {
        struct dns_cache_entry *c = &ns->dns_cache[i];
        if (c->expires_ms > ns->now_ms && !strcmp(c->name, name))
            return c;
    }
    return 0;
}

/* Keep name -> ip for ttl seconds (at most a day), in place of the entry that expires first. */
static void dns_cache_put(struct net_stack *ns, const char *name, uint32_t ip, uint32_t ttl)
{
    struct dns_cache_entry *c = dns_cached(ns, name);
    if (!ttl || strlen(name) >= NET_DNS_CACHE_NAME)
        return;
    if (!c) {   /* the first to expire: a free or expired one if there is any */
        c = &ns->dns_cache[0];
        for (int i = 1; i < NET_DNS_CACHE; i++)
            if (ns->dns_cache[i].expires_ms < c->expires_ms)
                c = &ns->dns_cache[i];
    }
    dns_copy(c->name, name);
    c->ip = ip;
    c->expires_ms = ns->now_ms + (uint64_t)(ttl < DNS_TTL_MAX ? ttl : DNS_TTL_MAX) * 1000;
}

/* noinline: two callers, and inlined into both it costs more than the call. */
static __attribute__((noinline)) void dns_finish(struct net_stack *ns, struct dns_query *q,
                                                 int status, uint32_t ip)
{
    q->state = SLOT_DONE;
    q->status = status;
    q->ip = ip;
    net_emit(ns, NET_EV_DNS, (int)(q - ns->dnsq), status, ip);
}

/* Send (or resend) q's question; the next try waits twice as long. */
static void dns_transmit(struct net_stack *ns, struct dns_query *q)
{
    uint8_t m[DNS_QUERY_MAX];
    size_t o = DNS_HDR;
    put_be16(m, q->id);
    put_be16(m + 2, 0x0100);    /* standard query, recursion desired */
    put_be16(m + 4, 1);
    memset(m + 6, 0, 6);
    for (const char *s = q->name; *s;) {
        size_t n = 0;
        while (s[n] && s[n] != '.')
            n++;
        m[o++] = (uint8_t)n;
        memcpy(m + o, s, n);
        o += n;
        s += s[n] ? n + 1 : n;
    }
    m[o++] = 0;
    put_be32(m + o, 0x00010001);    /* type A, class IN */
    o += 4;
    struct net_iov v = { m, o };
    NET_COUNT(ns, dns_tx);
    udp_output(ns, q->port, q->server, 53, &v, 1);
    q->next_ms = ns->now_ms + ((uint64_t)NET_DNS_TIMEOUT_MS << q->tries);
    q->tries++;
}

static int dns_port_used(const struct net_stack *ns, uint16_t port)
{
    for (int i = 0; i < NET_DNS_QUERIES; i++)
        if (ns->dnsq[i].state == SLOT_WAIT && ns->dnsq[i].port == port)
            return 1;
    return udp_find(ns, port) >= 0;
}

int dns_query(struct net_stack *ns, const char *name, uint64_t now_ms)
{
    char norm[NET_DNS_NAME_MAX + 2];
    struct dns_query *q = 0;
    int h;
    if (now_ms > ns->now_ms)
        ns->now_ms = now_ms;
    if (dns_normalize(name, norm) < 0)
        return MOTE_EINVAL;
    for (h = 0; h < NET_DNS_QUERIES && !q; h++)
        if (ns->dnsq[h].state == SLOT_FREE)
            q = &ns->dnsq[h];
    if (!q)
        return MOTE_ENOMEM;
    h--;
    struct dns_cache_entry *c = dns_cached(ns, norm);
    if (c) {
        NET_COUNT(ns, dns_cache_hit);
        q->state = SLOT_DONE;
        q->status = 0;
        q->ip = c->ip;
        return h;
    }
    if (!ns->ip || !ns->dns)
        return MOTE_ENETUNREACH;
    memset(q, 0, sizeof *q);
    dns_copy(q->name, norm);
    uint32_t r = ns->env.random32(ns->env.ctx);
    q->id = (uint16_t)r;
    q->port = (uint16_t)(49152 + (r >> 16) % 16384);
    while (dns_port_used(ns, q->port))
        q->port = q->port == 65535 ? 49152 : q->port + 1;
    q->server = ns->dns;
    q->state = SLOT_WAIT;
    dns_transmit(ns, q);
    return h;
}

/*
 * A datagram from port 53 to dport: 1 if it was for one of our queries (an
 * answer ends the query; a malformed or forged one is counted and the query
 * keeps waiting), 0 if no query waits on that port for that server.
 */
int dns_input(struct net_stack *ns, uint32_t src, uint16_t dport, const uint8_t *m, size_t len)
{
    struct dns_query *q = 0;
    uint32_t ip = 0, ttl = 0;
    for (int i = 0; i < NET_DNS_QUERIES && !q; i++)
        if (ns->dnsq[i].state == SLOT_WAIT && ns->dnsq[i].port == dport &&
            ns->dnsq[i].server == src)
            q = &ns->dnsq[i];
    if (!q)
        return 0;
    NET_COUNT(ns, dns_rx);
    int r = len >= DNS_HDR && get_be16(m) == q->id ? dns_parse(q, m, len, &ip, &ttl)
                                                   : DNS_MALFORMED;
    if (r == DNS_MALFORMED) {
        NET_COUNT(ns, dns_bad);
        return 1;
    }
    if (!r)
        dns_cache_put(ns, q->name, ip, ttl);
    dns_finish(ns, q, r, ip);
    return 1;
}

int dns_result(struct net_stack *ns, int h, uint32_t *ip)
{
    if (h < 0 || h >= NET_DNS_QUERIES || ns->dnsq[h].state == SLOT_FREE)
        return MOTE_EINVAL;
    struct dns_query *q = &ns->dnsq[h];
    if (q->state == SLOT_WAIT)
        return MOTE_EAGAIN;
    q->state = SLOT_FREE;
    if (ip)
        *ip = q->ip;
    return q->status;
}

void dns_cancel(struct net_stack *ns, int h)
{
    if (h >= 0 && h < NET_DNS_QUERIES)
        ns->dnsq[h].state = SLOT_FREE;
}

/* Resend questions whose answer is late; after NET_DNS_TRIES, MOTE_ETIMEDOUT. */
void dns_timer(struct net_stack *ns, uint64_t now_ms)
{
    for (int i = 0; i < NET_DNS_QUERIES; i++) {
        struct dns_query *q = &ns->dnsq[i];
        if (q->state != SLOT_WAIT || now_ms < q->next_ms)
            continue;
        if (q->tries >= NET_DNS_TRIES) {
            NET_COUNT(ns, dns_timeout);
            dns_finish(ns, q, MOTE_ETIMEDOUT, 0);
        } else {
            dns_transmit(ns, q);
        }
    }
}

uint64_t dns_deadline(const struct net_stack *ns)
{
    uint64_t t = NET_NEVER;
    for (int i = 0; i < NET_DNS_QUERIES; i++)
        if (ns->dnsq[i].state == SLOT_WAIT && ns->dnsq[i].next_ms < t)
            t = ns->dnsq[i].next_ms;
    return t;
}
