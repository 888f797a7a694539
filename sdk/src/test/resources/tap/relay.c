/*
 * relay.c - an Ethernet relay between QEMU's `-netdev dgram` (each frame one
 * UDP datagram on 127.0.0.1) and a TAP device inside a network namespace,
 * which drops, duplicates, reorders and delays frames by a seeded schedule
 * (`tc netem` is not available where the tests run). Used by the TAP tests
 * (NetworkTapTest) and bench/net.
 *
 *   relay --netns NAME --tap IFNAME --listen PORT --qemu PORT [--seed N]
 *
 * It takes datagrams on 127.0.0.1:listen from 127.0.0.1:qemu only and sends
 * frames back there; it attaches to IFNAME (made beforehand, e.g. `ip -n NAME
 * tuntap add dev IFNAME mode tap`) from inside NAME, so nothing is created or
 * reachable outside the namespace but the loopback UDP port. It prints
 * "ready" once attached. Commands on stdin, one a line (EOF: exit):
 *
 *   set [loss=P] [dup=P] [reorder=P] [delay=MS] [jitter=MS] [hold=MS]
 *         P a probability 0..1 per frame, both directions: lost, sent twice,
 *         held back hold ms (later frames overtake it); every frame waits
 *         delay ms plus up to jitter ms. Answers "ok".
 *   stats   one line "stats key=value ...": per direction (d2l: device to
 *           Linux, l2d: back) frames, bytes, drop, dup, held, and the TCP
 *           segments seen: syn, fin, rst, zerowin (a window of 0 advertised),
 *           rexmit (data sent again), stall (sent again after 100 ms of
 *           silence that way: a retransmission timeout, most likely),
 *           and fin_cross=1 when the last connection's two FINs crossed
 *           (neither acknowledged the other's: a simultaneous close).
 *   reset   zero the counters. Answers "ok".
 *
 * Build: cc -O2 -Wall -Wextra -Werror -o relay relay.c (Linux).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 2048
#define QUEUE_MAX 8192           /* frames waiting for their release time */

enum { D2L, L2D };               /* QEMU -> TAP, TAP -> QEMU */
static const char *const dir_name[2] = {"d2l", "l2d"};

struct counters {
    uint64_t frames, bytes, drop, dup, held, syn, fin, rst, zerowin;
    uint64_t rexmit;             /* data segments starting below the highest byte seen: sent again */
    uint64_t stall;              /* ... after 100 ms or more with no segment that way: a timeout */
};

struct pending {
    uint64_t at;                 /* release time, us */
    uint64_t order;              /* arrival order: equal times keep it */
    int dir;
    uint16_t len;
    uint8_t data[FRAME_MAX];
};

static struct pending pool[QUEUE_MAX];
static struct pending *queue[QUEUE_MAX];   /* a binary min-heap on (at, order) */
static int nqueue;
static uint64_t arrivals, overflow;
static struct counters cnt[2];
static double p_loss, p_dup, p_reorder;
static uint64_t delay_us, jitter_us, hold_us = 2000;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
/* the last connection's FINs, per direction: seen, the FIN's sequence number, its ACK field */
static int fin_seen[2];
static uint32_t fin_seq[2], fin_ack[2];
/* per direction: the end of the highest data seen (since the last SYN), when the last segment went */
static int hi_valid[2];
static uint32_t hi_end[2];
static uint64_t last_seg_us[2];

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* xorshift64*: the schedule is a function of the seed and the frame order. */
static double rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static int earlier(const struct pending *a, const struct pending *b)
{
    return a->at < b->at || (a->at == b->at && a->order < b->order);
}

