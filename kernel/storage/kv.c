/*
 * A small key-value store that survives a power cut at any byte and
 * spreads its writes over the whole area it is given. Pure logic over a
 * byte I/O interface (struct kv_io), host-tested by cutting writes at every
 * byte (test/storage/test_kv.c); mote_kv_* (kv_part.c) runs it on the
 * app's flash partition.
 *
 * The area is a ring of KV_SECTOR-byte sectors. A sector in use starts
 * with a header holding a sequence number; entries follow, appended one
 * after another. The sector with the highest number is the current one,
 * where writes go; the others hold older entries, and at least one sector
 * (the one after the current) is spare. A set or delete appends an entry
 * (a delete, a tombstone); the newest entry for a key wins, so a write torn
 * by a power cut (its CRC fails, and it ends the sector's entries) leaves
 * the previous value in place.
 *
 * When an entry does not fit, the spare becomes current, and the sector
 * after it, the oldest, is collected: its entries that are still the
 * newest for their key are copied into the new current sector (they fit:
 * they came from one sector), then its header is wiped, making it the
 * spare. A power cut during that leaves no spare after the current sector;
 * mounting sees that and finishes the collection (copies already made are
 * newer than their originals, so nothing is copied twice). Every entry's
 * CRC covers its sector's sequence number, so entries left behind in a
 * reused sector by an older generation never count.
 *
 * Layout (little-endian): sector header = magic "MKV1", seq, 0, CRC-32 of
 * the 12 bytes before it; entry = key length (1..KV_KEY_MAX), flags (bit 0:
 * deleted), value length, CRC-32 over (seq, those 4 bytes, key, value),
 * then the key and value, padded to 8 bytes.
 */
#include <mote.h>
#include <lib/lib.h>
#include "storage.h"

#define KV_MAGIC 0x31564b4du     /* "MKV1" */
#define HDR_SIZE 16u
#define ENTRY_HDR 8u
#define F_DELETED 0x1u
#define CHUNK 128u

