/*
 * The DHCP client: golden DISCOVER/REQUEST against RFC 2131/2132, a
 * server's OFFER/ACK built from the RFCs' field layout, and the lease's
 * life in virtual time: renew at T1, rebind at T2, expiry, NAK, backoff.
 */
#include "check.h"
#include "netsim.h"

static struct sim a;
static uint8_t f[SIM_FRAME_MAX];

#define SERVER GW_IP
/* Options every test server sends with an ACK: server id, mask, router, DNS. */
#define SERVER_OPTS "3604 0a000202  0104 ffffff00  0304 0a000202  0604 0a000203"

/*
 * A BOOTREPLY from the server (10.0.2.2:67) to the device's MAC, broadcast
 * or unicast to yiaddr: op 2, htype 1, hlen 6, xid, yiaddr, chaddr, the
 * magic cookie, then opts_hex and the end option.
 */
static size_t server_reply(uint8_t *out, uint32_t xid, uint32_t yiaddr, const char *opts_hex,
                           int unicast)
{
    static uint8_t m[600];
    memset(m, 0, sizeof m);
    m[0] = 2;
    m[1] = 1;
    m[2] = 6;
    put_be32(m + 4, xid);
    put_be32(m + 16, yiaddr);
    put_be32(m + 20, SERVER);   /* siaddr */
    memcpy(m + 28, dev_mac, 6);
    memcpy(m + 44, "slirp", 5);    /* sname: never read as options */
    put_be32(m + 236, 0x63825363);
    size_t n = 240 + unhex(m + 240, 300, opts_hex);
    m[n++] = 255;
    if (unicast)
        return build_udp(out, dev_mac, gw_mac, SERVER, yiaddr, 67, 68, m, n);
    return build_udp(out, net_bcast_mac, gw_mac, SERVER, IP_BROADCAST, 67, 68, m, n);
}

/* The next DHCP message the device sent (ARP skipped): its BOOTP payload, or NULL. */
static const uint8_t *next_dhcp(int *len)
{
    int n;
    while ((n = sim_take(&a, f)) > 0)
        if (get_be16(f + 12) == ETH_TYPE_IP && f[14 + 9] == IPPROTO_UDP && get_be16(f + 36) == 67) {
            *len = n - 42;
            return f + 42;
        }
    return 0;
}

/* The value of option `code` in a message we sent, or NULL. */
static const uint8_t *opt(const uint8_t *m, int len, uint8_t code, int *olen)
{
    for (int i = 240; i + 1 < len && m[i] != 255;) {
        if (!m[i]) {
            i++;
            continue;
        }
        if (m[i] == code) {
            *olen = m[i + 1];
            return m + i + 2;
        }
        i += 2 + m[i + 1];
    }
    return 0;
}

static int msg_type(const uint8_t *m, int len)
{
    int n = 0;
    const uint8_t *v = m ? opt(m, len, 53, &n) : 0;
    return v && n == 1 ? v[0] : -1;
}

/* The type of the next DHCP message sent (-1: none). */
static int next_type(int *len)
{
    const uint8_t *m = next_dhcp(len);
    return msg_type(m, *len);
}

/* Compare a whole 342-byte DISCOVER/REQUEST frame: headers, fixed fields, zeros, options. */
static void check_bootp_frame(int len, const char *head, const char *fixed, const char *tail)
{
    static const uint8_t zeros[192];
    CHECK(len == 342);
    CHECK(frame_is(f, 42, head));
    CHECK(frame_is(f + 42, 44, fixed));
    CHECK(!memcmp(f + 42 + 44, zeros, 192));
    CHECK(frame_is(f + 42 + 236, 64, tail));
}

