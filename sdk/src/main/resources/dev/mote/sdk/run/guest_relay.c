/*
 * mote's native guestfwd relay (docs/networking.md, "The relay and Nagle"): QEMU starts it for
 * each TCP connection the device opens to a guestfwd address, with the connection as stdin,
 * stdout and stderr, and it carries the bytes to and from HOST PORT (its two arguments). The
 * SDK compiles it with the host's clang on first use and keeps the binary in its cache
 * (dev.mote.sdk.run.NativeRelay); it does what dev.mote.sdk.run.GuestRelay does, without a
 * JVM's start-up, and what socat does, plus the one thing socat cannot: TCP_QUICKACK on the
 * device's socket after every read. libslirp's end of that loopback pair keeps Nagle on, so a
 * device's small write behind an unacknowledged one waited for this end's delayed ACK (40 ms).
 *
 * Ends like socat -t 30 with shut-close: the device's half-close reaches the host service, whose
 * answer may take 30 s more; the service's end closes the device's connection at once (exit).
 * Nothing is ever written to stderr: it is the device's connection too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER 65536
#define LINGER_S 30   /* after the device's half-close, how long the service may take */

static int host = -1;

static void quick_ack(int fd)
{
#ifdef TCP_QUICKACK
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
#else
    (void)fd;
#endif
}

static void no_delay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* All of buf to fd; 0, or -1 when fd is gone. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Device to host, until the device's end: then half-close the host side and give it LINGER_S. */
static void *upstream(void *arg)
{
    static char buf[BUFFER];
    (void)arg;
    for (;;) {
        ssize_t n = read(0, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        quick_ack(0);   /* Linux forgets it: set again after every read */
        if (write_all(host, buf, (size_t)n))
            _exit(0);
    }
    shutdown(host, SHUT_WR);
    alarm(LINGER_S);    /* SIGALRM's default action ends the relay */
    return NULL;
}

/* A TCP connection to host:port with TCP_NODELAY, or -1. */
static int dial(const char *name, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *ai, *p;
    int fd = -1;
    if (getaddrinfo(name, port, &hints, &ai))
        return -1;
    for (p = ai; p && fd < 0; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype, p->ai_protocol);
        if (fd >= 0 && connect(fd, p->ai_addr, p->ai_addrlen)) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(ai);
    if (fd >= 0)
        no_delay(fd);
    return fd;
}

int main(int argc, char **argv)
{
    static char buf[BUFFER];
    pthread_t up;
    if (argc != 3)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    host = dial(argv[1], argv[2]);
    if (host < 0)
        return 1;       /* QEMU closes the device's connection */
    no_delay(1);        /* a pipe or a terminal when run by hand: then these do nothing */
    quick_ack(0);
    if (pthread_create(&up, NULL, upstream, NULL))
        return 1;
    for (;;) {
        ssize_t n = read(host, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || write_all(1, buf, (size_t)n))
            break;
        quick_ack(host);
    }
    _exit(0);
}