struct entry {
    uint32_t pos;                /* offset in its sector */
    uint32_t size;               /* padded */
    uint8_t key_len, flags;
    uint16_t value_len;
    char key[KV_KEY_MAX + 1];
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t sector_off(uint32_t s, uint32_t pos)
{
    return (uint64_t)s * KV_SECTOR + pos;
}

static uint32_t entry_size(size_t key_len, size_t value_len)
{
    return (uint32_t)((ENTRY_HDR + key_len + value_len + 7) & ~(size_t)7);
}

/* 1 and *seq if sector s has a valid header, 0 if not, or an I/O error. */
static int header_read(const struct kv *kv, uint32_t s, uint32_t *seq)
{
    uint8_t h[HDR_SIZE];
    int err = kv->io.read(kv->io.ctx, sector_off(s, 0), h, sizeof h);
    if (err)
        return err;
    if (get32(h) != KV_MAGIC || get32(h + 12) != crc32(h, 12))
        return 0;
    *seq = get32(h + 4);
    return 1;
}

static int header_write(const struct kv *kv, uint32_t s, uint32_t seq)
{
    uint8_t h[HDR_SIZE] = { 0 };
    put32(h, KV_MAGIC);
    put32(h + 4, seq);
    put32(h + 12, crc32(h, 12));
    return kv->io.write(kv->io.ctx, sector_off(s, 0), h, sizeof h);
}

/* Wipe sector s's header: it becomes a spare. */
static int header_wipe(const struct kv *kv, uint32_t s)
{
    static const uint8_t zero[HDR_SIZE];
    return kv->io.write(kv->io.ctx, sector_off(s, 0), zero, sizeof zero);
}

/* The CRC an entry carries: over its sector's seq, its header's first 4 bytes, key, value. */
static uint32_t entry_crc_start(uint32_t seq, const uint8_t hdr4[4])
{
    uint8_t b[8];
    put32(b, seq);
    memcpy(b + 4, hdr4, 4);
    return crc32(b, sizeof b);
}

/*
 * Read the entry at `pos` of sector s (sequence `seq`) into *e. 1 if it is
 * a whole valid entry, 0 if the sector's entries end there, or an I/O error.
 */
static int entry_read(const struct kv *kv, uint32_t s, uint32_t seq, uint32_t pos, struct entry *e)
{
    uint8_t h[ENTRY_HDR];
    if (pos + ENTRY_HDR > KV_SECTOR)
        return 0;
    int err = kv->io.read(kv->io.ctx, sector_off(s, pos), h, sizeof h);
    if (err)
        return err;
    e->pos = pos;
    e->key_len = h[0];
    e->flags = h[1];
    e->value_len = (uint16_t)(h[2] | h[3] << 8);
    e->size = entry_size(e->key_len, e->value_len);
    if (e->key_len == 0 || e->key_len > KV_KEY_MAX || e->value_len > KV_VALUE_MAX ||
        (e->flags & ~F_DELETED) || pos + e->size > KV_SECTOR)
        return 0;
    uint32_t crc = entry_crc_start(seq, h);
    uint8_t chunk[CHUNK];
    uint32_t left = e->key_len + e->value_len, at = pos + ENTRY_HDR;
    for (int first = 1; left; first = 0) {
        uint32_t n = left < CHUNK ? left : CHUNK;
        if ((err = kv->io.read(kv->io.ctx, sector_off(s, at), chunk, n)))
            return err;
        if (first) {
            memcpy(e->key, chunk, e->key_len);   /* the key always fits the first chunk */
            e->key[e->key_len] = 0;
        }
        crc = crc32_update(crc, chunk, n);
        at += n;
        left -= n;
    }
    return crc == get32(h + 4) ? 1 : 0;
}

/* Where sector s's valid entries end (s has sequence seq), in *end. */
static int entries_end(const struct kv *kv, uint32_t s, uint32_t seq, uint32_t *end)
{
    struct entry e;
    uint32_t pos = HDR_SIZE;
    int r;
    while ((r = entry_read(kv, s, seq, pos, &e)) == 1)
        pos += e.size;
    *end = pos;
    return r < 0 ? r : 0;
}

/*
 * The newest entry for `key`: sectors from the current one back, in each
 * the last match. 1 and *at, *at_sector, *at_seq if found, 0 if not, or an
 * I/O error.
 */
static int lookup(const struct kv *kv, const char *key, size_t key_len, struct entry *at,
                  uint32_t *at_sector, uint32_t *at_seq)
{
    uint32_t s = kv->cur, seq = kv->seq;
    for (uint32_t n = 0; n < kv->sectors; n++) {
        if (n) {
            s = (s + kv->sectors - 1) % kv->sectors;
            uint32_t got;
            int r = header_read(kv, s, &got);
            if (r < 0)
                return r;
            if (!r || got != seq - 1)
                return 0;           /* the spare, or something older than the ring */
            seq = got;
        }
        struct entry e;
        int found = 0, r;
        for (uint32_t pos = HDR_SIZE; (r = entry_read(kv, s, seq, pos, &e)) == 1; pos += e.size) {
            if (e.key_len == key_len && !memcmp(e.key, key, key_len)) {
                *at = e;
                found = 1;
            }
        }
        if (r < 0)
            return r;
        if (found) {
            *at_sector = s;
            *at_seq = seq;
            return 1;
        }
    }
    return 0;
}

/* Copy the entry `e` of sector `from` (sequence from_seq) to the end of the current sector. */
static int entry_copy(struct kv *kv, uint32_t from, uint32_t from_seq, const struct entry *e)
{
    (void)from_seq;
    if (kv->wpos + e->size > KV_SECTOR)
        return MOTE_EIO;           /* cannot happen: one sector's live entries fit in another */
    uint8_t h[ENTRY_HDR];
    int err = kv->io.read(kv->io.ctx, sector_off(from, e->pos), h, sizeof h);
    if (err)
        return err;
    uint32_t crc = entry_crc_start(kv->seq, h);
    uint8_t chunk[CHUNK];
    uint32_t left = e->key_len + e->value_len, at = e->pos + ENTRY_HDR;
    while (left) {                 /* first the new CRC, over the same bytes */
        uint32_t n = left < CHUNK ? left : CHUNK;
        if ((err = kv->io.read(kv->io.ctx, sector_off(from, at), chunk, n)))
            return err;
        crc = crc32_update(crc, chunk, n);
        at += n;
        left -= n;
    }
    put32(h + 4, crc);
    /* body first, header last: a torn copy never reads as whole */
    left = e->size - ENTRY_HDR;
    at = e->pos + ENTRY_HDR;
    uint32_t to = kv->wpos + ENTRY_HDR;
    while (left) {
        uint32_t n = left < CHUNK ? left : CHUNK;
        if ((err = kv->io.read(kv->io.ctx, sector_off(from, at), chunk, n)) ||
            (err = kv->io.write(kv->io.ctx, sector_off(kv->cur, to), chunk, n)))
            return err;
        at += n;
        to += n;
        left -= n;
    }
    if ((err = kv->io.write(kv->io.ctx, sector_off(kv->cur, kv->wpos), h, sizeof h)))
        return err;
    kv->wpos += e->size;
    return 0;
}

/* Collect sector `old` (the oldest) into the current one, then make it the spare. */
static int collect(struct kv *kv, uint32_t old, uint32_t old_seq)
{
    struct entry e, newest;
    uint32_t ns, nseq;
    int r;
    for (uint32_t pos = HDR_SIZE; (r = entry_read(kv, old, old_seq, pos, &e)) == 1; pos += e.size) {
        if (e.flags & F_DELETED)
            continue;               /* nothing older than the oldest sector for it to hide */
        int f = lookup(kv, e.key, e.key_len, &newest, &ns, &nseq);
        if (f < 0)
            return f;
        if (f && ns == old && newest.pos == e.pos && (r = entry_copy(kv, old, old_seq, &e)))
            return r;
    }
    if (r < 0)
        return r;
    return header_wipe(kv, old);
}

/* The spare after the current sector becomes current; the oldest is collected. */
static int advance(struct kv *kv)
{
    uint32_t next = (kv->cur + 1) % kv->sectors, seq;
    int err = header_write(kv, next, kv->seq + 1);
    if (err)
        return err;
    kv->cur = next;
    kv->seq++;
    kv->wpos = HDR_SIZE;
    uint32_t after = (next + 1) % kv->sectors;
    int r = header_read(kv, after, &seq);
    if (r <= 0)
        return r;                  /* a spare already (or an I/O error) */
    return collect(kv, after, seq);
}

int kv_mount(struct kv *kv, const struct kv_io *io, uint32_t sectors)
{
    kv->io = *io;
    kv->sectors = sectors;
    kv->mounted = 0;
    if (sectors < 2)
        return MOTE_EINVAL;
    int found = 0, r;
    for (uint32_t s = 0; s < sectors; s++) {
        uint32_t seq;
        if ((r = header_read(kv, s, &seq)) < 0)
            return r;
        if (r && (!found || seq > kv->seq)) {
            kv->cur = s;
            kv->seq = seq;
            found = 1;
        }
    }
    if (!found) {                  /* blank: start in sector 0 */
        kv->cur = 0;
        kv->seq = 1;
        if ((r = header_write(kv, 0, 1)))
            return r;
    }
    if ((r = entries_end(kv, kv->cur, kv->seq, &kv->wpos)))
        return r;
    uint32_t after = (kv->cur + 1) % sectors, seq;
    if ((r = header_read(kv, after, &seq)) < 0)
        return r;
    if (r && (r = collect(kv, after, seq)))    /* a collection was cut short: finish it */
        return r;
    kv->mounted = 1;
    return 0;
}

static int key_ok(const char *key, size_t *len)
{
    if (!key)
        return 0;
    *len = strlen(key);
    return *len >= 1 && *len <= KV_KEY_MAX;
}

/* Append an entry to the current sector; the caller made room. */
static int entry_append(struct kv *kv, const char *key, size_t key_len, uint8_t flags,
                        const void *value, size_t len)
{
    uint8_t h[ENTRY_HDR] = { (uint8_t)key_len, flags, (uint8_t)len, (uint8_t)(len >> 8) };
    uint32_t crc = entry_crc_start(kv->seq, h);
    crc = crc32_update(crc, key, key_len);
    crc = crc32_update(crc, value, len);
    put32(h + 4, crc);
    uint64_t at = sector_off(kv->cur, kv->wpos);
    int err;
    /* key and value before the header: a cut leaves no header that could pass for a whole entry */
    if ((err = kv->io.write(kv->io.ctx, at + ENTRY_HDR, key, key_len)) ||
        (len && (err = kv->io.write(kv->io.ctx, at + ENTRY_HDR + key_len, value, len))) ||
        (err = kv->io.write(kv->io.ctx, at, h, sizeof h)))
        return err;
    kv->wpos += entry_size(key_len, len);
    return 0;
}

/* Append, advancing (and collecting) until the entry fits; MOTE_ENOSPC if it never does. */
static int entry_put(struct kv *kv, const char *key, size_t key_len, uint8_t flags,
                     const void *value, size_t len)
{
    uint32_t need = entry_size(key_len, len);
    for (uint32_t round = 0; round <= kv->sectors; round++) {
        if (kv->wpos + need <= KV_SECTOR)
            return entry_append(kv, key, key_len, flags, value, len);
        int err = advance(kv);
        if (err)
            return err;
    }
    return MOTE_ENOSPC;
}

/* 1 if the entry's value is exactly value[0..len). */
static int same_value(const struct kv *kv, uint32_t s, const struct entry *e, const void *value, size_t len)
{
    if (e->value_len != len || (e->flags & F_DELETED))
        return 0;
    uint8_t chunk[CHUNK];
    for (size_t done = 0; done < len;) {
        size_t n = len - done < CHUNK ? len - done : CHUNK;
        if (kv->io.read(kv->io.ctx, sector_off(s, e->pos + ENTRY_HDR + e->key_len + (uint32_t)done),
                        chunk, n) || memcmp(chunk, (const uint8_t *)value + done, n))
            return 0;
        done += n;
    }
    return 1;
}

int kv_set(struct kv *kv, const char *key, const void *value, size_t len)
{
    size_t key_len;
    if (!kv->mounted)
        return MOTE_EINVAL;
    if (!key_ok(key, &key_len) || len > KV_VALUE_MAX || (len && !value))
        return MOTE_EINVAL;
    struct entry e;
    uint32_t s, seq;
    int r = lookup(kv, key, key_len, &e, &s, &seq);
    if (r < 0)
        return r;
    if (r && same_value(kv, s, &e, value, len))
        return 0;                  /* unchanged: no wear */
    return entry_put(kv, key, key_len, 0, value, len);
}

int kv_get(struct kv *kv, const char *key, void *buf, size_t size)
{
    size_t key_len;
    if (!kv->mounted)
        return MOTE_EINVAL;
    if (!key_ok(key, &key_len) || (size && !buf))
        return MOTE_EINVAL;
    struct entry e;
    uint32_t s, seq;
    int r = lookup(kv, key, key_len, &e, &s, &seq);
    if (r <= 0)
        return r ? r : MOTE_ENOENT;
    if (e.flags & F_DELETED)
        return MOTE_ENOENT;
    size_t n = e.value_len < size ? e.value_len : size;
    if (n && (r = kv->io.read(kv->io.ctx, sector_off(s, e.pos + ENTRY_HDR + e.key_len), buf, n)))
        return r;
    return e.value_len;
}

int kv_delete(struct kv *kv, const char *key)
{
    size_t key_len;
    if (!kv->mounted)
        return MOTE_EINVAL;
    if (!key_ok(key, &key_len))
        return MOTE_EINVAL;
    struct entry e;
    uint32_t s, seq;
    int r = lookup(kv, key, key_len, &e, &s, &seq);
    if (r < 0)
        return r;
    if (!r || (e.flags & F_DELETED))
        return MOTE_ENOENT;
    return entry_put(kv, key, key_len, F_DELETED, 0, 0);
}
