/*
 * The DNS stub resolver: the golden query, answers with compression and
 * CNAME chains, NXDOMAIN, the cache, retries, and hostile messages
 * (pointer loops, lengths past the end, forged ids and sources).
 */
#include "check.h"
#include "netsim.h"

static struct sim a;
static uint8_t f[SIM_FRAME_MAX];

/* Question sections (offset 12 on): example.com A IN, www.example.com A IN. */
#define Q_EXAMPLE "07 6578616d706c65 03 636f6d 00 0001 0001"
#define Q_WWW "03 777777 07 6578616d706c65 03 636f6d 00 0001 0001"
/* Header after the id: response, RD+RA, NOERROR, one question, an answers. */
#define H_OK(an) "8180 0001 00" an " 0000 0000"

static void setup(void)
{
    sim_init(&a, dev_mac, 0, 0x11223344, 1000);
    sim_static_with_gw(&a, 1000);
}

/* Start a query and return its handle; *id and *port are read from the query sent. */
static int ask(const char *name, uint16_t *id, uint16_t *port, uint64_t now)
{
    int h = dns_query(&a.ns, name, now), n;
    while ((n = sim_take(&a, f)) > 0 && get_be16(f + 12) != ETH_TYPE_IP)
        ;   /* an ARP refresh may go first */
    *id = n > 44 ? get_be16(f + 42) : 0;
    *port = n > 44 ? get_be16(f + 34) : 0;
    return h;
}

/* The server's answer: the id, then hex (from the flags on), from DNS_IP:53 to port. */
static void answer(uint16_t id, uint16_t port, const char *hex, uint64_t now)
{
    static uint8_t m[1024];
    put_be16(m, id);
    size_t n = 2 + unhex(m + 2, sizeof m - 2, hex);
    net_input(&a.ns, f, build_udp(f, dev_mac, gw_mac, DNS_IP, DEV_IP, 53, port, m, n), now);
}

void test_dns_query_golden_and_answer(void)
{
    setup();
    int h = dns_query(&a.ns, "Example.COM.", 1000);
    CHECK(h >= 0);
    CHECK(frame_is(f, sim_take(&a, f),
                   "52550a000202 525400123456 0800 45000039 3344 4000 4011 ef5e 0a00020f 0a000203"
                   " d122 0035 0025 1389"
                   " 3344 0100 0001 0000 0000 0000 " Q_EXAMPLE));
    uint32_t ip = 0;
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_EAGAIN);
    /* The answer's name is a pointer to the question (offset 12), TTL 3600. */
    answer(0x3344, 0xd122, H_OK("01") Q_EXAMPLE " c00c 0001 0001 00000e10 0004 5db8d822", 1020);
    const struct net_event *ev = sim_event(&a, NET_EV_DNS);
    CHECK(ev && ev->handle == h && ev->status == 0 && ev->value == IP4(93, 184, 216, 34));
    CHECK(dns_result(&a.ns, h, &ip) == 0 && ip == IP4(93, 184, 216, 34));
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_EINVAL);
    /* Cached for its TTL: no packet, done at once, any case. */
    h = dns_query(&a.ns, "EXAMPLE.com", 2000);
    CHECK(h >= 0 && sim_take(&a, f) < 0);
    CHECK(dns_result(&a.ns, h, &ip) == 0 && ip == IP4(93, 184, 216, 34));
    CHECK(a.ns.cnt[NET_C_dns_cache_hit] == 1);
    h = dns_query(&a.ns, "example.com", 1020 + 3600000);
    CHECK(h >= 0 && sim_take(&a, f) > 0);   /* expired: asked again */
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_EAGAIN);
    dns_cancel(&a.ns, h);
}

