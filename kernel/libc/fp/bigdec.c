/* bigdec.h: binary numbers held exactly in decimal, for printf's floats and strtod. */
#include <libc/libc.h>
#include <stdint.h>
#include "bigdec.h"

#define LIMB 1000000000u

static void mul(struct bigdec *b, uint32_t factor)
{
    uint64_t carry = 0;
    for (int i = 0; i < b->n; i++) {
        uint64_t x = (uint64_t)b->limb[i] * factor + carry;
        b->limb[i] = (uint32_t)(x % LIMB);
        carry = x / LIMB;
    }
    while (carry && b->n < BIGDEC_LIMBS) {
        b->limb[b->n++] = (uint32_t)(carry % LIMB);
        carry /= LIMB;
    }
}

static const uint32_t pow10_u32[10] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                        100000000, 1000000000 };

int bigdec_digit(const struct bigdec *b, int j)
{
    if (j < 0 || j / 9 >= b->n)
        return 0;
    return (int)(b->limb[j / 9] / pow10_u32[j % 9] % 10);
}

int bigdec_digits(const struct bigdec *b)
{
    int top = b->limb[b->n - 1], d = 1;
    while (d < 9 && (uint32_t)top >= pow10_u32[d])
        d++;
    return (b->n - 1) * 9 + d;
}

/* Add 10^j to D. */
static void add_pow10(struct bigdec *b, int j)
{
    int i = j / 9;
    uint32_t add = pow10_u32[j % 9];
    while (i >= b->n && b->n < BIGDEC_LIMBS)
        b->limb[b->n++] = 0;
    for (; i < b->n && add; i++) {
        uint32_t x = b->limb[i] + add;
        b->limb[i] = x % LIMB;
        add = x / LIMB;
    }
    if (add && b->n < BIGDEC_LIMBS)
        b->limb[b->n++] = add;
}

void bigdec_round(struct bigdec *b, int j)
{
    if (j <= 0)
        return;
    int first = bigdec_digit(b, j - 1);
    int up = first > 5;
    if (first == 5) {
        int rest = 0;
        for (int i = j - 2; i >= 0 && !rest; i--)
            rest = bigdec_digit(b, i) != 0;
        up = rest || (bigdec_digit(b, j) & 1);
    }
    if (up)
        add_pow10(b, j);
}

void bigdec_set(struct bigdec *b, uint64_t mant, int e2, int *k)
{
    b->limb[0] = (uint32_t)(mant % LIMB);
    b->limb[1] = (uint32_t)(mant / LIMB % LIMB);
    b->limb[2] = (uint32_t)(mant / LIMB / LIMB);
    b->n = b->limb[2] ? 3 : b->limb[1] ? 2 : 1;
    *k = 0;
    while (e2 > 0) {
        int s = e2 < 29 ? e2 : 29;
        mul(b, 1u << s);
        e2 -= s;
    }
    while (e2 < 0) {   /* v * 10^k = mant * 5^k when k = -e2 */
        int s = -e2 < 13 ? -e2 : 13;
        uint32_t p = 1;
        for (int i = 0; i < s; i++)
            p *= 5;
        mul(b, p);
        *k += s;
        e2 += s;
    }
}

