/* errno.h: one errno for the whole app (not per thread: check it right after the call). */
#ifndef LIBC_ERRNO_H
#define LIBC_ERRNO_H

int *__errno(void);
#define errno (*__errno())

/* Linux's numbers, the same as the MOTE_E* codes negated. */
#define EPERM    1
#define ENOENT   2
#define EIO      5
#define EBADF    9
#define EAGAIN   11
#define ENOMEM   12
#define EACCES   13
#define EFAULT   14
#define EBUSY    16
#define EEXIST   17
#define ENODEV   19
#define EINVAL   22
#define ENOSPC   28
#define EDOM     33
#define ERANGE   34
#define ENOSYS   38
#define EILSEQ   84
#define EOVERFLOW 75
#define ETIMEDOUT 110

#endif
