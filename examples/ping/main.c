/*
 * Ping the gateway: bring the network up (DHCP), then send four ICMP echo
 * requests and print each round-trip time, as ping(8) does. Exits 0 if any
 * answer came back. On a network whose DHCP names no gateway (QEMU's
 * isolated one under `mote run`) the DHCP server is pinged instead.
 */
#include <mote.h>
#include <mote/net.h>

#define COUNT 4

int app_main(void)
{
    struct mote_net_status st;
    int err = mote_net_start(10000);
    if (err) {
        printf("ping: no network: %s\n", err == MOTE_ENODEV ? "this board has no NIC" : "no address");
        return 1;
    }
    mote_net_status(&st);
    uint32_t to = st.gateway ? st.gateway : st.dhcp_server;
    printf("ping: %u.%u.%u.%u, pinging the %s %u.%u.%u.%u\n", MOTE_IP4_ARGS(st.ip),
           st.gateway ? "gateway" : "DHCP server", MOTE_IP4_ARGS(to));
    int answered = 0;
    for (int seq = 1; seq <= COUNT; seq++) {
        uint64_t t0 = mote_uptime_ns();
        err = mote_ping(to, 56, 1000, 0);
        unsigned long long us = (mote_uptime_ns() - t0) / 1000;
        if (err == 0) {
            answered++;
            printf("64 bytes from %u.%u.%u.%u: icmp_seq=%d time=%llu.%03llu ms\n",
                   MOTE_IP4_ARGS(to), seq, us / 1000, us % 1000);
        } else {
            printf("icmp_seq=%d: %s\n", seq, err == MOTE_ETIMEDOUT ? "no answer" : "error");
        }
        mote_sleep_ms(100);
    }
    printf("ping: %d of %d answered\n", answered, COUNT);
    return answered ? 0 : 1;
}
