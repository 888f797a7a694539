/* stdlib.h's small pieces, errno, assert and the "C" locale. */
#include <libc/libc.h>
#include <stdint.h>
#include <libc/errno.h>
#include <libc/inttypes.h>
#include <libc/stdlib.h>

#ifdef HOST_TEST
/* On the device each thread has its own errno (core/thread.c); the host tests have one. */
static int errno_value;

int *__errno_location(void)
{
    return &errno_value;
}
#else
/* newlib's libm (libc/newlib-libm.sh) reaches errno through __errno(). */
int *__errno(void)
{
    return __errno_location();
}
#endif

int abs(int v) { return v < 0 ? -v : v; }
long labs(long v) { return v < 0 ? -v : v; }
long long llabs(long long v) { return v < 0 ? -v : v; }
intmax_t imaxabs(intmax_t v) { return v < 0 ? -v : v; }

div_t div(int num, int den) { return (div_t){ num / den, num % den }; }
ldiv_t ldiv(long num, long den) { return (ldiv_t){ num / den, num % den }; }
lldiv_t lldiv(long long num, long long den) { return (lldiv_t){ num / den, num % den }; }
imaxdiv_t imaxdiv(intmax_t num, intmax_t den) { return (imaxdiv_t){ num / den, num % den }; }

static uint64_t rand_state = 1;

/* A 64-bit LCG (Knuth's MMIX constants); the top 31 bits. */
int rand(void)
{
    rand_state = rand_state * 6364136223846793005ull + 1442695040888963407ull;
    return (int)(rand_state >> 33);
}

void srand(unsigned seed)
{
    rand_state = seed;
}
