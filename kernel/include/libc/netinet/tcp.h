/* netinet/tcp.h - TCP socket options: setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one). */
#ifndef _NETINET_TCP_H
#define _NETINET_TCP_H

#define TCP_NODELAY 1

#endif