/* DISCOVER, OFFER, REQUEST, ACK with fixed randomness: the client's bytes exactly. */
void test_dhcp_discover_request_golden(void)
{
    sim_init(&a, dev_mac, 0, 0x11223344, 500);
    dhcp_start(&a.ns, 500);
    int n = sim_take(&a, f);
    check_bootp_frame(n,
        "ffffffffffff 525400123456 0800 45000148 3344 4000 4011 0662 00000000 ffffffff"
        " 0044 0043 0134 f9a3",
        "01 01 06 00 11223344 0000 0000 00000000 00000000 00000000 00000000"
        " 525400123456 00000000000000000000",
        "63825363 350101 3d0701525400123456 390205dc 3706010306333a3b ff"
        " 0000000000000000000000000000000000000000000000000000000000000000000000");
    CHECK(a.ns.dhcp.state == DHCP_SELECTING);
    /* The server offers 10.0.2.15 for a day (unicast to the offered address: accepted). */
    net_input(&a.ns, f, server_reply(f, 0x11223344, DEV_IP, "350102 " SERVER_OPTS " 3304 00015180",
                                     1), 520);
    n = sim_take(&a, f);
    check_bootp_frame(n,
        "ffffffffffff 525400123456 0800 45000148 3345 4000 4011 0661 00000000 ffffffff"
        " 0044 0043 0134 778a",
        "01 01 06 00 11223344 0000 0000 00000000 00000000 00000000 00000000"
        " 525400123456 00000000000000000000",
        "63825363 350103 3d0701525400123456 32040a00020f 36040a000202 390205dc"
        " 3706010306333a3b ff 0000000000000000000000000000000000000000000000");
    CHECK(a.ns.dhcp.state == DHCP_REQUESTING && a.ns.ip == 0);
    net_input(&a.ns, f, server_reply(f, 0x11223344, DEV_IP, "350105 " SERVER_OPTS " 3304 00015180",
                                     0), 530);
    CHECK(a.ns.ip == DEV_IP && a.ns.mask == IP4(255, 255, 255, 0) && a.ns.gw == GW_IP &&
          a.ns.dns == DNS_IP);
    CHECK(a.ns.dhcp.state == DHCP_BOUND && a.ns.dhcp.lease_s == 86400);
    CHECK(a.ns.dhcp.t1_ms == 530 + 43200000ull && a.ns.dhcp.t2_ms == 530 + 75600000ull);
    const struct net_event *ev = sim_event(&a, NET_EV_ADDR_UP);
    CHECK(ev && ev->value == DEV_IP);
    /* Bound: announced at once with a gratuitous ARP, no multi-second probe first. */
    n = sim_take(&a, f);
    CHECK(n == 42 && get_be16(f + 12) == ETH_TYPE_ARP && get_be32(f + 28) == DEV_IP &&
          get_be32(f + 38) == DEV_IP);
    CHECK(a.ns.cnt[NET_C_dhcp_bound] == 1 && a.ns.cnt[NET_C_dhcp_tx] == 2);
}

/* Bind with a 100 s lease (T1 50 s, T2 87.5 s) at t0; the gateway's MAC is known after. */
static void bind_100s(uint64_t t0)
{
    int len;
    dhcp_start(&a.ns, t0);
    const uint8_t *m = next_dhcp(&len);
    uint32_t xid = m ? get_be32(m + 4) : 0;
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "350102 " SERVER_OPTS " 3304 00000064", 0),
              t0);
    CHECK(next_type(&len) == 3);
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "350105 " SERVER_OPTS " 3304 00000064", 0),
              t0);
    CHECK(a.ns.ip == DEV_IP);
    /* The gateway/server introduces itself, as it would when it next talks to us. */
    net_input(&a.ns, f, build_arp(f, 1, net_bcast_mac, gw_mac, GW_IP, (uint8_t[6]){ 0 }, DEV_IP),
              t0);
    sim_clear(&a);
}

/* No server answers after binding: renew at T1 (unicast), rebind at T2 (broadcast), expire. */
void test_dhcp_lease_timeline_to_expiry(void)
{
    int len, n;
    const uint8_t *m;
    sim_init(&a, dev_mac, 7, 0, 0);
    bind_100s(1000);
    CHECK(net_next_deadline(&a.ns) == 1000 + 2000);   /* the second announcement */
    net_timer(&a.ns, 3000);
    CHECK(net_next_deadline(&a.ns) == 51000);
    net_timer(&a.ns, 50999);
    CHECK(!next_dhcp(&len));
    net_timer(&a.ns, 51000);
    m = next_dhcp(&len);
    CHECK(msg_type(m, len) == 3 && a.ns.dhcp.state == DHCP_RENEWING);
    CHECK(!memcmp(f, gw_mac, 6) && get_be32(f + 30) == SERVER && get_be32(f + 26) == DEV_IP);
    CHECK(get_be32(m + 12) == DEV_IP && !opt(m, len, 50, &n) && !opt(m, len, 54, &n));
    /* Half the time to T2, at least 60 s, but not past T2: the next step is rebinding at T2. */
    CHECK(net_next_deadline(&a.ns) == 88500);
    net_timer(&a.ns, 88500);
    m = next_dhcp(&len);
    CHECK(msg_type(m, len) == 3 && a.ns.dhcp.state == DHCP_REBINDING);
    CHECK(!memcmp(f, net_bcast_mac, 6) && get_be32(f + 30) == IP_BROADCAST);
    CHECK(get_be32(m + 12) == DEV_IP && !opt(m, len, 54, &n));
    CHECK(net_next_deadline(&a.ns) == 101000 && a.ns.ip == DEV_IP);
    net_timer(&a.ns, 101000);
    CHECK(a.ns.ip == 0 && a.ns.cnt[NET_C_dhcp_expired] == 1);
    const struct net_event *ev = sim_event(&a, NET_EV_ADDR_DOWN);
    CHECK(ev && ev->value == DEV_IP);
    m = next_dhcp(&len);
    CHECK(msg_type(m, len) == 1 && a.ns.dhcp.state == DHCP_SELECTING && get_be32(m + 12) == 0);
}

