/*
 * The exit test app (NetworkBootTest.dataSentJustBeforeExitArrives): the
 * test connects to port 8080 (hostfwd) and runs a service on the host
 * (guestfwd host.mote.internal:7777); the app sends to both and returns
 * from app_main at once, the first connection closed, the second left
 * open. Everything sent must still arrive: a clean exit waits (boundedly)
 * for the peers to acknowledge it.
 */
#include <errno.h>
#include <mote.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

static uint8_t buf[196608];

/* Accept one connection on port 8080; the socket or -1. */
static int accept_one(void)
{
    struct sockaddr_in addr = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(8080);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 1))
        return -1;
    puts("net-exit: listening");
    int c = accept(fd, 0, 0);
    close(fd);
    return c;
}

/* Connect to the host's service through guestfwd; the socket or -1. */
static int connect_host(void)
{
    struct addrinfo hints = {0}, *ai;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo("host.mote.internal", "7777", &hints, &ai))
        return -1;
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    return r ? -1 : fd;
}

int app_main(void)
{
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7 % 251);
    if (mote_net_start(10000))
        return 2;
    int a = connect_host(), b = a < 0 ? -1 : accept_one();
    if (a < 0 || b < 0) {
        printf("net-exit: no connection: errno %d\n", errno);
        return 1;
    }
    puts("net-exit: sending");
    if (send(a, buf, 65536, 0) != 65536 || send(b, buf, sizeof buf, 0) != (ssize_t)sizeof buf) {
        printf("net-exit: send failed: errno %d\n", errno);
        return 1;
    }
    close(b);
    return 0;
}
