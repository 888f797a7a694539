/*
 * The shell's network commands: ifconfig, netstat, arp, ping. They reach
 * the stack through netinfo_ops (shell/netinfo.c), a weak reference: an
 * image without networking links none of the stack for them and says so;
 * none of them starts networking (ping waits for it to be up).
 */
#include <lib/lib.h>
#include "shell.h"

#define IP4(ip) MOTE_IP4_ARGS(ip)

static int no_net(struct mote_shell *sh, int err)
{
    if (!&netinfo_ops)
        shell_printf(sh, "error: this image has no network\n");
    else if (err == MOTE_ENODEV)
        shell_printf(sh, "error: the network is not started (no network call yet, or no NIC)\n");
    else
        shell_printf(sh, "error: %d\n", err);
    return SHELL_EXIT_FAILED;
}

static int cmd_ifconfig(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct mote_net_status st;
    int err = netinfo_status(&st);
    if (err)
        return no_net(sh, err);
    const uint8_t *m = st.mac;
    shell_printf(sh, "eth0 %s mac %02x:%02x:%02x:%02x:%02x:%02x\n", st.up ? "up" : "down", m[0], m[1],
                 m[2], m[3], m[4], m[5]);
    shell_printf(sh, "inet %u.%u.%u.%u netmask %u.%u.%u.%u gateway %u.%u.%u.%u dns %u.%u.%u.%u\n",
                 IP4(st.ip), IP4(st.netmask), IP4(st.gateway), IP4(st.dns));
    if (st.dhcp)
        shell_printf(sh, "dhcp server %u.%u.%u.%u\n", IP4(st.dhcp_server));
    else
        shell_printf(sh, "static\n");
    shell_printf(sh, "rx frames %llu bytes %llu dropped %llu\ntx frames %llu bytes %llu errors %llu\n",
                 (unsigned long long)st.rx_frames, (unsigned long long)st.rx_bytes,
                 (unsigned long long)st.rx_dropped, (unsigned long long)st.tx_frames,
                 (unsigned long long)st.tx_bytes, (unsigned long long)st.tx_errors);
    if (argc == 2 && !strcmp(argv[1], "-a")) {
        const char *name;
        uint64_t v;
        for (int i = 0; !netinfo_ops.counter(i, &name, &v); i++)
            if (v)
                shell_printf(sh, "counter %s %llu\n", name, (unsigned long long)v);
    }
    return 0;
}

static int cmd_netstat(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    static struct netinfo_sock s[24];
    int n = &netinfo_ops ? netinfo_ops.sockets(s, 24) : MOTE_ENODEV;
    if (n < 0)
        return no_net(sh, n);
    shell_printf(sh, "PROTO LOCAL                 REMOTE                STATE        SENDQ  RECVQ REXMIT\n");
    for (int i = 0; i < n; i++) {
        char l[24], r[24];
        snprintf(l, sizeof(l), "%u.%u.%u.%u:%u", IP4(s[i].lip), s[i].lport);
        if (s[i].rip || s[i].rport)
            snprintf(r, sizeof(r), "%u.%u.%u.%u:%u", IP4(s[i].rip), s[i].rport);
        else
            snprintf(r, sizeof(r), "*:*");
        shell_printf(sh, "%-5s %-21s %-21s %-11s %6u %6u %6u\n", s[i].proto, l, r, s[i].state,
                     (unsigned)s[i].sendq, (unsigned)s[i].recvq, (unsigned)s[i].rexmits);
    }
    return 0;
}

static int cmd_arp(struct mote_shell *sh, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct netinfo_arp a[16];
    int n = &netinfo_ops ? netinfo_ops.arp(a, 16) : MOTE_ENODEV;
    if (n < 0)
        return no_net(sh, n);
    shell_printf(sh, "ADDRESS         MAC               STATE     REFRESH_MS\n");
    for (int i = 0; i < n; i++) {
        char ip[16];
        snprintf(ip, sizeof(ip), "%u.%u.%u.%u", IP4(a[i].ip));
        const uint8_t *m = a[i].mac;
        shell_printf(sh, "%-15s %02x:%02x:%02x:%02x:%02x:%02x %-9s %lld\n", ip, m[0], m[1], m[2],
                     m[3], m[4], m[5], a[i].state, (long long)a[i].stale_in_ms);
    }
    return 0;
}

static int cmd_ping(struct mote_shell *sh, int argc, char **argv)
{
    long count = 3;
    if (argc == 3) {
        count = 0;
        for (const char *p = argv[2]; *p && count <= 100; p++)
            count = *p >= '0' && *p <= '9' ? count * 10 + (*p - '0') : 1000;
    }
    if (argc < 2 || argc > 3 || count < 1 || count > 100) {
        shell_printf(sh, "usage: ping HOST [COUNT]  (1..100, default 3)\n");
        return SHELL_EXIT_USAGE;
    }
    if (!&netinfo_ops)
        return no_net(sh, MOTE_ENODEV);
    uint32_t ip;
    int err = netinfo_ops.resolve(argv[1], &ip, 3000);
    if (err) {
        shell_printf(sh, "error: cannot resolve %s (%d)\n", argv[1], err);
        return SHELL_EXIT_FAILED;
    }
    shell_printf(sh, "PING %s (%u.%u.%u.%u): 56 data bytes\n", argv[1], IP4(ip));
    unsigned got = 0, min = ~0u, max = 0, sum = 0;
    for (long i = 1; i <= count; i++) {
        uint32_t rtt;
        err = netinfo_ops.ping(ip, 56, 1000, &rtt);
        if (err) {
            shell_printf(sh, "seq %ld: no reply (%d)\n", i, err);
        } else {
            shell_printf(sh, "seq %ld: reply from %u.%u.%u.%u time %u ms\n", i, IP4(ip), (unsigned)rtt);
            got++;
            sum += rtt;
            min = rtt < min ? rtt : min;
            max = rtt > max ? rtt : max;
        }
        if (i < count)
            mote_sleep_ms(200);
    }
    shell_printf(sh, "%ld sent, %u received, %lu%% loss", count, got,
                 (unsigned long)((count - got) * 100 / count));
    if (got)
        shell_printf(sh, ", min/avg/max %u/%u/%u ms", min, sum / got, max);
    shell_printf(sh, "\n");
    return got ? 0 : SHELL_EXIT_FAILED;
}

static const struct shell_cmd net_cmds[] = {
    { "ifconfig", "ifconfig [-a]        the interface: addresses, counters (-a: every counter)",
      cmd_ifconfig },
    { "netstat", "netstat              every socket: protocol, addresses, TCP state, queues",
      cmd_netstat },
    { "arp", "arp                  the ARP cache", cmd_arp },
    { "ping", "ping HOST [COUNT]    ICMP echo to HOST (a name or a.b.c.d), COUNT times (3)",
      cmd_ping },
};

void shell_net_add(void)
{
    shell_add_table(net_cmds, sizeof(net_cmds) / sizeof(net_cmds[0]));
}
