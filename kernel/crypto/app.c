/*
 * The app API's crypto (mote.h): SHA-256 for apps, the kernel's own
 * (sha256.c) under the struct apps see, which has the same layout.
 */
#include <stddef.h>
#include <mote.h>
#include "crypto.h"

_Static_assert(sizeof(struct mote_sha256) == sizeof(struct sha256_ctx) &&
               offsetof(struct mote_sha256, bytes) == offsetof(struct sha256_ctx, bytes) &&
               offsetof(struct mote_sha256, buf) == offsetof(struct sha256_ctx, buf),
               "struct mote_sha256 is struct sha256_ctx");

void mote_sha256_init(struct mote_sha256 *s)
{
    sha256_init((struct sha256_ctx *)s);
}

void mote_sha256_update(struct mote_sha256 *s, const void *data, size_t len)
{
    sha256_update((struct sha256_ctx *)s, data, len);
}

void mote_sha256_final(struct mote_sha256 *s, uint8_t digest[32])
{
    sha256_final((struct sha256_ctx *)s, digest);
}
