/*
 * dhcp.c - the DHCP client (RFC 2131, options RFC 2132): DISCOVER, OFFER,
 * REQUEST, ACK; renewal at T1 (unicast to the server), rebinding at T2
 * (broadcast), expiry; NAK starts over. Retransmissions back off from 4 s
 * to 64 s with +-1 s of randomness. No start-up delay and no ARP probe
 * for conflicts: the address is bound as soon as the server's ACK arrives.
 */
#include "net.h"

#define DHCP_MSG 300            /* sent: the BOOTP minimum (RFC 1542 2.1) */
#define DHCP_FIXED 240          /* fixed fields + magic cookie */
#define DHCP_COOKIE 0x63825363u
#define DHCP_DEFAULT_LEASE 3600 /* if an ACK names none */

enum { DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK, DHCPNAK, DHCPRELEASE };
enum { HAS_LEASE = 1, HAS_T1 = 2, HAS_T2 = 4, HAS_MASK = 8 };

struct dhcp_opts {
    uint8_t type, has;
    uint32_t yiaddr, server, lease, t1, t2, mask, router, dns;
};

/* Parameter request list (option 55): mask, router, DNS, lease, T1, T2. */
static const uint8_t dhcp_params[] = { 1, 3, 6, 51, 58, 59 };

/* Send a client message of the given type, with what the current state needs (RFC 2131 table 5). */
static void dhcp_send(struct net_stack *ns, uint8_t type)
{
    struct dhcp_client *d = &ns->dhcp;
    uint8_t m[DHCP_MSG], *o = m + DHCP_FIXED;
    int acquiring = d->state == DHCP_SELECTING || d->state == DHCP_REQUESTING;
    uint64_t secs = (ns->now_ms - d->start_ms) / 1000;
    memset(m, 0, sizeof m);
    m[0] = 1;                   /* BOOTREQUEST, Ethernet, 6-byte address */
    m[1] = 1;
    m[2] = 6;
    put_be32(m + 4, d->xid);
    put_be16(m + 8, secs > 0xffff ? 0xffff : (uint16_t)secs);
    if (!acquiring)
        put_be32(m + 12, ns->ip);   /* ciaddr while renewing, rebinding, releasing */
    memcpy(m + 28, ns->mac, 6);
    put_be32(m + 236, DHCP_COOKIE);
    *o++ = 53, *o++ = 1, *o++ = type;
    *o++ = 61, *o++ = 7, *o++ = 1;  /* client id: hardware type + MAC */
    memcpy(o, ns->mac, 6), o += 6;
    if (d->state == DHCP_REQUESTING) {
        *o++ = 50, *o++ = 4;
        put_be32(o, d->offer_ip), o += 4;
    }
    if (d->state == DHCP_REQUESTING || type == DHCPRELEASE) {
        *o++ = 54, *o++ = 4;
        put_be32(o, d->server), o += 4;
    }
    if (type != DHCPRELEASE) {
        *o++ = 57, *o++ = 2;        /* we take messages up to 1500 bytes */
        put_be16(o, NET_MTU), o += 2;
        *o++ = 55, *o++ = sizeof dhcp_params;
        memcpy(o, dhcp_params, sizeof dhcp_params), o += sizeof dhcp_params;
    }
    *o = 255;
    uint32_t dst = d->state == DHCP_RENEWING || type == DHCPRELEASE ? d->server : IP_BROADCAST;
    struct net_iov v = { m, sizeof m };
    NET_COUNT(ns, dhcp_tx);
    udp_output(ns, 68, dst, 67, &v, 1);
}

/* Arm the next retransmission: 4 s doubling to 64 s, each +-1 s at random (RFC 2131 4.1). */
static void dhcp_backoff(struct net_stack *ns)
{
    struct dhcp_client *d = &ns->dhcp;
    uint32_t base = (uint32_t)NET_DHCP_RTO_MS << (d->tries < 4 ? d->tries : 4);
    d->next_ms = ns->now_ms + base + ns->env.random32(ns->env.ctx) % 2001 - 1000;
    d->tries++;
}

