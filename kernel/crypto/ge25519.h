/*
 * Points of the Ed25519 curve for ed25519.c, in extended coordinates
 * (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z, and the precomputed multiples of
 * the base point B that verification adds (ge25519_base.c).
 */
#ifndef GE25519_H
#define GE25519_H

#include "fe25519.h"

struct ge {
    struct fe25519 x, y, z, t;
};

/* A point ready to be added: (Y+X, Y-X, 2Z, 2dT). */
struct ge_cached {
    struct fe25519 ypx, ymx, z2, t2d;
};

/* [i + 1]B for i = 0..7, each with Z = 1 and canonical limbs. */
extern const struct ge_cached ge25519_base[8];

/* The same table, computed from B's encoding (the host test compares the two). */
void ge25519_base_compute(struct ge_cached tab[8]);

#endif
