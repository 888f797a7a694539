/* locale.h: only the "C" locale; libraries ask it for the decimal point. */
#ifndef LIBC_LOCALE_H
#define LIBC_LOCALE_H

#include <stddef.h>

#define LC_ALL 0
#define LC_COLLATE 1
#define LC_CTYPE 2
#define LC_MONETARY 3
#define LC_NUMERIC 4
#define LC_TIME 5

struct lconv {
    char *decimal_point, *thousands_sep, *grouping;
};
/* "C" (or NULL for any other name). */
char *setlocale(int category, const char *name);
struct lconv *localeconv(void);

#endif