static void dhcp_discover(struct net_stack *ns)
{
    struct dhcp_client *d = &ns->dhcp;
    d->state = DHCP_SELECTING;
    d->tries = 0;
    d->xid = ns->env.random32(ns->env.ctx);
    d->start_ms = ns->now_ms;
    dhcp_send(ns, DHCPDISCOVER);
    dhcp_backoff(ns);
}

/* Half the time left until end, at least 60 s, never past end (RFC 2131 4.4.5). */
static uint64_t dhcp_half(uint64_t now, uint64_t end)
{
    uint64_t wait = (end - now) / 2;
    if (wait < 60000)
        wait = 60000;
    return end - now > wait ? now + wait : end;
}

static void dhcp_lose(struct net_stack *ns)
{
    if (ns->ip)
        net_configure(ns, 0, 0, 0, 0);
}

/* Parse a reply to our current exchange: fixed fields, the options we use. -1: not one. */
static int dhcp_parse(const struct net_stack *ns, const uint8_t *m, size_t len, struct dhcp_opts *o)
{
    memset(o, 0, sizeof *o);
    if (len < DHCP_FIXED || m[0] != 2 || m[1] != 1 || m[2] != 6 ||
        get_be32(m + 4) != ns->dhcp.xid || memcmp(m + 28, ns->mac, 6) ||
        get_be32(m + 236) != DHCP_COOKIE)
        return -1;
    o->yiaddr = get_be32(m + 16);
    for (size_t i = DHCP_FIXED; i < len;) {
        uint8_t code = m[i++];
        if (code == 0)
            continue;
        if (code == 255)
            break;
        if (i >= len || m[i] > len - i - 1)
            return -1;
        uint8_t n = m[i++];
        const uint8_t *v = m + i;
        uint32_t w = n >= 4 ? get_be32(v) : 0;
        i += n;
        if (code == 53 && n == 1)
            o->type = v[0];
        if (n < 4)
            continue;
        switch (code) {
        case 1: o->mask = w, o->has |= HAS_MASK; break;
        case 3: o->router = w; break;
        case 6: o->dns = w; break;
        case 51: o->lease = w, o->has |= HAS_LEASE; break;
        case 54: o->server = w; break;
        case 58: o->t1 = w, o->has |= HAS_T1; break;
        case 59: o->t2 = w, o->has |= HAS_T2; break;
        }
    }
    return o->type ? 0 : -1;
}

static int dhcp_usable(uint32_t a)
{
    return a >> 24 && a >> 24 != 127 && a < 0xe0000000u;
}

/* An ACK: take the address and the lease, and plan the renewal. */
static void dhcp_bind(struct net_stack *ns, const struct dhcp_opts *o)
{
    struct dhcp_client *d = &ns->dhcp;
    uint64_t now = ns->now_ms;
    uint32_t a = o->yiaddr, mask = o->mask;
    if (!dhcp_usable(a)) {
        NET_COUNT(ns, dhcp_bad);
        return;
    }
    if (!(o->has & HAS_MASK) || !mask || ((~mask + 1) & ~mask))   /* absent or not contiguous */
        mask = a < 0x80000000u ? 0xff000000u : a < 0xc0000000u ? 0xffff0000u : 0xffffff00u;
    uint32_t lease = o->has & HAS_LEASE ? o->lease : DHCP_DEFAULT_LEASE;
    d->lease_s = lease;
    if (lease == 0xffffffffu) {
        d->t1_ms = d->t2_ms = d->expiry_ms = NET_NEVER;
    } else {
        uint64_t ms = lease * 1000ull, t1 = ms / 2, t2 = ms / 8 * 7;   /* RFC 2131 4.4.5 */
        if (o->has & HAS_T1 && o->t1 < lease)
            t1 = o->t1 * 1000ull;
        if (o->has & HAS_T2 && o->t2 < lease && o->t2 * 1000ull >= t1)
            t2 = o->t2 * 1000ull;
        if (t2 < t1)
            t2 = t1;
        d->t1_ms = now + t1;
        d->t2_ms = now + t2;
        d->expiry_ms = now + ms;
    }
    if (o->server)
        d->server = o->server;
    d->state = DHCP_BOUND;
    d->tries = 0;
    d->next_ms = d->t1_ms;
    NET_COUNT(ns, dhcp_bound);
    if (a != ns->ip || mask != ns->mask || o->router != ns->gw || o->dns != ns->dns)
        net_configure(ns, a, mask, o->router, o->dns);
}