static void heap_push(struct pending *p)
{
    int i = nqueue++;
    queue[i] = p;
    while (i > 0 && earlier(queue[i], queue[(i - 1) / 2])) {
        struct pending *t = queue[i];
        queue[i] = queue[(i - 1) / 2];
        queue[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static struct pending *heap_pop(void)
{
    struct pending *top = queue[0];
    queue[0] = queue[--nqueue];
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < nqueue && earlier(queue[l], queue[m]))
            m = l;
        if (r < nqueue && earlier(queue[r], queue[m]))
            m = r;
        if (m == i)
            break;
        struct pending *t = queue[i];
        queue[i] = queue[m];
        queue[m] = t;
        i = m;
    }
    return top;
}

/* Free slots of pool[]: a stack of pointers. */
static struct pending *free_list[QUEUE_MAX];
static int nfree;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Count what a TCP segment in the frame says (IPv4 only). */
static void inspect(int dir, const uint8_t *f, size_t len)
{
    if (len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00)
        return;
    const uint8_t *ip = f + 14;
    size_t ihl = (size_t)(ip[0] & 15) * 4, tot = (size_t)ip[2] << 8 | ip[3];
    if (ip[9] != 6 || ihl < 20 || tot > len - 14 || tot < ihl + 20)
        return;
    const uint8_t *tcp = ip + ihl;
    size_t doff = (size_t)(tcp[12] >> 4) * 4;
    if (doff < 20 || ihl + doff > tot)
        return;
    uint8_t flags = tcp[13];
    uint32_t seq = be32(tcp + 4), ack = be32(tcp + 8);
    unsigned win = (unsigned)tcp[14] << 8 | tcp[15];
    size_t data = tot - ihl - doff;
    struct counters *c = &cnt[dir];
    if (flags & 0x02) {          /* SYN: a new connection, forget the old one's FINs */
        c->syn++;
        fin_seen[0] = fin_seen[1] = 0;
        hi_valid[0] = hi_valid[1] = 0;
    }
    uint64_t now = now_us();
    if (data && !(flags & 0x06)) {
        if (hi_valid[dir] && (int32_t)(seq - hi_end[dir]) < 0) {
            c->rexmit++;
            c->stall += now - last_seg_us[dir] >= 100000;
        }
        if (!hi_valid[dir] || (int32_t)(seq + (uint32_t)data - hi_end[dir]) > 0)
            hi_end[dir] = seq + (uint32_t)data;
        hi_valid[dir] = 1;
    }
    last_seg_us[dir] = now;
    if (flags & 0x04)
        c->rst++;
    if (flags & 0x01) {
        c->fin++;
        if (!fin_seen[dir]) {
            fin_seen[dir] = 1;
            fin_seq[dir] = seq + (uint32_t)data;
            fin_ack[dir] = (flags & 0x10) ? ack : 0;
        }
    }
    if (win == 0 && (flags & 0x10) && !(flags & 0x06))
        c->zerowin++;
}

/* Schedule one copy of a frame. */
static void enqueue(int dir, const uint8_t *f, size_t len, uint64_t at)
{
    if (!nfree) {
        overflow++;
        return;
    }
    struct pending *p = free_list[--nfree];
    p->at = at;
    p->order = arrivals++;
    p->dir = dir;
    p->len = (uint16_t)len;
    memcpy(p->data, f, len);
    heap_push(p);
}

static void arrive(int dir, const uint8_t *f, size_t len)
{
    struct counters *c = &cnt[dir];
    c->frames++;
    c->bytes += len;
    inspect(dir, f, len);
    if (rnd() < p_loss) {
        c->drop++;
        return;
    }
    int copies = 1;
    if (rnd() < p_dup) {
        c->dup++;
        copies = 2;
    }
    for (int i = 0; i < copies; i++) {
        uint64_t at = now_us() + delay_us + (jitter_us ? (uint64_t)(rnd() * (double)jitter_us) : 0);
        if (rnd() < p_reorder) {
            c->held++;
            at += hold_us;
        }
        enqueue(dir, f, len, at);
    }
}

static void print_stats(void)
{
    printf("stats");
    for (int d = 0; d < 2; d++) {
        const struct counters *c = &cnt[d];
        const char *n = dir_name[d];
        printf(" %s_frames=%llu %s_bytes=%llu %s_drop=%llu %s_dup=%llu %s_held=%llu %s_syn=%llu"
               " %s_fin=%llu %s_rst=%llu %s_zerowin=%llu %s_rexmit=%llu %s_stall=%llu",
               n, (unsigned long long)c->frames, n, (unsigned long long)c->bytes, n,
               (unsigned long long)c->drop, n, (unsigned long long)c->dup, n,
               (unsigned long long)c->held, n, (unsigned long long)c->syn, n,
               (unsigned long long)c->fin, n, (unsigned long long)c->rst, n,
               (unsigned long long)c->zerowin, n, (unsigned long long)c->rexmit, n,
               (unsigned long long)c->stall);
    }
    int cross = fin_seen[0] && fin_seen[1] && fin_ack[0] != fin_seq[1] + 1 &&
                fin_ack[1] != fin_seq[0] + 1;
    printf(" fin_cross=%d overflow=%llu queued=%d\n", cross, (unsigned long long)overflow, nqueue);
}

/* One command line; 0, or -1 for a malformed one (reported on stdout). */
static int command(char *line)
{
    line[strcspn(line, "\r\n")] = 0;
    if (!strcmp(line, "stats")) {
        print_stats();
        return 0;
    }
    if (!strcmp(line, "reset")) {
        memset(cnt, 0, sizeof(cnt));
        fin_seen[0] = fin_seen[1] = 0;
        overflow = 0;
        puts("ok");
        return 0;
    }
    if (strncmp(line, "set", 3)) {
        printf("error: unknown command '%s'\n", line);
        return -1;
    }
    for (char *tok = strtok(line + 3, " "); tok; tok = strtok(0, " ")) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            printf("error: '%s' is not key=value\n", tok);
            return -1;
        }
        *eq = 0;
        double v = atof(eq + 1);
        if (!strcmp(tok, "loss"))
            p_loss = v;
        else if (!strcmp(tok, "dup"))
            p_dup = v;
        else if (!strcmp(tok, "reorder"))
            p_reorder = v;
        else if (!strcmp(tok, "delay"))
            delay_us = (uint64_t)(v * 1000);
        else if (!strcmp(tok, "jitter"))
            jitter_us = (uint64_t)(v * 1000);
        else if (!strcmp(tok, "hold"))
            hold_us = (uint64_t)(v * 1000);
        else {
            printf("error: unknown setting '%s'\n", tok);
            return -1;
        }
    }
    puts("ok");
    return 0;
}

