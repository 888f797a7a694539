/*
 * libc/: the C library for apps (headers in include/libc/, README there). Private helpers
 * shared by its files. On the host (HOST_TEST) every function here is renamed mote_*, so the
 * unit tests can call ours and the host's side by side (test/libc/).
 */
#ifndef LIBC_LIBC_H
#define LIBC_LIBC_H

#ifdef HOST_TEST
#define __errno_location mote___errno
#define isalnum mote_isalnum
#define isalpha mote_isalpha
#define isblank mote_isblank
#define iscntrl mote_iscntrl
#define isdigit mote_isdigit
#define isgraph mote_isgraph
#define islower mote_islower
#define isprint mote_isprint
#define ispunct mote_ispunct
#define isspace mote_isspace
#define isupper mote_isupper
#define isxdigit mote_isxdigit
#define tolower mote_tolower
#define toupper mote_toupper
#define memchr mote_memchr
#define strnlen mote_strnlen
#define strcoll mote_strcoll
#define strcpy mote_strcpy
#define strcat mote_strcat
#define strncat mote_strncat
#define strrchr mote_strrchr
#define strstr mote_strstr
#define strspn mote_strspn
#define strcspn mote_strcspn
#define strpbrk mote_strpbrk
#define strtok mote_strtok
#define strtok_r mote_strtok_r
#define strdup mote_strdup
#define strndup mote_strndup
#define strerror mote_strerror
#define strcasecmp mote_strcasecmp
#define strncasecmp mote_strncasecmp
#define strtol mote_strtol
#define strtoul mote_strtoul
#define strtoll mote_strtoll
#define strtoull mote_strtoull
#define strtoimax mote_strtoimax
#define strtoumax mote_strtoumax
#define atoi mote_atoi
#define atol mote_atol
#define atoll mote_atoll
#define abs mote_abs
#define labs mote_labs
#define llabs mote_llabs
#define div mote_div
#define ldiv mote_ldiv
#define lldiv mote_lldiv
#define imaxabs mote_imaxabs
#define imaxdiv mote_imaxdiv
#define qsort mote_qsort
#define bsearch mote_bsearch
#define rand mote_rand
#define srand mote_srand
#define sscanf mote_sscanf
#define vsscanf mote_vsscanf
#define strtod mote_strtod
#define strtof mote_strtof
#define strtold mote_strtold
#define atof mote_atof
#endif

/*
 * fp/strtod.c, for sscanf's %f (scanf.c is built without FP registers): convert at most
 * `width` characters at s (0: any) into *dst as a float (size 0), double (1) or long double
 * (2); dst NULL stores nothing. Returns the characters used, 0 if they form no number.
 */
int scan_float(const char *s, int width, void *dst, int size);

#endif
