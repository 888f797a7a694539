/*
 * Fetch a page over HTTP/1.0 with the BSD socket calls (getaddrinfo,
 * socket, connect, send, recv, close) and print its status, size and
 * SHA-256. The server is the host's, reached through mote run's guestfwd:
 *
 *     python3 -m http.server 8080 --bind 127.0.0.1 &     # any server on the host
 *     mote run out/http-get.img --guestfwd 80:8080        # 10.0.2.100:80 is that server
 */
#include <errno.h>
#include <mote.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#define HOST "host.mote.internal"   /* 10.0.2.100: the host under mote run --guestfwd */
#define PATH "/"

static char buf[4096];

/* Where the header ends ("\r\n\r\n") in buf[0..n), or NULL. */
static char *header_end(size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if (!memcmp(buf + i, "\r\n\r\n", 4))
            return buf + i;
    return 0;
}

/* Open a TCP connection to host:port; the socket, or -1 with errno (EAI errors as ENOENT). */
static int dial(const char *host, const char *port)
{
    struct addrinfo hints = {0}, *ai;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int err = getaddrinfo(host, port, &hints, &ai);
    if (err) {
        printf("http-get: %s: %s\n", host, gai_strerror(err));
        errno = ENOENT;
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    struct timeval tv = {10, 0};    /* no call waits longer than 10 s */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen)) {
        int e = errno;
        close(fd);
        errno = e;
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

int app_main(void)
{
    int fd = dial(HOST, "80");
    if (fd < 0) {
        printf("http-get: cannot connect to %s: errno %d\n", HOST, errno);
        return 1;
    }
    int n = snprintf(buf, sizeof(buf), "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: mote\r\n\r\n",
                     PATH, HOST);
    if (send(fd, buf, (size_t)n, 0) != n) {
        printf("http-get: send: errno %d\n", errno);
        return 1;
    }
    /* read the header (up to its blank line), then hash the body as it comes */
    struct mote_sha256 sha;
    mote_sha256_init(&sha);
    size_t have = 0, body = 0;
    int status = 0, in_body = 0;
    ssize_t r;
    while ((r = recv(fd, buf + have, sizeof(buf) - 1 - have, 0)) > 0) {
        if (in_body) {
            mote_sha256_update(&sha, buf, (size_t)r);
            body += (size_t)r;
            continue;
        }
        have += (size_t)r;
        char *end = header_end(have);
        if (!end) {
            if (have == sizeof(buf) - 1)
                break;    /* a header this long is not one we read */
            continue;
        }
        status = strncmp(buf, "HTTP/1.", 7) ? 0 : (buf[9] - '0') * 100 + (buf[10] - '0') * 10 +
                                                       (buf[11] - '0');
        end += 4;
        body = have - (size_t)(end - buf);
        mote_sha256_update(&sha, end, body);
        in_body = 1;
        have = 0;
    }
    int err = r < 0 ? errno : 0;
    close(fd);
    if (!in_body || err) {
        printf("http-get: %s (errno %d)\n", in_body ? "the body did not arrive" : "no HTTP header",
               err);
        return 1;
    }
    uint8_t d[32];
    mote_sha256_final(&sha, d);
    printf("http-get: HTTP %d, %u bytes, sha256 ", status, (unsigned)body);
    for (int i = 0; i < 32; i++)
        printf("%02x", d[i]);
    printf("\n");
    return status == 200 ? 0 : 1;
}
