/* The C library under test, by the mote_* names libc/libc.h gives it on the host. */
#ifndef TEST_MOTE_LIBC_H
#define TEST_MOTE_LIBC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

int *mote___errno(void);
int mote_isalnum(int), mote_isalpha(int), mote_isblank(int), mote_iscntrl(int), mote_isdigit(int),
    mote_isgraph(int), mote_islower(int), mote_isprint(int), mote_ispunct(int), mote_isspace(int),
    mote_isupper(int), mote_isxdigit(int), mote_tolower(int), mote_toupper(int);
void *mote_memchr(const void *s, int c, size_t n);
size_t mote_strnlen(const char *s, size_t max);
int mote_strcoll(const char *a, const char *b);
char *mote_strcpy(char *d, const char *s);
char *mote_strcat(char *d, const char *s);
char *mote_strncat(char *d, const char *s, size_t n);
char *mote_strrchr(const char *s, int c);
char *mote_strstr(const char *h, const char *n);
size_t mote_strspn(const char *s, const char *a);
size_t mote_strcspn(const char *s, const char *r);
char *mote_strpbrk(const char *s, const char *a);
char *mote_strtok(char *s, const char *d);
char *mote_strtok_r(char *s, const char *d, char **save);
char *mote_strdup(const char *s);
char *mote_strndup(const char *s, size_t n);
char *mote_strerror(int e);
int mote_strcasecmp(const char *a, const char *b);
int mote_strncasecmp(const char *a, const char *b, size_t n);
long mote_strtol(const char *s, char **end, int base);
unsigned long mote_strtoul(const char *s, char **end, int base);
long long mote_strtoll(const char *s, char **end, int base);
unsigned long long mote_strtoull(const char *s, char **end, int base);
intmax_t mote_strtoimax(const char *s, char **end, int base);
uintmax_t mote_strtoumax(const char *s, char **end, int base);
int mote_atoi(const char *s);
long mote_atol(const char *s);
long long mote_atoll(const char *s);
int mote_abs(int v);
long mote_labs(long v);
long long mote_llabs(long long v);
void mote_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *mote_bsearch(const void *key, const void *base, size_t n, size_t size,
                   int (*cmp)(const void *, const void *));
int mote_rand(void);
void mote_srand(unsigned seed);
int mote_sscanf(const char *s, const char *fmt, ...);
double mote_strtod(const char *s, char **end);
float mote_strtof(const char *s, char **end);
double mote_atof(const char *s);
long double mote_strtold(const char *s, char **end);
int k_snprintf(char *buf, size_t size, const char *fmt, ...);
int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#define mote_errno (*mote___errno())

#endif
