/*
 * bsd.c - the BSD socket calls (<sys/socket.h>) over mote/net.h: a small
 * table of descriptors, each a TCP connection or listener, or a UDP
 * socket, with its timeouts. Uses only the public API: what it adds is
 * names, sockaddr conversions and errno.
 */
#include <errno.h>
#include <mote.h>
#include <mote/net.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#define BSD_FD_BASE 3
#define BSD_SOCKETS 16

struct bsd_sock {
    uint8_t type;               /* 0: free, SOCK_STREAM, SOCK_DGRAM */
    uint8_t nodelay;
    uint16_t port;              /* bound local port (host order) */
    uint32_t peer_ip;           /* UDP after connect(): the default destination */
    uint16_t peer_port;
    uint32_t rcvtimeo, sndtimeo;  /* ms */
    struct mote_tcp *tcp;       /* a connection or a listener */
    struct mote_udp *udp;
};

static struct bsd_sock socks[BSD_SOCKETS];
static struct mote_mutex table_lock = MOTE_MUTEX_INIT;

/* -1 with errno for a MOTE_E* code (they are negated errno values). */
static int fail(int err)
{
    errno = err == MOTE_ETIMEDOUT ? EAGAIN : -err;
    return -1;
}

static struct bsd_sock *sock_get(int fd)
{
    unsigned i = (unsigned)(fd - BSD_FD_BASE);
    if (i >= BSD_SOCKETS || !socks[i].type) {
        errno = EBADF;
        return 0;
    }
    return &socks[i];
}

/* A sockaddr_in's address and port in host order; 0, or -1 with errno. */
static int addr_in(const struct sockaddr *a, socklen_t len, uint32_t *ip, uint16_t *port)
{
    const struct sockaddr_in *in = (const struct sockaddr_in *)a;
    if (!a || len < sizeof(*in) || in->sin_family != AF_INET) {
        errno = a ? EAFNOSUPPORT : EDESTADDRREQ;
        return -1;
    }
    *ip = ntohl(in->sin_addr.s_addr);
    *port = ntohs(in->sin_port);
    return 0;
}

static void addr_out(struct sockaddr *a, socklen_t *len, uint32_t ip, uint16_t port)
{
    struct sockaddr_in in = {AF_INET, htons(port), {htonl(ip)}, {0}};
    if (!a || !len)
        return;
    memcpy(a, &in, *len < sizeof(in) ? *len : sizeof(in));
    *len = sizeof(in);
}

/* A new descriptor of this type; -1 with EMFILE when the table is full. */
static int sock_new(int type)
{
    int fd = -1;
    mote_mutex_lock(&table_lock);
    for (int i = 0; i < BSD_SOCKETS && fd < 0; i++) {
        if (!socks[i].type) {
            memset(&socks[i], 0, sizeof(socks[i]));
            socks[i].type = (uint8_t)type;
            socks[i].rcvtimeo = socks[i].sndtimeo = MOTE_FOREVER;
            fd = BSD_FD_BASE + i;
        }
    }
    mote_mutex_unlock(&table_lock);
    if (fd < 0)
        errno = EMFILE;
    return fd;
}

int socket(int domain, int type, int protocol)
{
    if (domain != AF_INET) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    if ((type != SOCK_STREAM && type != SOCK_DGRAM) ||
        (protocol && protocol != (type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP))) {
        errno = EPROTONOSUPPORT;
        return -1;
    }
    int err = mote_net_start(0);    /* networking starts now; calls that need the address wait */
    if (err == MOTE_ENODEV || err == MOTE_ENOMEM)
        return fail(err);
    return sock_new(type);
}

/* A UDP socket's port is bound when it is first needed (bind, connect, sendto, recvfrom). */
static int udp_ready(struct bsd_sock *s)
{
    int err = s->udp ? 0 : mote_udp_open(s->port, &s->udp);
    return err ? fail(err) : 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    struct bsd_sock *s = sock_get(fd);
    uint32_t ip;
    uint16_t port;
    if (!s || addr_in(addr, len, &ip, &port))
        return -1;
    if (s->udp || s->tcp) {
        errno = EINVAL;
        return -1;
    }
    s->port = port;
    return s->type == SOCK_DGRAM ? udp_ready(s) : 0;
}

int listen(int fd, int backlog)
{
    struct bsd_sock *s = sock_get(fd);
    if (!s)
        return -1;
    if (s->type != SOCK_STREAM || s->tcp || !s->port) {
        errno = s->type != SOCK_STREAM ? EOPNOTSUPP : EINVAL;
        return -1;
    }
    int err = mote_tcp_listen(s->port, backlog > 0 ? backlog : 1, &s->tcp);
    return err ? fail(err) : 0;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    struct bsd_sock *s = sock_get(fd);
    struct mote_tcp *c;
    uint32_t ip;
    uint16_t port;
    if (!s)
        return -1;
    if (s->type != SOCK_STREAM || !s->tcp) {
        errno = EINVAL;
        return -1;
    }
    int err = mote_tcp_accept(s->tcp, s->rcvtimeo, &c);
    if (err)
        return fail(err);
    int nfd = sock_new(SOCK_STREAM);
    if (nfd < 0) {
        mote_tcp_abort(c);
        return -1;
    }
    struct bsd_sock *n = &socks[nfd - BSD_FD_BASE];
    n->tcp = c;
    n->nodelay = s->nodelay;
    mote_tcp_nodelay(c, n->nodelay);
    mote_tcp_addr(c, 0, &n->port, &ip, &port);
    addr_out(addr, len, ip, port);
    return nfd;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    struct bsd_sock *s = sock_get(fd);
    uint32_t ip;
    uint16_t port;
    if (!s || addr_in(addr, len, &ip, &port))
        return -1;
    if (s->type == SOCK_DGRAM) {
        s->peer_ip = ip;
        s->peer_port = port;
        return udp_ready(s);
    }
    if (s->tcp) {
        errno = EISCONN;
        return -1;
    }
    int err = mote_tcp_connect(ip, port, s->sndtimeo, &s->tcp);
    if (err) {
        errno = -err;
        return -1;
    }
    mote_tcp_nodelay(s->tcp, s->nodelay);
    return 0;
}

