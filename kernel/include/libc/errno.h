/*
 * errno.h - error numbers for the C library and the BSD socket calls. Each thread has
 * its own errno. The values are Linux's, and the same as mote.h's MOTE_E* codes negated
 * (MOTE_ETIMEDOUT is -ETIMEDOUT). Mote's own calls return MOTE_E* codes instead.
 */
#ifndef LIBC_ERRNO_H
#define LIBC_ERRNO_H

int *__errno_location(void);
#define errno (*__errno_location())

#define EPERM           1
#define ENOENT          2
#define EINTR           4
#define EIO             5
#define EBADF           9
#define EAGAIN          11
#define ENOMEM          12
#define EACCES          13
#define EFAULT          14
#define EBUSY           16
#define EEXIST          17
#define ENODEV          19
#define EINVAL          22
#define EMFILE          24
#define ENOSPC          28
#define EPIPE           32
#define EDOM            33
#define ERANGE          34
#define ENOSYS          38
#define EOVERFLOW       75
#define EILSEQ          84
#define ENOTSOCK        88
#define EDESTADDRREQ    89
#define EMSGSIZE        90
#define EPROTOTYPE      91
#define ENOPROTOOPT     92
#define EPROTONOSUPPORT 93
#define EOPNOTSUPP      95
#define EAFNOSUPPORT    97
#define EADDRINUSE      98
#define EADDRNOTAVAIL   99
#define ENETDOWN        100
#define ENETUNREACH     101
#define ECONNABORTED    103
#define ECONNRESET      104
#define EISCONN         106
#define ENOTCONN        107
#define ETIMEDOUT       110
#define ECONNREFUSED    111
#define EHOSTUNREACH    113
#define EALREADY        114
#define EINPROGRESS     115
#define EWOULDBLOCK     EAGAIN

#endif
