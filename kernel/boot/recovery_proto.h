/*
 * The flasher recovery protocol's codec (docs/flasher-protocol.md): frames
 * on a byte link (UART, USB CDC-ACM, a TCP serial server) between the
 * host's flasher and the bootloader's recovery mode.
 *
 * A frame is 8 header bytes, a payload and a CRC-32, COBS-encoded and
 * wrapped in 0x00 delimiters. Pure logic, no I/O and no allocation: the
 * caller owns every buffer, so the bootloader can poll a UART with one
 * fixed receive buffer before anything else runs. The host's twin is
 * dev.mote.flasher.protocol (Java); both are held to the same golden
 * vectors (kernel/test/boot/test_recovery_proto.c, FrameEncoderTest).
 */
#ifndef RECOVERY_PROTO_H
#define RECOVERY_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define RPROTO_VERSION 1
#define RPROTO_MAGIC 0x5643524du      /* "MRCV": the arg of HELLO and INFO */
#define RPROTO_HEADER_SIZE 8          /* type, flags, length (u16), arg (u32) */
#define RPROTO_CRC_SIZE 4
#define RPROTO_RAW_OVERHEAD (RPROTO_HEADER_SIZE + RPROTO_CRC_SIZE)
#define RPROTO_MIN_PAYLOAD 256        /* smallest max_payload a device may announce (BEGIN) */
#define RPROTO_MAX_PAYLOAD 4096       /* largest max_payload a device may announce */
#define RPROTO_DEFAULT_PAYLOAD 1024
#define RPROTO_DEFAULT_WINDOW 8
#define RPROTO_IMAGE_HEADER_SIZE 256
#define RPROTO_STATUS_TEXT_MAX 160    /* a STATUS reason, whole: two 31-character names fit */

/* Decoder buffer for frames of up to `p` payload bytes. */
#define RPROTO_RAW_SIZE(p) ((size_t)(p) + RPROTO_RAW_OVERHEAD)
/* Worst-case encoded size of a frame with `p` payload bytes: COBS + two delimiters. */
#define RPROTO_ENCODED_MAX(p) (RPROTO_RAW_SIZE(p) + RPROTO_RAW_SIZE(p) / 254 + 3)

/* Frame types: host -> device below 0x80, device -> host from 0x80. */
enum {
    RPROTO_HELLO = 0x01,   /* arg MAGIC; payload struct rproto_hello */
    RPROTO_BEGIN = 0x02,   /* arg image size; payload the 256-byte image header */
    RPROTO_DATA = 0x03,    /* arg offset in the image; payload image bytes */
    RPROTO_END = 0x04,     /* arg image size; no payload */
    RPROTO_ABORT = 0x05,   /* arg an RPROTO_S* reason; no payload */
    RPROTO_REBOOT = 0x06,  /* no payload: reset and boot (the new image in TEST) */
    RPROTO_INFO = 0x81,    /* arg MAGIC; payload struct rproto_info */
    RPROTO_ACK = 0x82,     /* arg next expected offset: every byte below it is held */
    RPROTO_NAK = 0x83,     /* arg next expected offset; payload u16 RPROTO_NAK_* reason */
    RPROTO_STATUS = 0x84,  /* arg an RPROTO_S* code; payload ASCII text, 0..64 bytes */
};

/*
 * DATA flags. COMPRESSED: the payload is the count of image bytes the frame
 * stands for (u16, 1..the device's max_payload) and then one LZ4 block
 * (lz4_decode, lib/lib.h) that decodes to exactly that many bytes. A host sets
 * it only when INFO has RPROTO_INFO_COMPRESSION.
 */
#define RPROTO_DATA_COMPRESSED 0x01
#define RPROTO_ZHEADER_SIZE 2         /* the compressed payload's u16 image byte count */
/* INFO flags. */
#define RPROTO_INFO_COMPRESSION 0x01  /* the device takes compressed (LZ4) DATA */

/* NAK reasons. */
enum {
    RPROTO_NAK_CRC = 1,    /* a frame arrived damaged (bad CRC, length or encoding) */
    RPROTO_NAK_GAP = 2,    /* a DATA frame beyond the expected offset: one was lost */
    RPROTO_NAK_DATA = 3,   /* compressed DATA arrived intact but does not decode: send it uncompressed */
};

