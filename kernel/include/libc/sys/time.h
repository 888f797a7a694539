/* sys/time.h - struct timeval, as SO_RCVTIMEO / SO_SNDTIMEO take it (<sys/socket.h>). */
#ifndef _SYS_TIME_H
#define _SYS_TIME_H

struct timeval {
    long tv_sec;
    long tv_usec;
};

#endif
