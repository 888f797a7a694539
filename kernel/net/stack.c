/*
 * stack.c - the interface as a whole: start-up, its address (static or
 * from DHCP), the timers of every part, the counters' names and events.
 */
#include "net.h"

/* "rx_frames\0rx_bytes\0...": one string, not a table of pointers to them. */
static const char counter_names[] =
#define NET_C_NAME(name) #name "\0"
    NET_COUNTERS(NET_C_NAME)
#undef NET_C_NAME
    ;

void net_init(struct net_stack *ns, const uint8_t mac[6], const struct net_env *env,
              uint64_t now_ms)
{
    memset(ns, 0, sizeof *ns);
    ns->env = *env;
    memcpy(ns->mac, mac, 6);
    ns->now_ms = now_ms;
    uint32_t r = env->random32(env->ctx);
    ns->ip_id = (uint16_t)r;
    ns->ping_id = (uint16_t)(r >> 16);
}

/*
 * Take (ip != 0) or drop an address. A new one is announced with
 * gratuitous ARP; the owner hears NET_EV_ADDR_UP or NET_EV_ADDR_DOWN.
 */
void net_configure(struct net_stack *ns, uint32_t ip, uint32_t mask, uint32_t gw, uint32_t dns)
{
    uint32_t had = ns->ip;
    ns->ip = ip;
    ns->mask = ip ? mask : 0;
    ns->gw = ip ? gw : 0;
    ns->dns = ip ? dns : 0;
    if (ip) {
        arp_announce(ns);
        net_emit(ns, NET_EV_ADDR_UP, -1, 0, ip);
    } else {
        ns->arp_announce_left = 0;
        if (had)
            net_emit(ns, NET_EV_ADDR_DOWN, -1, 0, had);
    }
}

void net_set_static(struct net_stack *ns, uint32_t ip, uint32_t mask, uint32_t gw, uint32_t dns,
                    uint64_t now_ms)
{
    if (now_ms > ns->now_ms)
        ns->now_ms = now_ms;
    memset(&ns->dhcp, 0, sizeof ns->dhcp);
    net_configure(ns, ip, mask, gw, dns);
}

void net_timer(struct net_stack *ns, uint64_t now_ms)
{
    if (now_ms > ns->now_ms)
        ns->now_ms = now_ms;
    now_ms = ns->now_ms;
    arp_timer(ns, now_ms);
    icmp_timer(ns, now_ms);
    dhcp_timer(ns, now_ms);
    dns_timer(ns, now_ms);
}

static uint64_t earlier(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

uint64_t net_next_deadline(const struct net_stack *ns)
{
    uint64_t t = earlier(arp_deadline(ns), icmp_deadline(ns));
    t = earlier(t, dns_deadline(ns));
    return ns->dhcp.state == DHCP_OFF ? t : earlier(t, ns->dhcp.next_ms);
}

const char *net_counter_name(int i)
{
    const char *s = counter_names;
    if (i < 0 || i >= NET_C_COUNT)
        return 0;
    while (i--)
        s += strlen(s) + 1;
    return s;
}

void net_emit(struct net_stack *ns, enum net_event_type type, int handle, int status,
              uint32_t value)
{
    struct net_event ev = { type, handle, status, value };
    if (ns->env.event)
        ns->env.event(ns->env.ctx, &ev);
}
