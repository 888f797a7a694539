/* sys/types.h - the POSIX types the socket headers use (a minimal set). */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef long ssize_t;

#endif
