/*
 * Recovery mode (recovery.h): the device rules of docs/flasher-protocol.md,
 * section 4. Bytes come from console_getc() one at a time into one static
 * decode buffer; answers go out byte by byte with console_putc() from one
 * static encode buffer (printf would turn \n into \r\n inside a frame).
 * DATA lands in the target slot as it arrives; END checks the whole slot
 * the way booting does (slot_check.c) before marking it pending.
 */
#include <hal/board.h>
#include <hal/console.h>
#include <hal/timer.h>
#include <core/core.h>
#include <crypto/crypto.h>
#include <drivers/drivers.h>
#include <update/update.h>
#include "boot.h"
#include "recovery_proto.h"
#include "recovery_record.h"

/* The slot checks' verdicts go out as STATUS codes as they are (update.h). */
_Static_assert(VERDICT_BAD_HEADER == RPROTO_SBAD_HEADER && VERDICT_PROFILE == RPROTO_SPROFILE &&
               VERDICT_DOWNGRADE == RPROTO_SDOWNGRADE && VERDICT_TOO_BIG == RPROTO_STOO_BIG &&
               VERDICT_FLASH == RPROTO_SFLASH && VERDICT_SIGNATURE == RPROTO_SSIGNATURE &&
               VERDICT_HASH == RPROTO_SHASH && VERDICT_OK == RPROTO_SOK, "verdicts are STATUS codes");

#define MAX_PAYLOAD RPROTO_MAX_PAYLOAD   /* fewer frames and ACKs per byte: the link's round trip is what limits it */
#define WINDOW RPROTO_DEFAULT_WINDOW  /* the console link backpressures (QEMU, CDC-ACM) */
#define QUIET_NS (10ull * 1000 * 1000 * 1000)   /* receiving, nothing heard: give up */

static uint8_t rx_buf[RPROTO_RAW_SIZE(MAX_PAYLOAD)];
static uint8_t unz_buf[MAX_PAYLOAD];   /* a compressed DATA frame's image bytes */
/* the largest frame the device sends: INFO, or a STATUS with a whole reason */
#define TX_MAX (RPROTO_STATUS_TEXT_MAX > RPROTO_INFO_SIZE ? RPROTO_STATUS_TEXT_MAX : RPROTO_INFO_SIZE)
static uint8_t tx_buf[RPROTO_ENCODED_MAX(TX_MAX)];
static struct rproto_decoder dec;
static char text[RPROTO_STATUS_TEXT_MAX + 1];

static struct {
    struct boot_state *st;
    int ready;                /* decoder and target set up */
    int target;               /* the slot a transfer writes */
    int receiving;            /* after a good BEGIN */
    int naked;                /* a NAK for `expected` is outstanding */
    uint32_t expected, total;
    uint32_t saved;           /* the offset the resume record holds */
    uint8_t hash[32];         /* SHA-256 of the header being received */
    struct sha256_ctx prefix; /* SHA-256 of the slot's first `expected` bytes, as written */
    int ended;                /* END was answered: repeat the answer */
    uint32_t end_size, end_code;
    uint8_t end_text[RPROTO_STATUS_TEXT_MAX];
    uint16_t end_len;
    uint64_t heard_ns;        /* when the last byte arrived */
} rc;

/* Encode f and write it to the console byte by byte. */
static void send(struct rproto_frame f)
{
    int n = rproto_encode(&f, tx_buf, sizeof(tx_buf));
    for (int i = 0; i < n; i++)
        console_putc((char)tx_buf[i]);
}