/* Open IFNAME inside the namespace: the TAP's fd works from anywhere afterwards. */
static int tap_open(const char *netns, const char *ifname)
{
    char path[256];
    snprintf(path, sizeof(path), "/run/netns/%s", netns);
    int self = open("/proc/self/ns/net", O_RDONLY), ns = open(path, O_RDONLY);
    if (self < 0 || ns < 0 || setns(ns, CLONE_NEWNET)) {
        fprintf(stderr, "relay: cannot enter network namespace %s: %s\n", netns, strerror(errno));
        return -1;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr)) {
        fprintf(stderr, "relay: cannot attach to TAP %s in %s: %s\n", ifname, netns, strerror(errno));
        return -1;
    }
    if (setns(self, CLONE_NEWNET))
        fprintf(stderr, "relay: cannot leave %s: %s\n", netns, strerror(errno));
    close(self);
    close(ns);
    return fd;
}

static void usage(void)
{
    fprintf(stderr, "usage: relay --netns NAME --tap IFNAME --listen PORT --qemu PORT [--seed N]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *netns = 0, *tap = 0;
    int listen_port = 0, qemu_port = 0;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage();
        if (!strcmp(argv[i], "--netns"))
            netns = argv[++i];
        else if (!strcmp(argv[i], "--tap"))
            tap = argv[++i];
        else if (!strcmp(argv[i], "--listen"))
            listen_port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--qemu"))
            qemu_port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed"))
            rng_state ^= strtoull(argv[++i], 0, 0) * 0x2545f4914f6cdd1dull;
        else
            usage();
    }
    if (!netns || !tap || listen_port <= 0 || qemu_port <= 0)
        usage();
    setvbuf(stdout, 0, _IOLBF, 0);
    for (int i = 0; i < QUEUE_MAX; i++)
        free_list[nfree++] = &pool[i];

    int udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons((uint16_t)listen_port)};
    struct sockaddr_in qemu = {.sin_family = AF_INET, .sin_port = htons((uint16_t)qemu_port)};
    me.sin_addr.s_addr = qemu.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int big = 4 << 20;
    setsockopt(udp, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    setsockopt(udp, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    if (udp < 0 || bind(udp, (struct sockaddr *)&me, sizeof(me))) {
        fprintf(stderr, "relay: cannot bind 127.0.0.1:%d: %s\n", listen_port, strerror(errno));
        return 1;
    }
    int tapfd = tap_open(netns, tap);
    if (tapfd < 0)
        return 1;
    puts("ready");

    static uint8_t buf[FRAME_MAX];
    static char line[512];
    size_t linelen = 0;
    for (;;) {
        int timeout = -1;
        if (nqueue) {
            uint64_t t = now_us();
            timeout = queue[0]->at <= t ? 0 : (int)((queue[0]->at - t + 999) / 1000);
        }
        struct pollfd pf[3] = {{udp, POLLIN, 0}, {tapfd, POLLIN, 0}, {0, POLLIN, 0}};
        if (poll(pf, 3, timeout) < 0 && errno != EINTR)
            return 1;
        for (int n = 0; n < 64 && (pf[0].revents & POLLIN); n++) {
            struct sockaddr_in from;
            socklen_t fl = sizeof(from);
            ssize_t r = recvfrom(udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
            if (r < 0)
                break;
            if (from.sin_port == qemu.sin_port && from.sin_addr.s_addr == qemu.sin_addr.s_addr && r >= 14)
                arrive(D2L, buf, (size_t)r);
        }
        for (int n = 0; n < 64 && (pf[1].revents & POLLIN); n++) {
            ssize_t r = read(tapfd, buf, sizeof(buf));
            if (r < 0)
                break;
            if (r >= 14)
                arrive(L2D, buf, (size_t)r);
        }
        if (pf[2].revents & (POLLIN | POLLHUP)) {
            ssize_t r = read(0, line + linelen, sizeof(line) - 1 - linelen);
            if (r <= 0)
                return 0;
            linelen += (size_t)r;
            line[linelen] = 0;
            char *nl;
            while ((nl = strchr(line, '\n'))) {
                *nl = 0;
                command(line);
                linelen -= (size_t)(nl + 1 - line);
                memmove(line, nl + 1, linelen + 1);
            }
            if (linelen == sizeof(line) - 1)
                linelen = 0;     /* a line too long for any command: dropped */
        }
        uint64_t t = now_us();
        while (nqueue && queue[0]->at <= t) {
            struct pending *p = heap_pop();
            if (p->dir == D2L) {
                if (write(tapfd, p->data, p->len) < 0)
                    overflow++;
            } else {
                sendto(udp, p->data, p->len, 0, (struct sockaddr *)&qemu, sizeof(qemu));
            }
            free_list[nfree++] = p;
        }
    }
}
