/*
 * sys/socket.h - the common BSD socket calls, for IPv4 TCP and UDP, on top
 * of mote/net.h (docs/device-api.md, "BSD sockets"). Failures return -1
 * and set errno (<errno.h>). What differs from a POSIX system:
 *   - the first socket() starts networking (DHCP) without waiting for it;
 *     connect() and sendto() wait for the address within their timeout;
 *   - timeouts: SO_RCVTIMEO / SO_SNDTIMEO (struct timeval, <sys/time.h>)
 *     bound every blocking call, connect() and accept() included (accept
 *     uses the receive timeout, connect the send one); expiry is EAGAIN
 *     (connect: ETIMEDOUT). MSG_DONTWAIT makes one call non-blocking;
 *   - a blocking send() queues everything before it returns (or what it
 *     could before the timeout); recv() returns what has arrived;
 *   - no SOCK_NONBLOCK, poll/select, IPv6, raw sockets or signals (SIGPIPE
 *     never happens: sending on a closed connection is EPIPE).
 * Socket descriptors are small ints from 3 up; close() is in <unistd.h>.
 */
#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/time.h>

typedef uint32_t socklen_t;
typedef uint16_t sa_family_t;

struct sockaddr {
    sa_family_t sa_family;
    char sa_data[14];
};

struct sockaddr_storage {
    sa_family_t ss_family;
    char ss_pad[6];
    uint64_t ss_align[15];
};

#define AF_UNSPEC 0
#define AF_INET 2
#define PF_INET AF_INET
#define SOCK_STREAM 1
#define SOCK_DGRAM 2

#define SOL_SOCKET 1
#define SO_REUSEADDR 2      /* accepted; ports are always reusable */
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21

#define MSG_DONTWAIT 0x40
#define MSG_NOSIGNAL 0x4000 /* accepted; there are no signals */

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                 socklen_t *fromlen);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int shutdown(int fd, int how);

#endif