/* A datagram to port 68: 1 if DHCP took it (running), 0 if it is not DHCP's. */
int dhcp_input(struct net_stack *ns, uint16_t sport, const uint8_t *m, size_t len)
{
    struct dhcp_client *d = &ns->dhcp;
    struct dhcp_opts o;
    if (d->state == DHCP_OFF)
        return 0;
    NET_COUNT(ns, dhcp_rx);
    if (sport != 67 || dhcp_parse(ns, m, len, &o)) {
        NET_COUNT(ns, dhcp_bad);
        return 1;
    }
    int asked = d->state == DHCP_REQUESTING || d->state == DHCP_RENEWING ||
                d->state == DHCP_REBINDING;
    if (o.type == DHCPOFFER && d->state == DHCP_SELECTING) {
        if (!dhcp_usable(o.yiaddr) || !o.server) {
            NET_COUNT(ns, dhcp_bad);
            return 1;
        }
        d->offer_ip = o.yiaddr;
        d->server = o.server;
        d->state = DHCP_REQUESTING;
        d->tries = 0;
        dhcp_send(ns, DHCPREQUEST);
        dhcp_backoff(ns);
    } else if (asked && (!o.server || o.server == d->server || d->state == DHCP_REBINDING)) {
        if (o.type == DHCPACK) {
            dhcp_bind(ns, &o);
        } else if (o.type == DHCPNAK) {
            NET_COUNT(ns, dhcp_nak);
            dhcp_lose(ns);
            d->state = DHCP_INIT;
            d->next_ms = ns->now_ms + NET_DHCP_NAK_DELAY_MS;
        }
    }
    return 1;
}

/* Retransmit, renew, rebind or expire, whichever is due. */
void dhcp_timer(struct net_stack *ns, uint64_t now_ms)
{
    struct dhcp_client *d = &ns->dhcp;
    if (d->state == DHCP_OFF || now_ms < d->next_ms)
        return;
    switch (d->state) {
    case DHCP_INIT:
        dhcp_discover(ns);
        break;
    case DHCP_SELECTING:
        dhcp_send(ns, DHCPDISCOVER);
        dhcp_backoff(ns);
        break;
    case DHCP_REQUESTING:
        if (d->tries >= NET_DHCP_REQUEST_TRIES) {
            dhcp_discover(ns);
            break;
        }
        dhcp_send(ns, DHCPREQUEST);
        dhcp_backoff(ns);
        break;
    case DHCP_BOUND:
        d->state = DHCP_RENEWING;
        d->xid = ns->env.random32(ns->env.ctx);
        d->start_ms = now_ms;
        /* fall through */
    case DHCP_RENEWING:
        if (now_ms < d->t2_ms) {
            dhcp_send(ns, DHCPREQUEST);
            d->next_ms = dhcp_half(now_ms, d->t2_ms);
            break;
        }
        d->state = DHCP_REBINDING;
        /* fall through */
    case DHCP_REBINDING:
        if (now_ms < d->expiry_ms) {
            dhcp_send(ns, DHCPREQUEST);
            d->next_ms = dhcp_half(now_ms, d->expiry_ms);
            break;
        }
        NET_COUNT(ns, dhcp_expired);
        dhcp_lose(ns);
        dhcp_discover(ns);
        break;
    }
}

void dhcp_start(struct net_stack *ns, uint64_t now_ms)
{
    if (now_ms > ns->now_ms)
        ns->now_ms = now_ms;
    dhcp_lose(ns);
    memset(&ns->dhcp, 0, sizeof ns->dhcp);
    ns->dhcp.state = DHCP_INIT;
    dhcp_timer(ns, ns->now_ms);
}

void dhcp_stop(struct net_stack *ns, int release, uint64_t now_ms)
{
    struct dhcp_client *d = &ns->dhcp;
    if (now_ms > ns->now_ms)
        ns->now_ms = now_ms;
    if (release && ns->ip && d->state >= DHCP_BOUND) {
        d->xid = ns->env.random32(ns->env.ctx);
        dhcp_send(ns, DHCPRELEASE);
    }
    if (d->state != DHCP_OFF)
        dhcp_lose(ns);
    memset(d, 0, sizeof *d);
}