/* A long lease renewed at T1 with retransmissions at half the time left (60 s minimum). */
void test_dhcp_renewal_answered(void)
{
    int len;
    sim_init(&a, dev_mac, 9, 0, 0);
    bind_100s(1000);
    net_timer(&a.ns, 51000);
    const uint8_t *m = next_dhcp(&len);
    uint32_t xid = m ? get_be32(m + 4) : 0;
    CHECK(msg_type(m, len) == 3);
    int events = a.nev;
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "350105 " SERVER_OPTS " 3304 00000064", 1),
              51020);
    CHECK(a.ns.dhcp.state == DHCP_BOUND && a.ns.dhcp.t1_ms == 51020 + 50000 &&
          a.ns.dhcp.expiry_ms == 51020 + 100000);
    CHECK(a.nev == events);     /* same address, same settings: nothing to tell */
    /* Renewing at the next T1; a rebinding answer may come from another server. */
    net_timer(&a.ns, 101020);
    net_timer(&a.ns, 51020 + 87500);
    CHECK(a.ns.dhcp.state == DHCP_REBINDING);
    m = next_dhcp(&len);
    m = next_dhcp(&len);
    xid = m ? get_be32(m + 4) : 0;
    net_input(&a.ns, f, server_reply(f, xid, IP4(10, 0, 2, 16),
                                     "350105 3604 0a000209 0104 ffffff00 3304 00000e10", 0),
              140000);
    CHECK(a.ns.dhcp.state == DHCP_BOUND && a.ns.ip == IP4(10, 0, 2, 16) && a.ns.gw == 0);
    CHECK(a.ns.dhcp.server == IP4(10, 0, 2, 9));
    const struct net_event *ev = sim_event(&a, NET_EV_ADDR_UP);
    CHECK(ev && ev->value == IP4(10, 0, 2, 16));
}

/* A NAK while requesting starts over after a short pause; while renewing it drops the address. */
void test_dhcp_nak_restarts(void)
{
    int len;
    sim_init(&a, dev_mac, 11, 0, 0);
    dhcp_start(&a.ns, 0);
    const uint8_t *m = next_dhcp(&len);
    uint32_t xid = m ? get_be32(m + 4) : 0;
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "350102 " SERVER_OPTS, 0), 10);
    CHECK(next_type(&len) == 3);
    /* A NAK from a server we did not choose is not ours to obey. */
    net_input(&a.ns, f, server_reply(f, xid, 0, "350106 3604 0a000209", 0), 20);
    CHECK(a.ns.dhcp.state == DHCP_REQUESTING);
    net_input(&a.ns, f, server_reply(f, xid, 0, "350106 3604 0a000202", 0), 20);
    CHECK(a.ns.dhcp.state == DHCP_INIT && a.ns.cnt[NET_C_dhcp_nak] == 1 && a.ns.ip == 0);
    CHECK(net_next_deadline(&a.ns) == 20 + NET_DHCP_NAK_DELAY_MS);
    net_timer(&a.ns, 20 + NET_DHCP_NAK_DELAY_MS);
    m = next_dhcp(&len);
    CHECK(msg_type(m, len) == 1 && m && get_be32(m + 4) != xid);
    /* Bound, renewing, NAKed: the address goes at once. */
    sim_init(&a, dev_mac, 12, 0, 0);
    bind_100s(1000);
    net_timer(&a.ns, 51000);
    m = next_dhcp(&len);
    xid = m ? get_be32(m + 4) : 0;
    net_input(&a.ns, f, server_reply(f, xid, 0, "350106 3604 0a000202", 0), 51010);
    CHECK(a.ns.ip == 0 && a.ns.dhcp.state == DHCP_INIT && sim_event(&a, NET_EV_ADDR_DOWN));
}