void test_dns_cname_chains(void)
{
    uint16_t id, port;
    uint32_t ip = 0;
    setup();
    /* www.example.com CNAME edge.example.net (TTL 300); edge.example.net A 1.2.3.4 (TTL 60). */
    int h = ask("www.example.com", &id, &port, 1000);
    answer(id, port, H_OK("02") Q_WWW
           " c00c 0005 0001 0000012c 0012 04 65646765 07 6578616d706c65 03 6e6574 00"
           " c02d 0001 0001 0000003c 0004 01020304", 1000);
    CHECK(dns_result(&a.ns, h, &ip) == 0 && ip == IP4(1, 2, 3, 4));
    CHECK(a.ns.dns_cache[0].expires_ms == 1000 + 60000 || a.ns.dns_cache[1].expires_ms == 61000);
    /* Out of order, the alias compressed into the question: www -> cdn.example.com. */
    h = ask("www2.example.com", &id, &port, 1000);
    answer(id, port, "8180 0001 0002 0000 0000"
           " 04 77777732 07 6578616d706c65 03 636f6d 00 0001 0001"
           " 03 63646e c011 0001 0001 00000064 0004 05060708"
           " c00c 0005 0001 00000064 0002 c022", 1000);
    CHECK(dns_result(&a.ns, h, &ip) == 0 && ip == IP4(5, 6, 7, 8));
    /* A loop of aliases ends, as a failure. */
    h = ask("loop.example.com", &id, &port, 1000);
    answer(id, port, "8180 0001 0002 0000 0000"
           " 04 6c6f6f70 07 6578616d706c65 03 636f6d 00 0001 0001"
           " c00c 0005 0001 00000064 0006 03 616161 c011"
           " c02e 0005 0001 00000064 0002 c00c", 1000);
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_EIO);
    /* An alias and nothing else: no A record. */
    h = ask("www.example.com.", &id, &port, 100000);
    answer(id, port, H_OK("01") Q_WWW " c00c 0005 0001 0000012c 0002 c010", 100000);
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_ENOENT);
}

void test_dns_errors_reported(void)
{
    uint16_t id, port;
    uint32_t ip = 0;
    setup();
    int h = ask("nope.example.com", &id, &port, 1000);
    answer(id, port, "8183 0001 0000 0001 0000 04 6e6f7065 07 6578616d706c65 03 636f6d 00 0001 0001"
           " c011 0006 0001 00000e10 0004 00000000", 1000);
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_ENOENT);
    h = ask("example.com", &id, &port, 1000);
    answer(id, port, "8182 0001 0000 0000 0000 " Q_EXAMPLE, 1000);     /* SERVFAIL */
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_EIO);
    h = ask("example.com", &id, &port, 1000);
    answer(id, port, "8380 0001 0000 0000 0000 " Q_EXAMPLE, 1000);     /* truncated, empty */
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_EIO);
    h = ask("example.com", &id, &port, 1000);
    answer(id, port, H_OK("01") Q_EXAMPLE " c00c 001c 0001 00000e10 0010"
           " 20010db8000000000000000000000001", 1000);  /* only AAAA */
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_ENOENT);
    /* TTL 0: answered, not cached. */
    h = ask("example.com", &id, &port, 1000);
    answer(id, port, H_OK("01") Q_EXAMPLE " c00c 0001 0001 00000000 0004 5db8d822", 1000);
    CHECK(dns_result(&a.ns, h, &ip) == 0);
    h = dns_query(&a.ns, "example.com", 1000);
    CHECK(sim_take(&a, f) > 0);
    dns_cancel(&a.ns, h);
    /* Names we refuse to ask, and no server to ask. */
    static char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    for (int i = 63; i < 299; i += 64)
        longname[i] = '.';
    longname[253] = 0;
    h = dns_query(&a.ns, longname, 1000);
    CHECK(h >= 0);
    dns_cancel(&a.ns, h);
    longname[253] = 'a';
    longname[254] = 0;
    CHECK(dns_query(&a.ns, longname, 1000) == MOTE_EINVAL);
    static char label64[70] = "x.";
    memset(label64 + 2, 'a', 64);
    const char *bad[] = { "", ".", "a..b", ".a", "a b", "a\177", label64 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(dns_query(&a.ns, bad[i], 1000) == MOTE_EINVAL);
    net_set_static(&a.ns, DEV_IP, IP4(255, 255, 255, 0), GW_IP, 0, 1000);
    CHECK(dns_query(&a.ns, "example.org", 1000) == MOTE_ENETUNREACH);
}

