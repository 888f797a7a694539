/* stdlib.h: memory, numbers from text, sorting, searching, exit. */
#ifndef LIBC_STDLIB_H
#define LIBC_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fffffff
#define MB_CUR_MAX 1

typedef struct { int quot, rem; } div_t;
typedef struct { long quot, rem; } ldiv_t;
typedef struct { long long quot, rem; } lldiv_t;

/* The kernel's heap (docs/device-api.md, "memory"). */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

int abs(int v);
long labs(long v);
long long llabs(long long v);
div_t div(int num, int den);
ldiv_t ldiv(long num, long den);
lldiv_t lldiv(long long num, long long den);

/*
 * C's rules: leading space, a sign, base 0 = prefix decides (0x, 0), *end past the last digit
 * used (or s if none), ERANGE and the limit on overflow.
 */
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);
/* Decimal and hex floats, inf, nan; correctly rounded. Needs FP. */
double strtod(const char *s, char **end);
float strtof(const char *s, char **end);
long double strtold(const char *s, char **end);   /* as precise as strtod */
double atof(const char *s);

/* Heapsort: O(n log n) at worst, no recursion, no allocation; not stable. */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

/* A pseudo-random sequence (not for keys: docs/device-api.md names the kernel's CSPRNG). */
int rand(void);
void srand(unsigned seed);

/* exit(code) powers off with that exit code; abort() panics ("abort() called"). */
__attribute__((noreturn)) void exit(int code);
__attribute__((noreturn)) void abort(void);
/* No environment on a device: always NULL. */
char *getenv(const char *name);

#endif