/* Retransmissions: 4, 8, 16, 32, 64, 64 s, each within +-1 s, randomised, same xid. */
void test_dhcp_retransmission_backoff(void)
{
    int len;
    sim_init(&a, dev_mac, 13, 0, 0);
    dhcp_start(&a.ns, 0);
    const uint8_t *m = next_dhcp(&len);
    uint32_t xid = m ? get_be32(m + 4) : 0;
    uint64_t t = 0, base[] = { 4000, 8000, 16000, 32000, 64000, 64000, 64000 };
    int same_jitter = 1;
    int64_t first_jitter = 0;
    for (int i = 0; i < 7; i++) {
        uint64_t next = net_next_deadline(&a.ns);
        int64_t jitter = (int64_t)(next - t) - (int64_t)base[i];
        CHECK(jitter >= -1000 && jitter <= 1000);
        if (!i)
            first_jitter = jitter;
        same_jitter &= jitter == first_jitter;
        net_timer(&a.ns, next - 1);
        CHECK(!next_dhcp(&len));
        net_timer(&a.ns, next);
        m = next_dhcp(&len);
        CHECK(msg_type(m, len) == 1 && m && get_be32(m + 4) == xid);
        CHECK(m && get_be16(m + 8) == (next / 1000));     /* secs since we began */
        t = next;
    }
    CHECK(!same_jitter);
    /* An OFFER; the REQUEST is repeated NET_DHCP_REQUEST_TRIES times, then DISCOVER again. */
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "350102 " SERVER_OPTS, 0), t);
    int requests = next_type(&len) == 3;
    for (int i = 0; i < 10 && a.ns.dhcp.state == DHCP_REQUESTING; i++) {
        net_timer(&a.ns, net_next_deadline(&a.ns));
        m = next_dhcp(&len);
        requests += msg_type(m, len) == 3;
    }
    CHECK(requests == NET_DHCP_REQUEST_TRIES);
    CHECK(a.ns.dhcp.state == DHCP_SELECTING && msg_type(m, len) == 1 && get_be32(m + 4) != xid);
}

/* Replies that are not for us, or malformed, change nothing and are counted. */
void test_dhcp_ignores_bad_replies(void)
{
    int len;
    sim_init(&a, dev_mac, 0, 0x0badcafe, 0);
    dhcp_start(&a.ns, 0);
    next_dhcp(&len);
    uint32_t xid = 0x0badcafe;
    const char *offer = "350102 " SERVER_OPTS;
    size_t n;
    struct { int off; uint8_t val; } pokes[] = {
        { 42 + 0, 1 },          /* a request, not a reply */
        { 42 + 1, 6 },          /* htype */
        { 42 + 2, 16 },         /* hlen */
        { 42 + 7, 0xff },       /* xid */
        { 42 + 33, 0x57 },      /* chaddr */
        { 42 + 238, 0x54 },     /* magic cookie */
    };
    for (size_t i = 0; i < sizeof pokes / sizeof pokes[0]; i++) {
        n = server_reply(f, xid, DEV_IP, offer, 0);
        f[pokes[i].off] = pokes[i].val;
        put_be16(f + 40, 0);    /* no UDP checksum, so the poke arrives */
        net_input(&a.ns, f, n, 10);
    }
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "3505 01", 0), 10);       /* cut option */
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "35020102 3608 0a000202", 0), 10); /* end */
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, SERVER_OPTS, 0), 10);      /* no type */
    net_input(&a.ns, f, server_reply(f, xid, 0, offer, 0), 10);                 /* no address */
    net_input(&a.ns, f, server_reply(f, xid, IP4(127, 0, 0, 1), offer, 0), 10);
    net_input(&a.ns, f, server_reply(f, xid, IP4(224, 1, 2, 3), offer, 0), 10);
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "350102 0104 ffffff00", 0), 10); /* no id */
    uint8_t short_msg[239];
    server_reply(f, xid, DEV_IP, offer, 0);
    memcpy(short_msg, f + 42, sizeof short_msg);    /* shorter than the fixed part */
    net_input(&a.ns, f, build_udp(f, net_bcast_mac, gw_mac, SERVER, IP_BROADCAST, 67, 68,
                                  short_msg, sizeof short_msg), 10);
    CHECK(a.ns.cnt[NET_C_dhcp_bad] == 6 + 8);
    CHECK(a.ns.cnt[NET_C_udp_bad] == 0 && a.ns.dhcp.state == DHCP_SELECTING);
    /* From a port other than 67. */
    n = server_reply(f, xid, DEV_IP, offer, 0);
    put_be16(f + 34, 6767);
    put_be16(f + 40, 0);
    net_input(&a.ns, f, n, 10);
    CHECK(a.ns.cnt[NET_C_dhcp_bad] == 15);
    /* An ACK or NAK while selecting is ignored (not counted as bad). */
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "350105 " SERVER_OPTS, 0), 10);
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "350106 " SERVER_OPTS, 0), 10);
    CHECK(a.ns.dhcp.state == DHCP_SELECTING && a.ns.ip == 0 && !next_dhcp(&len));
    CHECK(a.ns.cnt[NET_C_dhcp_bad] == 15 && a.ns.cnt[NET_C_dhcp_rx] == 17);
    /* The good offer still works afterwards, and an ACK from another server is ignored. */
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, offer, 0), 10);
    CHECK(a.ns.dhcp.state == DHCP_REQUESTING);
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, "350105 3604 0a000209", 0), 10);
    CHECK(a.ns.dhcp.state == DHCP_REQUESTING);
    /* Without DHCP running, port 68 is just a closed port. */
    dhcp_stop(&a.ns, 0, 20);
    net_input(&a.ns, f, server_reply(f, xid, DEV_IP, offer, 0), 30);
    CHECK(a.ns.cnt[NET_C_dhcp_rx] == 19);
}