/* No answer: resent after 1 s and 2 s more, same id and port; after 4 s more, timed out. */
void test_dns_retries_then_timeout(void)
{
    uint16_t id, port, id2, port2;
    uint32_t ip;
    sim_init(&a, dev_mac, 77, 0, 0);
    sim_static_with_gw(&a, 0);
    int h = ask("example.com", &id, &port, 0);
    uint64_t at[] = { 1000, 3000 };
    for (int i = 0; i < 2; i++) {
        CHECK(dns_deadline(&a.ns) == at[i]);
        net_timer(&a.ns, at[i]);
        int n;
        while ((n = sim_take(&a, f)) > 0 && get_be16(f + 12) != ETH_TYPE_IP)
            ;
        CHECK(n > 44 && get_be16(f + 42) == id && get_be16(f + 34) == port);
    }
    net_timer(&a.ns, 6999);
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_EAGAIN);
    net_timer(&a.ns, 7000);
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_ETIMEDOUT && a.ns.cnt[NET_C_dns_timeout] == 1);
    CHECK(a.ns.cnt[NET_C_dns_tx] == 3);
    /* Ids and ports differ between queries; all slots busy means ENOMEM. */
    ask("example.com", &id, &port, 8000);
    ask("example.com", &id2, &port2, 8000);
    CHECK(id != id2 && port != port2 && port >= 49152 && port2 >= 49152);
    ask("a.example.com", &id2, &port2, 8000);
    ask("b.example.com", &id2, &port2, 8000);
    CHECK(dns_query(&a.ns, "c.example.com", 8000) == MOTE_ENOMEM);
}

/* "3f" and 63 times c, as hex. */
static char *label63(char *p, char c)
{
    p += sprintf(p, "3f");
    for (int k = 0; k < 63; k++)
        p += sprintf(p, "%02x", c);
    return p;
}

/* Hostile and broken messages: counted, never followed, and the query keeps waiting. */
void test_dns_malicious_messages(void)
{
    uint16_t id, port;
    uint32_t ip;
    setup();
    int h = ask("example.com", &id, &port, 1000);
    const char *bad[] = {
        H_OK("01") Q_EXAMPLE " c01d 0001 0001 00000e10 0004 01010101",      /* points at itself */
        H_OK("01") Q_EXAMPLE " c01f c01d 0001 0001 00000e10 0004 01010101",  /* two-step loop */
        H_OK("01") Q_EXAMPLE " 01 61 c01d 0001 0001 00000e10 0004 01010101",  /* loop, a label */
        H_OK("01") Q_EXAMPLE " c0ff 0001 0001 00000e10 0004 01010101",      /* past the end */
        H_OK("01") Q_EXAMPLE " c0",                                         /* pointer cut */
        H_OK("01") Q_EXAMPLE " 3f 6161",                                    /* label past the end */
        H_OK("01") Q_EXAMPLE " 80 00 0001 0001 00000e10 0004 01010101",     /* reserved type */
        H_OK("01") Q_EXAMPLE " c00c 0001 0001 00000e10 00ff 01010101",      /* rdlength past end */
        H_OK("01") Q_EXAMPLE " c00c 0001 0001 0000",                        /* record cut */
        H_OK("02") Q_EXAMPLE " c00c 0005 0001 00000e10 0002 c00c",          /* claims two records */
        H_OK("01") "07 6578616d706c65 03 636f6d 00 0001",                   /* question cut */
        H_OK("01") "07 6578616d706c65 03 6f7267 00 0001 0001 c00c 0001 0001 00000e10 0004 01010101",
        H_OK("01") "07 6578616d706c65 03 636f6d 00 001c 0001 c00c 0001 0001 00000e10 0004 01010101",
        "0180 0001 0001 0000 0000 " Q_EXAMPLE " c00c 0001 0001 00000e10 0004 01010101", /* query */
        "8980 0001 0001 0000 0000 " Q_EXAMPLE " c00c 0001 0001 00000e10 0004 01010101", /* opcode */
        "8180 0002 0001 0000 0000 " Q_EXAMPLE " " Q_EXAMPLE,                  /* two questions */
        "8180 00",                                                          /* header cut */
        "",
        H_OK("01") "07 6578616d2e6c65 03 636f6d 00 0001 0001 c00c 0001 0001 00000e10 0004 01010101",
        H_OK("01") "07 6578616d006c65 03 636f6d 00 0001 0001 c00c 0001 0001 00000e10 0004 01010101",
    };
    int nbad = (int)(sizeof bad / sizeof bad[0]);
    for (int i = 0; i < nbad; i++) {
        uint64_t before = a.ns.cnt[NET_C_dns_bad];
        answer(id, port, bad[i], 1000);
        CHECK(a.ns.cnt[NET_C_dns_bad] == before + 1);
        CHECK(dns_result(&a.ns, h, &ip) == MOTE_EAGAIN);
        if (a.ns.cnt[NET_C_dns_bad] != before + 1 || dns_result(&a.ns, h, &ip) != MOTE_EAGAIN)
            fprintf(stderr, "  bad message %d\n", i);
    }
    /* Forged: another id; the right answer from another address or port is not even read. */
    answer((uint16_t)(id + 1), port, H_OK("01") Q_EXAMPLE " c00c 0001 0001 00000e10 0004 06060606",
           1000);
    CHECK(a.ns.cnt[NET_C_dns_bad] == (uint64_t)nbad + 1);
    static uint8_t m[64];
    size_t n = 2 + unhex(m + 2, sizeof m - 2,
                         H_OK("01") Q_EXAMPLE " c00c 0001 0001 00000e10 0004 06060606");
    put_be16(m, id);
    net_input(&a.ns, f, build_udp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 53, port, m, n), 1000);
    net_input(&a.ns, f, build_udp(f, dev_mac, gw_mac, DNS_IP, DEV_IP, 5353, port, m, n), 1000);
    CHECK(a.ns.cnt[NET_C_dns_rx] == (uint64_t)nbad + 1 && a.ns.cnt[NET_C_udp_no_port] == 2);
    CHECK(dns_result(&a.ns, h, &ip) == MOTE_EAGAIN);
    /*
     * A name longer than 253 through a pointer: a TXT record's data holds a
     * 127-char name (offset 41); the next record's name is 2 labels of 63
     * and a pointer to it: 255 chars.
     */
    static char hex[2048];
    char *p = hex + sprintf(hex, "8180 0001 0002 0000 0000 " Q_EXAMPLE
                                 " c00c 0010 0001 00000e10 0081 ");
    p = label63(label63(p, 'a'), 'b');
    p += sprintf(p, "00 ");
    p = label63(label63(p, 'c'), 'd');
    sprintf(p, "c029 0001 0001 00000e10 0004 01010101");
    answer(id, port, hex, 1000);
    CHECK(a.ns.cnt[NET_C_dns_bad] == (uint64_t)nbad + 2);
    /* And still the real answer is taken. */
    answer(id, port, H_OK("01") Q_EXAMPLE " c00c 0001 0001 00000e10 0004 5db8d822", 1000);
    CHECK(dns_result(&a.ns, h, &ip) == 0 && ip == IP4(93, 184, 216, 34));
    /* A late copy is for nobody: a closed port. */
    answer(id, port, H_OK("01") Q_EXAMPLE " c00c 0001 0001 00000e10 0004 5db8d822", 1000);
    CHECK(a.ns.cnt[NET_C_udp_no_port] == 3);
}

