/*
 * netdb.h - names to addresses: getaddrinfo() with IPv4 answers (one per
 * call), from a dotted quad, "host.mote.internal" or the DNS server
 * (mote_dns_resolve, 5 s at most). Services are port numbers ("80").
 */
#ifndef _NETDB_H
#define _NETDB_H

#include <sys/socket.h>
#include <netinet/in.h>

struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    socklen_t ai_addrlen;
    struct sockaddr *ai_addr;
    char *ai_canonname;
    struct addrinfo *ai_next;
};

#define AI_PASSIVE 0x01         /* node NULL: INADDR_ANY (else the loopback address) */
#define AI_NUMERICHOST 0x04     /* node must be a dotted quad */
#define AI_NUMERICSERV 0x400

#define EAI_NONAME (-2)         /* no such name */
#define EAI_AGAIN (-3)          /* no answer in time: try again */
#define EAI_FAIL (-4)           /* the name server failed, or there is no network */
#define EAI_FAMILY (-6)
#define EAI_SOCKTYPE (-7)
#define EAI_SERVICE (-8)        /* not a port number */
#define EAI_MEMORY (-10)

/* 0 and *res (free with freeaddrinfo), or an EAI_* code. */
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res);
void freeaddrinfo(struct addrinfo *res);
const char *gai_strerror(int code);

#endif