static void send_status(uint32_t code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* STATUS code with a printf-formatted reason. */
static void send_status(uint32_t code, const char *fmt, ...)
{
    uint8_t payload[RPROTO_STATUS_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    send(rproto_status(code, text, payload));
}

static void send_ack(void)
{
    send(rproto_frame(RPROTO_ACK, 0, rc.expected, 0, 0));
}

/* NAK(expected): only one per lost position, until the frame at `expected` arrives. */
static void send_nak(uint16_t reason)
{
    uint8_t payload[2];
    if (!rc.naked)
        send(rproto_nak(rc.expected, reason, payload));
    rc.naked = 1;
}

/* Read the resume record from the persist partition (an empty one if unreadable). */
static void record_read(struct resume_record *r)
{
    uint8_t raw[RESUME_SIZE];
    if (mote_flash_read(board.part_offset[PART_PERSIST], raw, sizeof(raw)))
        memset(raw, 0, sizeof(raw));
    resume_decode(raw, r);
}

/*
 * Record `offset` bytes of the image with header hash `hash` as held in the
 * target slot; the prefix hash is rc.prefix's (the bytes written so far).
 */
static int record_write(uint32_t offset, const uint8_t hash[32])
{
    struct resume_record r = { .slot = (uint8_t)rc.target, .offset = offset };
    struct sha256_ctx done = rc.prefix;
    uint8_t raw[RESUME_SIZE];
    memcpy(r.hash, hash, 32);
    sha256_final(&done, r.prefix);
    resume_encode(&r, raw);
    /* the image bytes the record vouches for must be durable before the record is */
    int err = flash_sync();
    if (!err)
        err = mote_flash_write(board.part_offset[PART_PERSIST], raw, sizeof(raw));
    if (!err)
        rc.saved = offset;
    return err;
}

/*
 * Hash the target slot's first r->offset bytes into rc.prefix; returns
 * whether they are still the bytes the record vouches for (else rc.prefix
 * is reset: the transfer starts at 0). unz_buf is free between frames.
 */
static int prefix_still_there(const struct resume_record *r)
{
    struct sha256_ctx done;
    uint8_t digest[32];
    uint64_t base = board.part_offset[PART_SLOT_A + rc.target];
    sha256_init(&rc.prefix);
    for (uint32_t at = 0; at < r->offset;) {
        uint32_t n = r->offset - at < sizeof(unz_buf) ? r->offset - at : (uint32_t)sizeof(unz_buf);
        if (mote_flash_read(base + at, unz_buf, n)) {
            sha256_init(&rc.prefix);
            return 0;
        }
        sha256_update(&rc.prefix, unz_buf, n);
        at += n;
    }
    done = rc.prefix;
    sha256_final(&done, digest);
    if (resume_prefix_ok(r, digest))
        return 1;
    sha256_init(&rc.prefix);
    return 0;
}

/* Leave `receiving`, saving how far the transfer got so the next one resumes. */
static void stop_receiving(void)
{
    if (rc.receiving && rc.expected > rc.saved)
        record_write(rc.expected, rc.hash);
    rc.receiving = 0;
}

static void on_hello(const struct rproto_frame *f)
{
    struct rproto_hello h = { 0, 0 };
    struct rproto_info in = { 0 };
    struct resume_record r;
    uint8_t payload[RPROTO_INFO_SIZE];
    stop_receiving();
    rc.ended = 0;
    if (rproto_hello_get(f, &h) || h.version != RPROTO_VERSION) {
        send_status(RPROTO_SVERSION, "protocol version %u not spoken (1 is)", h.version);
        return;
    }
    record_read(&r);
    in.version = RPROTO_VERSION;
    in.arch = KERNEL_IMAGE_ARCH;
    in.max_payload = MAX_PAYLOAD;
    in.window = WINDOW;
    in.flags = RPROTO_INFO_COMPRESSION;
    in.security_counter = rc.st->security_counter;
    in.active_slot = rc.st->active;
    in.target_slot = (uint8_t)rc.target;
    in.slot_size = (uint32_t)board.part_size[PART_SLOT_A + rc.target];
    if (r.slot == rc.target && r.offset) {
        in.resume_offset = r.offset;
        memcpy(in.resume_hash, r.hash, 32);
    }
    strncpy(in.profile, board.name, sizeof(in.profile) - 1);
    rproto_info_put(payload, &in);
    send(rproto_frame(RPROTO_INFO, 0, RPROTO_MAGIC, payload, RPROTO_INFO_SIZE));
}

static void on_begin(const struct rproto_frame *f)
{
    uint32_t size;
    const uint8_t *hdr;
    struct image_info in;
    struct resume_record r;
    const char *why;
    stop_receiving();
    rc.ended = 0;
    if (rproto_begin_get(f, &size, &hdr)) {
        send_status(RPROTO_SBAD_HEADER, "BEGIN without a 256-byte header");
        return;
    }
    struct image_board b;
    slot_board(rc.target, &b);
    int code = slot_check_header(hdr, rc.st->security_counter, &b, &in, &why);   /* RPROTO_S* */
    if (code) {
        send_status(code, "%s", why);
        return;
    }
    if (size != (uint64_t)IMAGE_HEADER_SIZE + in.payload_size + IMAGE_SIG_SIZE) {
        send_status(RPROTO_STOO_BIG, "size %u disagrees with the header", size);
        return;
    }
    sha256(hdr, IMAGE_HEADER_SIZE, rc.hash);
    record_read(&r);
    /* resume only over bytes that are still this image's as written, else start over */
    rc.expected = resume_start(&r, rc.target, rc.hash, size);
    if (rc.expected && !prefix_still_there(&r))
        rc.expected = 0;
    if (!rc.expected)
        sha256_init(&rc.prefix);
    rc.saved = rc.expected;
    if (!rc.expected && record_write(0, rc.hash)) {
        send_status(RPROTO_SFLASH, "cannot write the resume record");
        return;
    }
    rc.total = size;
    rc.naked = 0;
    rc.receiving = 1;
    send_ack();
}

static void on_data(const struct rproto_frame *f)
{
    struct rproto_data d;
    const uint8_t *bytes;
    if (!rc.receiving) {
        send_status(RPROTO_SSTATE, "DATA before BEGIN");
        return;
    }
    int err = rproto_data_get(f, &d);
    if (err == RPROTO_EUNSUPPORTED) {
        send_status(RPROTO_SUNSUPPORTED, "DATA flags 0x%02x not supported", f->flags);
        return;
    }
    if (err == MOTE_EINVAL || (!err && d.offset + d.len > rc.total)) {
        send_status(RPROTO_STOO_BIG, "DATA past the end of the image");
        return;
    }
    if (!err && d.offset > rc.expected) {     /* a frame before it was lost */
        send_nak(RPROTO_NAK_GAP);
        return;
    }
    if (!err && d.offset + d.len <= rc.expected) {
        send_ack();                           /* a resend of bytes already held */
        return;
    }
    /* covers `expected`: new bytes, decompressed first if need be (nothing is written otherwise) */
    if (err || rproto_data_expand(&d, unz_buf, sizeof(unz_buf), &bytes)) {
        rc.naked = 0;                         /* the frame at `expected` came: this NAK is news */
        send_nak(RPROTO_NAK_DATA);
        return;
    }
    uint32_t skip = rc.expected - d.offset;
    uint64_t at = board.part_offset[PART_SLOT_A + rc.target] + rc.expected;
    if (flash_write(at, bytes + skip, d.len - skip, 0)) {   /* synced at each checkpoint */
        stop_receiving();
        send_status(RPROTO_SFLASH, "flash write error at offset 0x%x", rc.expected);
        return;
    }
    sha256_update(&rc.prefix, bytes + skip, d.len - skip);
    rc.expected = d.offset + d.len;
    rc.naked = 0;
    if (resume_due(rc.saved, rc.expected))
        record_write(rc.expected, rc.hash);
    send_ack();
}

/* END: check the whole slot as booting would, then mark it for a TEST boot. */
static void on_end(const struct rproto_frame *f)
{
    static const uint8_t zero[32];
    struct image_info in;
    const char *why;
    if (rc.ended && f->arg == rc.end_size) {  /* our answer was lost: repeat it */
        send(rproto_frame(RPROTO_STATUS, 0, rc.end_code, rc.end_text, rc.end_len));
        return;
    }
    if (!rc.receiving) {
        send_status(RPROTO_SSTATE, "END before BEGIN");
        return;
    }
    if (f->arg != rc.total) {
        send_status(RPROTO_STOO_BIG, "END size %u disagrees with BEGIN's %u", f->arg, rc.total);
        return;
    }
    if (rc.expected < rc.total) {
        send_status(RPROTO_SINCOMPLETE, "incomplete: %u of %u bytes", rc.expected, rc.total);
        return;
    }
    rc.receiving = 0;
    struct image_board b;
    slot_board(rc.target, &b);
    int code = slot_check(&boot_trust, rc.target, &b, rc.st->security_counter, 0, &in, &why);
    if (code != RPROTO_SFLASH)
        record_write(0, zero);                /* done, or bytes not worth resuming */
    if (!code && (bootstate_set_pending(rc.st, rc.target) ||
                  bootstate_store(&bootstate_flash, rc.st))) {
        code = RPROTO_SFLASH;
        why = "cannot write the boot state";
    }
    struct rproto_frame s;
    if (code) {
        s = rproto_status(code, why, rc.end_text);
    } else {
        snprintf(text, sizeof(text), "slot %c: %s %u.%u.%u ready for a TEST boot",
                 "AB"[rc.target], in.app_name, in.version[0], in.version[1], in.version[2]);
        s = rproto_status(RPROTO_SOK, text, rc.end_text);
    }
    rc.ended = 1;
    rc.end_size = rc.total;
    rc.end_code = code;
    rc.end_len = s.len;
    send(s);
}

/* Act on one good frame. Returns 1 after REBOOT was answered. */
static int on_frame(const struct rproto_frame *f)
{
    switch (f->type) {
    case RPROTO_HELLO:
        on_hello(f);
        return 0;
    case RPROTO_BEGIN:
        on_begin(f);
        return 0;
    case RPROTO_DATA:
        on_data(f);
        return 0;
    case RPROTO_END:
        on_end(f);
        return 0;
    case RPROTO_ABORT:
        stop_receiving();
        rc.ended = 0;
        send_status(RPROTO_SOK, "aborted");
        return 0;
    case RPROTO_REBOOT:
        stop_receiving();
        send_status(RPROTO_SOK, "rebooting");
        return 1;
    default:
        send_status(RPROTO_SUNSUPPORTED, "unknown frame type 0x%02x", f->type);
        return 0;
    }
}

static void setup(struct boot_state *st)
{
    rc.st = st;
    if (rc.ready)
        return;
    rproto_decoder_init(&dec, rx_buf, sizeof(rx_buf));
    rc.target = recovery_target_slot(st->active);
    rc.heard_ns = timer_now_ns();
    rc.ready = 1;
}

/*
 * Poll the console once: feed a waiting byte to the decoder. Returns 1
 * with *f set when it completed a good frame, else 0 (a damaged frame
 * while receiving draws one NAK; a quiet link ends the transfer).
 */
static int poll_frame(struct rproto_frame *f)
{
    int c = console_getc();
    if (c < 0) {
        if (rc.receiving && timer_now_ns() - rc.heard_ns > QUIET_NS)
            stop_receiving();
        return 0;
    }
    rc.heard_ns = timer_now_ns();
    int r = rproto_decoder_feed(&dec, (uint8_t)c, f);
    if (r < 0 && rc.receiving)
        send_nak(RPROTO_NAK_CRC);
    return r == 1;
}

int recovery_listen(struct boot_state *st, uint32_t ms)
{
    struct rproto_frame f;
    setup(st);
    uint64_t end = timer_now_ns() + (uint64_t)ms * 1000000;
    while (timer_now_ns() < end) {
        if (poll_frame(&f) && f.type == RPROTO_HELLO) {
            on_hello(&f);
            return 1;
        }
    }
    return 0;
}

int recovery_run(struct boot_state *st)
{
    struct rproto_frame f;
    setup(st);
    for (;;)
        if (poll_frame(&f) && on_frame(&f))
            return 0;
}
