/* arpa/inet.h - IPv4 addresses as text. */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H

#include <netinet/in.h>

/* "a.b.c.d" to *(struct in_addr *)dst: 1, 0 if src is not one, -1 (EAFNOSUPPORT) unless AF_INET. */
int inet_pton(int af, const char *src, void *dst);
/* The text of the address at src (size >= INET_ADDRSTRLEN): dst, or NULL with errno. */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
/* "a.b.c.d" in network order, or INADDR_NONE. */
in_addr_t inet_addr(const char *cp);

#endif
