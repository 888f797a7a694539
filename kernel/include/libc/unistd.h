/* unistd.h - what Mote has of it: close() for sockets (<sys/socket.h>). */
#ifndef _UNISTD_H
#define _UNISTD_H

/* Close a socket: 0, or -1 with errno (EBADF). */
int close(int fd);

#endif