/* Defaults: mask by class, lease 1 h; T1/T2 from the server when sane; an infinite lease. */
void test_dhcp_option_defaults(void)
{
    struct {
        const char *ack;
        uint32_t mask;
        uint64_t t1, t2, exp;
    } cases[] = {
        { "350105 3604 0a000202", IP4(255, 0, 0, 0), 1800000, 3150000, 3600000 },
        { "350105 3604 0a000202 0104 ffff00ff 3304 000003e8 3a04 00000064 3b04 000000c8",
          IP4(255, 0, 0, 0), 100000, 200000, 1000000 },
        { "350105 3604 0a000202 0104 ffffff80 3304 000003e8 3a04 00000bb8 3b04 00000064",
          IP4(255, 255, 255, 128), 500000, 875000, 1000000 },
        { "350105 3604 0a000202 3304 ffffffff", IP4(255, 0, 0, 0), NET_NEVER, NET_NEVER,
          NET_NEVER },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int len;
        sim_init(&a, dev_mac, 0, 0x5eed, 0);
        dhcp_start(&a.ns, 0);
        CHECK(next_type(&len) == 1);
        net_input(&a.ns, f, server_reply(f, 0x5eed, DEV_IP, "350102 3604 0a000202", 0), 0);
        CHECK(next_type(&len) == 3);
        net_input(&a.ns, f, server_reply(f, 0x5eed, DEV_IP, cases[i].ack, 0), 0);
        CHECK(a.ns.ip == DEV_IP && a.ns.mask == cases[i].mask);
        CHECK(a.ns.dhcp.t1_ms == cases[i].t1 && a.ns.dhcp.t2_ms == cases[i].t2 &&
              a.ns.dhcp.expiry_ms == cases[i].exp);
        if (a.ns.dhcp.t1_ms != cases[i].t1)
            fprintf(stderr, "  case %zu: t1 %llu\n", i, (unsigned long long)a.ns.dhcp.t1_ms);
    }
    net_timer(&a.ns, 1000000000000ull);     /* infinite: never renewed */
    CHECK(a.ns.dhcp.state == DHCP_BOUND && net_next_deadline(&a.ns) == NET_NEVER);
}

/* Stopping with release tells the server; a static address replaces DHCP. */
void test_dhcp_release_and_static(void)
{
    int len, n;
    sim_init(&a, dev_mac, 21, 0, 0);
    bind_100s(1000);
    dhcp_stop(&a.ns, 1, 2000);
    const uint8_t *m = next_dhcp(&len);
    const uint8_t *sid = opt(m, len, 54, &n);
    CHECK(msg_type(m, len) == 7 && get_be32(m + 12) == DEV_IP && sid && get_be32(sid) == SERVER);
    CHECK(!memcmp(f, gw_mac, 6) && get_be32(f + 30) == SERVER);
    CHECK(a.ns.ip == 0 && a.ns.dhcp.state == DHCP_OFF && sim_event(&a, NET_EV_ADDR_DOWN));
    dhcp_start(&a.ns, 3000);
    CHECK(a.ns.dhcp.state == DHCP_SELECTING);
    net_set_static(&a.ns, IP4(192, 168, 1, 5), IP4(255, 255, 255, 0), IP4(192, 168, 1, 1), 0, 3100);
    CHECK(a.ns.dhcp.state == DHCP_OFF && a.ns.ip == IP4(192, 168, 1, 5));
    CHECK(net_next_deadline(&a.ns) == 3100 + NET_ARP_ANNOUNCE_MS);
}
