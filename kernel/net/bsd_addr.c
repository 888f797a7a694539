/*
 * bsd_addr.c - addresses for the BSD socket calls: inet_pton, inet_ntop,
 * inet_addr (<arpa/inet.h>) and getaddrinfo (<netdb.h>) over
 * mote_dns_resolve.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include "netif.h"

#define GAI_TIMEOUT_MS 5000

int inet_pton(int af, const char *src, void *dst)
{
    uint32_t ip;
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    if (!inet_parse_ip4(src, &ip))
        return 0;
    ((struct in_addr *)dst)->s_addr = htonl(ip);
    return 1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return 0;
    }
    uint32_t ip = ntohl(((const struct in_addr *)src)->s_addr);
    if (snprintf(dst, size, "%u.%u.%u.%u", MOTE_IP4_ARGS(ip)) >= (int)size) {
        errno = ENOSPC;
        return 0;
    }
    return dst;
}

in_addr_t inet_addr(const char *cp)
{
    uint32_t ip;
    return inet_parse_ip4(cp, &ip) ? htonl(ip) : INADDR_NONE;
}

/* A port number "0".."65535"; -1 if service is anything else. */
static int parse_port(const char *service)
{
    long v = 0;
    if (!service)
        return 0;
    if (!*service)
        return -1;
    for (const char *p = service; *p; p++) {
        if (*p < '0' || *p > '9' || (v = v * 10 + (*p - '0')) > 65535)
            return -1;
    }
    return (int)v;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    struct addrinfo h = {0};
    uint32_t ip;
    if (hints)
        h = *hints;
    if (h.ai_family != AF_UNSPEC && h.ai_family != AF_INET)
        return EAI_FAMILY;
    if (h.ai_socktype != 0 && h.ai_socktype != SOCK_STREAM && h.ai_socktype != SOCK_DGRAM)
        return EAI_SOCKTYPE;
    int port = parse_port(service);
    if (port < 0)
        return EAI_SERVICE;
    if (!node) {
        ip = h.ai_flags & AI_PASSIVE ? INADDR_ANY : INADDR_LOOPBACK;
    } else if (!inet_parse_ip4(node, &ip)) {
        if (h.ai_flags & AI_NUMERICHOST)
            return EAI_NONAME;
        int err = mote_dns_resolve(node, &ip, GAI_TIMEOUT_MS);
        if (err)
            return err == MOTE_ENOENT ? EAI_NONAME : err == MOTE_ETIMEDOUT ? EAI_AGAIN : EAI_FAIL;
    }
    /* one block: the addrinfo, then its address */
    struct addrinfo *ai = calloc(1, sizeof(*ai) + sizeof(struct sockaddr_in));
    if (!ai)
        return EAI_MEMORY;
    struct sockaddr_in *in = (struct sockaddr_in *)(ai + 1);
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    in->sin_addr.s_addr = htonl(ip);
    ai->ai_family = AF_INET;
    ai->ai_socktype = h.ai_socktype ? h.ai_socktype : SOCK_STREAM;
    ai->ai_protocol = ai->ai_socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    ai->ai_addrlen = sizeof(*in);
    ai->ai_addr = (struct sockaddr *)in;
    *res = ai;
    return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
    while (res) {
        struct addrinfo *next = res->ai_next;
        free(res);
        res = next;
    }
}

const char *gai_strerror(int code)
{
    switch (code) {
    case 0: return "success";
    case EAI_NONAME: return "name does not resolve";
    case EAI_AGAIN: return "no answer from the name server: try again";
    case EAI_FAIL: return "name resolution failed (no network or name server)";
    case EAI_FAMILY: return "address family not supported";
    case EAI_SOCKTYPE: return "socket type not supported";
    case EAI_SERVICE: return "service is not a port number";
    case EAI_MEMORY: return "out of memory";
    default: return "unknown getaddrinfo error";
    }
}