/* The time left until deadline (ms since boot; UINT64_MAX: none), as a timeout. */
static uint32_t time_left(uint64_t deadline)
{
    uint64_t now = mote_uptime_ms();
    if (deadline == UINT64_MAX)
        return MOTE_FOREVER;
    return deadline > now ? (uint32_t)(deadline - now) : 0;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen)
{
    struct bsd_sock *s = sock_get(fd);
    if (!s)
        return -1;
    uint32_t t = flags & MSG_DONTWAIT ? 0 : s->sndtimeo;
    if (s->type == SOCK_DGRAM) {
        uint32_t ip = s->peer_ip;
        uint16_t port = s->peer_port;
        if ((to && addr_in(to, tolen, &ip, &port)) || udp_ready(s))
            return -1;
        if (!port) {
            errno = EDESTADDRREQ;
            return -1;
        }
        int err = mote_udp_sendto(s->udp, ip, port, buf, len);
        if (err == MOTE_ENETUNREACH && mote_net_start(t) == 0)
            err = mote_udp_sendto(s->udp, ip, port, buf, len);
        return err ? fail(err) : (ssize_t)len;
    }
    if (!s->tcp) {
        errno = ENOTCONN;
        return -1;
    }
    /* a blocking send queues everything (or what it can before the timeout), as Linux does */
    uint64_t deadline = t == MOTE_FOREVER ? UINT64_MAX : mote_uptime_ms() + t;
    size_t done = 0;
    int r = 0;
    while (done < len && (r = mote_tcp_send(s->tcp, (const uint8_t *)buf + done, len - done,
                                            time_left(deadline))) > 0)
        done += (size_t)r;
    return done || !len ? (ssize_t)done : fail(r);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    return sendto(fd, buf, len, flags, 0, 0);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                 socklen_t *fromlen)
{
    struct bsd_sock *s = sock_get(fd);
    uint32_t ip = 0;
    uint16_t port = 0;
    int r;
    if (!s)
        return -1;
    uint32_t t = flags & MSG_DONTWAIT ? 0 : s->rcvtimeo;
    if (s->type == SOCK_DGRAM) {
        if (udp_ready(s))
            return -1;
        r = mote_udp_recvfrom(s->udp, buf, len, &ip, &port, t);
    } else if (s->tcp) {
        r = mote_tcp_recv(s->tcp, buf, len, t);
        if (from)
            mote_tcp_addr(s->tcp, 0, 0, &ip, &port);
    } else {
        r = MOTE_ENOTCONN;
    }
    if (r < 0)
        return fail(r);
    addr_out(from, fromlen, ip, port);
    return r;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    return recvfrom(fd, buf, len, flags, 0, 0);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    struct bsd_sock *s = sock_get(fd);
    if (!s)
        return -1;
    if (!val) {
        errno = EFAULT;
        return -1;
    }
    if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO) &&
        len >= sizeof(struct timeval)) {
        const struct timeval *tv = val;
        if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
            errno = EDOM;
            return -1;
        }
        uint64_t ms = (uint64_t)tv->tv_sec * 1000 + ((uint64_t)tv->tv_usec + 999) / 1000;
        uint32_t t = ms == 0 || ms >= MOTE_FOREVER ? MOTE_FOREVER : (uint32_t)ms;   /* 0: none */
        *(name == SO_RCVTIMEO ? &s->rcvtimeo : &s->sndtimeo) = t;
        return 0;
    }
    if (level == SOL_SOCKET && name == SO_REUSEADDR)
        return 0;
    if (level == IPPROTO_TCP && name == TCP_NODELAY && s->type == SOCK_STREAM &&
        len >= sizeof(int)) {
        s->nodelay = *(const int *)val != 0;
        if (s->tcp)
            mote_tcp_nodelay(s->tcp, s->nodelay);
        return 0;
    }
    errno = ENOPROTOOPT;
    return -1;
}

int shutdown(int fd, int how)
{
    struct bsd_sock *s = sock_get(fd);
    if (!s)
        return -1;
    if (!s->tcp) {
        errno = ENOTCONN;
        return -1;
    }
    int err = how == SHUT_RD ? 0 : mote_tcp_shutdown(s->tcp);
    return err ? fail(err) : 0;
}

int close(int fd)
{
    struct bsd_sock *s = sock_get(fd);
    if (!s)
        return -1;
    if (s->tcp)
        mote_tcp_close(s->tcp);
    if (s->udp)
        mote_udp_close(s->udp);
    mote_mutex_lock(&table_lock);
    s->type = 0;
    mote_mutex_unlock(&table_lock);
    return 0;
}