/* STATUS codes (also ABORT reasons). 0 is success. */
enum {
    RPROTO_SOK = 0,
    RPROTO_SVERSION = 1,       /* protocol version not spoken */
    RPROTO_SSTATE = 2,         /* command not valid now (DATA before BEGIN, ...) */
    RPROTO_SBAD_HEADER = 3,    /* the image header does not parse */
    RPROTO_SPROFILE = 4,       /* image is for another profile / arch */
    RPROTO_SDOWNGRADE = 5,     /* image security counter below the recorded one */
    RPROTO_STOO_BIG = 6,       /* does not fit the slot, or size disagrees with the header */
    RPROTO_SFLASH = 7,         /* flash write or read failed */
    RPROTO_SINCOMPLETE = 8,    /* END before every byte was received */
    RPROTO_SSIGNATURE = 9,     /* unknown key id or bad signature */
    RPROTO_SHASH = 10,         /* payload hash mismatch */
    RPROTO_SUNSUPPORTED = 11,  /* unknown frame type or flag (e.g. compressed DATA) */
    RPROTO_SABORTED = 12,      /* the host gave up (ABORT reason) */
};

/* Decoder results (negative, distinct from MOTE_E*). */
#define RPROTO_ECRC (-140)     /* CRC-32 mismatch */
#define RPROTO_ELEN (-141)     /* shorter than header + CRC, or length field disagrees */
#define RPROTO_ETOOBIG (-142)  /* longer than the decoder's buffer */
#define RPROTO_ECOBS (-143)    /* malformed COBS (a block cut short by a delimiter) */
#define RPROTO_EUNSUPPORTED (-144) /* a well-formed frame this version does not take */
#define RPROTO_EDATA (-145)    /* compressed DATA that does not decode to the size it states */

/* One frame. `payload` points into the caller's or the decoder's buffer. */
struct rproto_frame {
    uint8_t type;
    uint8_t flags;
    uint16_t len;
    uint32_t arg;
    const uint8_t *payload;
};

/*
 * Encode f (header, payload, CRC-32; COBS; a 0x00 before and after) into
 * out[0..cap). f->payload must not overlap out. Returns the encoded size,
 * MOTE_EINVAL if f->len > RPROTO_MAX_PAYLOAD, or MOTE_ENOMEM if cap is below
 * RPROTO_ENCODED_MAX(f->len).
 */
int rproto_encode(const struct rproto_frame *f, uint8_t *out, size_t cap);

struct rproto_decoder {
    uint8_t *buf;     /* the raw frame being decoded: header, payload, CRC */
    size_t cap;       /* RPROTO_RAW_SIZE(largest payload accepted) */
    size_t len;       /* raw bytes decoded so far */
    uint8_t left;     /* data bytes still to come in the current COBS block */
    uint8_t code;     /* the current block's code byte (0: none yet in this frame) */
    uint8_t skip;     /* the frame overflowed buf: drop bytes until the delimiter */
};

/* Start decoding into buf[0..cap), hunting for a delimiter first. */
void rproto_decoder_init(struct rproto_decoder *d, uint8_t *buf, size_t cap);

/*
 * Feed one received byte. Returns 1 when it completes a good frame (*f then
 * points into the decoder's buffer, valid until the next call), 0 when more
 * bytes are needed (empty frames between delimiters are skipped silently),
 * or RPROTO_ECRC / ELEN / ETOOBIG / ECOBS when a delimiter ends a bad frame.
 * After an error the decoder is already at the start of the next frame.
 */
int rproto_decoder_feed(struct rproto_decoder *d, uint8_t byte, struct rproto_frame *f);

/* A frame with the given fields (payload may be NULL when len is 0). */
struct rproto_frame rproto_frame(uint8_t type, uint8_t flags, uint32_t arg, const void *payload,
                                 uint16_t len);