/* The cache keeps names up to NET_DNS_CACHE_NAME - 1 chars, replaces the soonest to expire. */
void test_dns_cache_replacement(void)
{
    uint16_t id, port;
    uint32_t ip;
    char name[32], hex[512];
    setup();
    for (int i = 0; i < NET_DNS_CACHE + 1; i++) {
        snprintf(name, sizeof name, "h%d.example.com", i);
        int h = ask(name, &id, &port, 1000);
        snprintf(hex, sizeof hex, H_OK("01") " 02 6%d%02x 07 6578616d706c65 03 636f6d 00 0001 0001"
                 " c00c 0001 0001 %08x 0004 0a0000%02x", 8, '0' + i, 100 + i, i);
        answer(id, port, hex, 1000);
        CHECK(dns_result(&a.ns, h, &ip) == 0 && ip == IP4(10, 0, 0, i));
    }
    int hits = 0;
    for (int i = 0; i < NET_DNS_CACHE + 1; i++) {
        snprintf(name, sizeof name, "h%d.example.com", i);
        int h = dns_query(&a.ns, name, 2000);
        if (sim_take(&a, f) < 0) {
            hits++;
            CHECK(dns_result(&a.ns, h, &ip) == 0 && ip == IP4(10, 0, 0, i));
        } else {
            CHECK(i == 0);  /* the shortest TTL went first */
            dns_cancel(&a.ns, h);
        }
    }
    CHECK(hits == NET_DNS_CACHE);
}
