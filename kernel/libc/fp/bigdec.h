/*
 * bigdec: a binary number mant * 2^e2 held exactly in decimal, as D = mant * 5^k (or
 * mant << e2) in base-10^9 limbs, with k = max(0, -e2) digits after the point. printf's float
 * formatter reads its digits (fmt_float.c); strtod compares against one to round exactly
 * (strtod.c). Built with the FP files, though it uses no FP.
 */
#ifndef LIBC_FP_BIGDEC_H
#define LIBC_FP_BIGDEC_H

#include <stdint.h>

#define BIGDEC_LIMBS 90   /* 2^54 * 5^1075 has 770 digits: 86 limbs */

struct bigdec {
    uint32_t limb[BIGDEC_LIMBS];   /* little-endian, base 10^9 */
    int n;                         /* limbs in use (>= 1) */
};

/* b = mant * 2^e2 * 10^k exactly (mant < 10^27); *k = max(0, -e2). */
void bigdec_set(struct bigdec *b, uint64_t mant, int e2, int *k);
/* Decimal digit j of D counting from the right (0 = units); 0 beyond either end. */
int bigdec_digit(const struct bigdec *b, int j);
/* Number of decimal digits of D (1 for zero). */
int bigdec_digits(const struct bigdec *b);
/* Round D to a multiple of 10^j, half to even (the dropped digits are left, unread). */
void bigdec_round(struct bigdec *b, int j);

#endif