/* ---- payloads (all little-endian) ---- */
#define RPROTO_HELLO_SIZE 4
struct rproto_hello {
    uint16_t version;
    uint16_t flags;       /* 0 in version 1 */
};

#define RPROTO_INFO_SIZE 88
struct rproto_info {
    uint16_t version;
    uint16_t arch;             /* IMAGE_ARCH_* of this board */
    uint16_t max_payload;      /* largest DATA payload the device takes */
    uint8_t window;            /* DATA frames the host may have unacknowledged */
    uint8_t flags;             /* RPROTO_INFO_* */
    uint32_t security_counter; /* recorded in the boot state: images below it are refused */
    uint8_t active_slot;       /* 0 = A, 1 = B, 0xff = none */
    uint8_t target_slot;       /* the slot a transfer writes */
    uint32_t slot_size;        /* bytes in the target slot */
    uint32_t resume_offset;    /* image bytes already held from an interrupted transfer */
    uint8_t resume_hash[32];   /* SHA-256 of that image's 256-byte header (zero if none) */
    char profile[32];          /* NUL-terminated, 1..31 printable characters */
};

/* HELLO's payload into out[0..4). */
void rproto_hello_put(uint8_t out[RPROTO_HELLO_SIZE], const struct rproto_hello *h);
/* Check a HELLO frame (type, arg, size) and read it: 0 or MOTE_EINVAL. */
int rproto_hello_get(const struct rproto_frame *f, struct rproto_hello *h);

/* INFO's payload into out[0..88) (profile NUL-padded). */
void rproto_info_put(uint8_t out[RPROTO_INFO_SIZE], const struct rproto_info *in);
/* Check an INFO frame and read it: 0, or MOTE_EINVAL (wrong type/arg/size, bad profile). */
int rproto_info_get(const struct rproto_frame *f, struct rproto_info *in);

/* Check a BEGIN frame: 0 with *size and *header (into f's payload), or MOTE_EINVAL. */
int rproto_begin_get(const struct rproto_frame *f, uint32_t *size, const uint8_t **header);

/* A DATA frame's fields (rproto_data_get). */
struct rproto_data {
    uint32_t offset;        /* where its bytes go in the image */
    uint16_t len;           /* image bytes it stands for */
    uint8_t compressed;     /* bytes[0..zlen) is an LZ4 block, else bytes[0..len) are the image bytes */
    uint16_t zlen;
    const uint8_t *bytes;   /* into the frame's payload */
};

/*
 * Check a DATA frame and read its fields: 0; MOTE_EINVAL if it is not DATA
 * or offset + len overflows 32 bits; RPROTO_EUNSUPPORTED for a flag other
 * than RPROTO_DATA_COMPRESSED (the device answers STATUS
 * RPROTO_SUNSUPPORTED); RPROTO_EDATA for a compressed payload too short for
 * its count and a block, or a count of 0. Nothing is decompressed yet.
 */
int rproto_data_get(const struct rproto_frame *f, struct rproto_data *d);

/*
 * The image bytes of a DATA frame read by rproto_data_get: d->bytes itself
 * when it is not compressed; else d's LZ4 block decoded into buf[0..cap).
 * Returns 0 with *out pointing at d->len bytes, or RPROTO_EDATA when the
 * block is malformed or does not decode to exactly d->len bytes (a d->len
 * above cap included). Never writes outside buf[0..cap).
 */
int rproto_data_expand(const struct rproto_data *d, uint8_t *buf, size_t cap,
                       const uint8_t **out);

/* NAK's payload (the reason) into out[0..2); returns the frame. */
struct rproto_frame rproto_nak(uint32_t expected, uint16_t reason, uint8_t out[2]);

/*
 * A STATUS frame: code, and `text` (truncated to RPROTO_STATUS_TEXT_MAX)
 * copied into out[0..RPROTO_STATUS_TEXT_MAX) as its payload.
 */
struct rproto_frame rproto_status(uint32_t code, const char *text,
                                  uint8_t out[RPROTO_STATUS_TEXT_MAX]);

/* A short name for an RPROTO_S* code ("ok", "profile mismatch", ...; "unknown"). */
const char *rproto_status_name(uint32_t code);

#endif
