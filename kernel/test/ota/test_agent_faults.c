/*
 * The OTA agent when things go wrong: lost chunks and timeouts, a silent
 * server, cancels, a job replaced, offers and images refused early,
 * verification failures, flash errors, and every malformed control line.
 */
#include <stdarg.h>
#include <stdint.h>
#include "check.h"
#include "fake.h"
#include <mote.h>

static void expect(struct fake *f, ...)
{
    va_list ap;
    va_start(ap, f);
    for (const char *want; (want = va_arg(ap, const char *));)
        CHECK_STR(fake_next(f), want);
    va_end(ap);
    CHECK_STR(fake_next(f), "");
}

static struct fake *downloading(struct fake_image *img, uint32_t payload)
{
    struct fake *f = fake_new("1.0.0", 1);
    fake_image_make(img, payload, NULL, 1, "1.1.0", 0xa7, payload);
    fake_connect(f);
    fake_offer(f, 7, img, 16384, 4);
    fake_skip(f);
    return f;
}

void test_agent_timeout_asks_again_for_missing_runs_only(void)
{
    struct fake_image img;
    struct fake *f = downloading(&img, 1000000);
    fake_deliver(f, 0);                    /* chunk 0 */
    fake_deliver(f, 1);                    /* chunk 2 (1 and 3 are lost) */
    fake_drop_queue(f);                    /* and all of the second request */
    fake_wait(f, OTA_TIMEOUT_MS - 1);
    expect(f, "state job=7 status=downloading off=16384", NULL);   /* 3 s: a slow report */
    fake_wait(f, 1);
    expect(f, "req job=7 off=16384 len=16384", "req job=7 off=49152 len=16384",
           "req job=7 off=65536 len=65536", NULL);
    CHECK(f->a.stats.timeouts == 1);
    fake_run(f, ~0u);
    CHECK(f->pending && !memcmp(f->slot, img.bytes, img.size));
    CHECK(f->delivered == img.size);       /* nothing asked for twice */
    fake_image_free(&img);
    fake_free(f);
}

void test_agent_reconnects_after_three_silent_timeouts(void)
{
    struct fake_image img;
    struct fake *f = downloading(&img, 1000000);
    fake_drop_queue(f);
    fake_wait(f, OTA_TIMEOUT_MS);
    expect(f, "req job=7 off=0 len=65536", "req job=7 off=65536 len=65536", NULL);
    fake_drop_queue(f);
    fake_wait(f, OTA_TIMEOUT_MS);
    CHECK(fake_count(f, "req ") == 2);
    fake_drop_queue(f);
    fake_wait(f, OTA_TIMEOUT_MS);          /* the third: reconnect instead of asking */
    expect(f, NULL);
    CHECK(f->reconnects == 1 && !f->a.connected && f->a.stats.reconnects == 1);
    fake_wait(f, 60000);                   /* nothing happens while it is away */
    CHECK(f->a.stats.timeouts == 3);
    fake_connect(f);
    expect(f, "hello profile=qemu-virt-arm64 version=1.0.0 counter=1 slot=a max_chunk=16384 "
              "job=7 have=0", NULL);
    fake_offer(f, 7, &img, 16384, 4);
    expect(f, "req job=7 off=0 len=65536", "req job=7 off=65536 len=65536",
           "state job=7 status=downloading off=0", NULL);

    /* timeouts with a chunk between them do not add up */
    fake_deliver(f, 0);
    fake_drop_queue(f);
    fake_wait(f, OTA_TIMEOUT_MS);
    fake_wait(f, OTA_TIMEOUT_MS);
    fake_deliver(f, 0);
    fake_drop_queue(f);
    fake_wait(f, OTA_TIMEOUT_MS);
    fake_wait(f, OTA_TIMEOUT_MS);
    CHECK(f->reconnects == 1);
    fake_run(f, ~0u);
    CHECK(f->pending);
    fake_image_free(&img);
    fake_free(f);
}

/* A lost connection changes nothing but the link: the hello says what is held, the offer resumes it. */
void test_agent_reconnect_resumes_from_what_it_holds(void)
{
    struct fake_image img;
    struct fake *f = downloading(&img, 1000000);
    fake_run(f, 5);
    fake_deliver(f, 1);                    /* chunk 6 too, beyond the prefix: asked for again */
    fake_disconnect(f);
    fake_drop_queue(f);
    fake_skip(f);
    fake_connect(f);
    expect(f, "hello profile=qemu-virt-arm64 version=1.0.0 counter=1 slot=a max_chunk=16384 "
              "job=7 have=81920", NULL);
    fake_offer(f, 7, &img, 16384, 4);
    expect(f, "req job=7 off=81920 len=65536", "req job=7 off=147456 len=65536",
           "state job=7 status=downloading off=81920", NULL);
    fake_run(f, ~0u);
    CHECK(f->pending && !memcmp(f->slot, img.bytes, img.size));
    CHECK(f->delivered == img.size + 16384);
    fake_image_free(&img);
    fake_free(f);
}

void test_agent_cancel(void)
{
    struct fake_image img;
    struct fake *f = downloading(&img, 1000000);
    fake_run(f, 10);
    fake_skip(f);
    fake_job(f, "cancel job=8");           /* not ours */
    CHECK(f->a.stats.ignored == 1 && f->a.phase == OTA_FETCHING);
    fake_job(f, "cancel job=7 reason=operator said stop");
    expect(f, "state job=7 status=cancelled", NULL);
    CHECK(f->a.phase == OTA_IDLE && !f->pending);
    uint32_t dropped = f->a.stats.dropped_chunks;
    fake_run(f, ~0u);                      /* chunks still on their way */
    CHECK(f->a.stats.dropped_chunks > dropped);
    expect(f, NULL);
    fake_disconnect(f);
    fake_connect(f);
    expect(f, "hello profile=qemu-virt-arm64 version=1.0.0 counter=1 slot=a max_chunk=16384",
           "state job=7 status=cancelled", NULL);
    CHECK(fake_boot(f, SLOT_A, false, "1.0.0") == 0 && f->a.rec.phase == PROGRESS_ENDED);
    fake_free(f);
    fake_image_free(&img);

    /* installed and pending, not yet rebooted: the mark is cleared, no reboot */
    f = downloading(&img, 20000);
    fake_run(f, ~0u);
    CHECK(f->pending && f->a.phase == OTA_RESTARTING);
    fake_skip(f);
    fake_job(f, "cancel job=7");
    expect(f, "state job=7 status=cancelled", NULL);
    CHECK(!f->pending && f->pending_clears == 1);
    fake_wait(f, 10000);
    CHECK(!f->rebooted);
    fake_free(f);
    fake_image_free(&img);

    /* already running in TEST: too late, the job goes on to its end */
    f = downloading(&img, 20000);
    fake_run(f, ~0u);
    fake_wait(f, OTA_REBOOT_DELAY_MS);
    fake_boot(f, SLOT_B, true, "1.1.0");
    fake_connect(f);
    fake_skip(f);
    fake_job(f, "cancel job=7");
    CHECK(f->a.phase == OTA_TESTING && f->a.stats.ignored == 1);
    f->confirmed = true;
    fake_wait(f, OTA_CONFIRM_POLL_MS);
    expect(f, "state job=7 status=confirmed version=1.1.0", NULL);
    fake_free(f);
    fake_image_free(&img);
}

void test_agent_new_offer_replaces_the_job(void)
{
    struct fake_image img, other;
    struct fake *f = downloading(&img, 1000000);
    fake_run(f, 10);
    fake_image_make(&other, 100000, NULL, 1, "1.2.0", 0xa7, 99);
    fake_drop_queue(f);                    /* (what is on its way is of the old image) */
    fake_skip(f);
    fake_offer(f, 8, &other, 8192, 2);
    expect(f, "req job=8 off=0 len=16384", "req job=8 off=16384 len=16384",
           "state job=8 status=downloading off=0", NULL);
    CHECK(f->a.rec.job == 8 && f->a.rec.have == 0);
    fake_send_chunk(f, 7, 0, 16384, 0);    /* the old job's chunks are dropped */
    CHECK(f->a.stats.dropped_chunks == 1);
    fake_run(f, ~0u);
    CHECK(f->pending && !memcmp(f->slot, other.bytes, other.size));
    fake_free(f);
    fake_image_free(&img);

    /* the same job id with another image starts again from 0 */
    f = downloading(&img, 1000000);
    fake_run(f, 10);
    fake_drop_queue(f);
    fake_skip(f);
    fake_offer(f, 7, &other, 16384, 4);
    expect(f, "req job=7 off=0 len=65536", "req job=7 off=65536 len=34824",
           "state job=7 status=downloading off=0", NULL);
    fake_free(f);
    fake_image_free(&img);
    fake_image_free(&other);
}

void test_agent_refuses_offers_early(void)
{
    struct fake *f = fake_new("1.0.0", 3);
    fake_connect(f);
    fake_skip(f);
    static const char sha[] =
        "sha256=9f2c0000000000000000000000000000000000000000000000000000000000e1";
    char line[512];
    snprintf(line, sizeof(line), "offer job=9 %s size=3000000 version=1.1.0 counter=3 chunk=16384 "
                                 "window=4 deadline=600", sha);
    fake_job(f, line);
    snprintf(line, sizeof(line), "offer job=10 %s size=359 version=1.1.0 counter=3 chunk=16384 "
                                 "window=4 deadline=600", sha);
    fake_job(f, line);
    snprintf(line, sizeof(line), "offer job=11 %s size=100000 version=1.1.0 counter=2 chunk=16384 "
                                 "window=4 deadline=600", sha);
    fake_job(f, line);
    snprintf(line, sizeof(line), "offer job=12 %s size=100000 version=1.1.0 counter=3 chunk=32768 "
                                 "window=4 deadline=600", sha);
    fake_job(f, line);
    expect(f, "state job=9 status=failed reason=image size 3000000 is outside 360..2097152 bytes",
           "state job=10 status=failed reason=image size 359 is outside 360..2097152 bytes",
           "state job=11 status=failed reason=downgrade: security counter 2 < 3",
           "state job=12 status=failed reason=chunk 32768 is above max_chunk 16384", NULL);
    CHECK(f->a.phase == OTA_IDLE && f->slot_written == 0 && f->a.stats.bad_lines == 0);
    fake_free(f);
}

/* The header arrives with the first chunk: refused there, before anything is written. */
void test_agent_refuses_images_from_their_header(void)
{
    static const struct {
        const char *profile;
        uint32_t counter;
        int size_delta;
        const char *why;
    } cases[] = {
        { "qemu-microvm-x86_64", 1, 0,
          "profile mismatch: image is for qemu-microvm-x86_64, device is qemu-virt-arm64" },
        { NULL, 0, 0, "downgrade: security counter 0 < 1" },
        { NULL, 1, 1, "header says 100360 bytes, offer 100361" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fake *f = fake_new("1.0.0", 1);
        struct fake_image img;
        fake_image_make(&img, 100000, cases[i].profile, cases[i].counter, "1.1.0", 0xa7, 1);
        fake_connect(f);
        char line[512];
        snprintf(line, sizeof(line), "offer job=5 sha256=%s size=%u version=1.1.0 counter=1 "
                 "chunk=16384 window=4 deadline=600", img.sha_hex, img.size + cases[i].size_delta);
        fake_job(f, line);
        f->img = &img;
        f->chunk = 16384;
        fake_skip(f);
        fake_deliver(f, 0);
        char want[300];
        snprintf(want, sizeof(want), "state job=5 status=failed reason=%s", cases[i].why);
        expect(f, want, NULL);
        CHECK(f->slot_written == 0 && f->a.phase == OTA_IDLE);
        fake_run(f, ~0u);                  /* the rest is dropped; nothing more is asked */
        expect(f, NULL);
        CHECK(f->slot_written == 0);
        fake_image_free(&img);
        fake_free(f);
    }
}

void test_agent_verify_failures_leave_nothing_pending(void)
{
    /* signed by a key the device does not trust */
    struct fake *f = fake_new("1.0.0", 1);
    struct fake_image img;
    fake_image_make(&img, 50000, NULL, 1, "1.1.0", 0x33, 1);
    fake_connect(f);
    fake_offer(f, 7, &img, 16384, 4);
    fake_run(f, ~0u);
    f->read = f->nlog - 2;
    expect(f, "state job=7 status=verifying",
           "state job=7 status=failed reason=signature: unknown key id 33333333", NULL);
    CHECK(!f->pending && f->a.phase == OTA_IDLE);
    fake_wait(f, 10000);
    CHECK(!f->rebooted);
    fake_free(f);
    fake_image_free(&img);

    /* bytes that are not the offered image */
    f = fake_new("1.0.0", 1);
    fake_image_make(&img, 50000, NULL, 1, "1.1.0", 0xa7, 1);
    img.sha_hex[10] ^= 1;
    fake_connect(f);
    fake_offer(f, 7, &img, 16384, 4);
    fake_run(f, ~0u);
    f->read = f->nlog - 1;
    expect(f, "state job=7 status=failed reason=sha256 mismatch", NULL);
    CHECK(!f->pending);
    fake_free(f);
    fake_image_free(&img);
}

void test_agent_flash_errors_fail_the_job(void)
{
    struct fake_image img;
    struct fake *f = downloading(&img, 50000);
    f->fail_slot_write = true;
    fake_deliver(f, 0);
    /* what the chunk says (a progress report, here) leaves before its flash write */
    expect(f, "state job=7 status=downloading off=16384",
           "state job=7 status=failed reason=flash: could not write offset 0", NULL);
    fake_free(f);
    fake_image_free(&img);

    f = downloading(&img, 50000);
    f->fail_pending = true;
    fake_run(f, ~0u);
    f->read = f->nlog - 1;
    expect(f, "state job=7 status=failed reason=boot state: could not mark the slot pending", NULL);
    CHECK(!f->pending && f->a.phase == OTA_IDLE);
    fake_free(f);
    fake_image_free(&img);
}

/* Every malformed line on down/job is dropped and counted, and changes nothing. */
void test_agent_drops_and_counts_malformed_control_lines(void)
{
#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define REST " size=100000 version=1.1.0 counter=1 chunk=16384 window=4 deadline=600"
    static const char *const bad[] = {
        "",
        "offer",
        "offer job=7",
        "offer job=7 sha256=" SHA,                                    /* missing fields */
        "offer sha256=" SHA REST,                                     /* no job */
        "offer job=7 sha256=" SHA " size=100000 version=1.1.0 counter=1 chunk=16384 window=4",
        "offer job=7 sha256=" SHA " size=100000 counter=1 chunk=16384 window=4 deadline=600",
        "offer job=seven sha256=" SHA REST,                           /* not numbers */
        "offer job=7 sha256=" SHA " size=1e5 version=1.1.0 counter=1 chunk=16384 window=4 deadline=600",
        "offer job=7 sha256=" SHA " size=-1 version=1.1.0 counter=1 chunk=16384 window=4 deadline=600",
        "offer job=7 sha256=" SHA " size=100000 version=1.1.0 counter=1 chunk=16384 window=4 deadline=6.5",
        "offer job=4294967296 sha256=" SHA REST,                      /* overflow */
        "offer job=0 sha256=" SHA REST,
        "offer job=7 sha256=" SHA " size=1000000000000000000 version=1.1.0 counter=1 chunk=16384 "
        "window=4 deadline=600",
        "offer job=7 sha256=" SHA " size=100000 version=1.1.0 counter=4294967296 chunk=16384 "
        "window=4 deadline=600",
        "offer job=7 sha256=" SHA " size=100000 version=1.1.0 counter=1 chunk=255 window=4 deadline=600",
        "offer job=7 sha256=" SHA " size=100000 version=1.1.0 counter=1 chunk=65537 window=4 deadline=600",
        "offer job=7 sha256=" SHA " size=100000 version=1.1.0 counter=1 chunk=16384 window=0 deadline=600",
        "offer job=7 sha256=" SHA " size=100000 version=1.1.0 counter=1 chunk=16384 window=257 deadline=600",
        "offer job=7 sha256=0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef" REST,
        "offer job=7 sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde" REST,
        "offer job=7 sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg" REST,
        "offer job=7 sha256=" SHA " size=100000 version=11111111112222222222333333333344 counter=1 "
        "chunk=16384 window=4 deadline=600",                         /* version of 32 */
        "offer reason=because job=7 sha256=" SHA REST,                /* reason swallows the rest */
        "offer job=7 sha256=" SHA REST " job=7",                      /* a field twice */
        "offer job=7 sha256=" SHA REST "\n",                          /* a newline */
        "offer  job=7 sha256=" SHA REST,                              /* two spaces */
        "OFFER job=7 sha256=" SHA REST,                               /* unknown verbs */
        "upgrade job=7",
        "hello profile=x",
        "cancel",
        "cancel job=x",
        "cancel job=-7",
        "cancel job=99999999999999999999",
        "cancel job=7 job=7",
    };
    struct fake *f = fake_new("1.0.0", 1);
    fake_connect(f);
    fake_skip(f);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fake_job(f, bad[i]);
        if (f->a.stats.bad_lines != i + 1) {
            fprintf(stderr, "line %zu not counted as bad: '%s'\n", i, bad[i]);
            check_failures++;
            f->a.stats.bad_lines = (uint32_t)i + 1;
        }
    }
    size_t n = sizeof(bad) / sizeof(bad[0]);
    /* binary, overlong */
    ota_agent_message(&f->a, "job", "cancel job=7\0", 13, f->now);
    ota_agent_message(&f->a, "job", "\xff\xfe\x00\x01", 4, f->now);
    char line[600];
    int base = snprintf(line, sizeof(line), "offer job=7 sha256=" SHA REST " pad=");
    memset(line + base, '0', 513 - (size_t)base);
    line[513] = 0;
    fake_job(f, line);
    CHECK(f->a.stats.bad_lines == n + 3);
    expect(f, NULL);
    CHECK(f->a.phase == OTA_IDLE && f->a.rec.phase == PROGRESS_NONE);
    CHECK(ota_agent_next_deadline(&f->a) == OTA_NEVER);

    /* unknown fields, a trailing space and 512 bytes exactly are fine */
    line[512] = 0;
    line[511] = ' ';
    fake_job(f, line + 0);
    CHECK(f->a.stats.bad_lines == n + 3 && f->a.phase == OTA_FETCHING);
    fake_job(f, "cancel job=7 why=operator reason=said so, twice ");
    CHECK(f->a.phase == OTA_IDLE);
    /* other topics are not the agent's */
    ota_agent_message(&f->a, "shell", "ps", 2, f->now);
    CHECK(f->a.stats.ignored == 1);
    fake_free(f);
#undef SHA
#undef REST
}

/* verify_slot hooks: the power goes during the check; a reason with bytes a line cannot hold. */
static int verify_power_cut(void *ctx, uint32_t size, const uint8_t sha[32], char *why)
{
    (void)size, (void)sha;
    ((struct fake *)ctx)->budget = 0;
    snprintf(why, OTA_REASON_MAX, "power gone");
    return MOTE_EIO;
}

static int verify_odd_reason(void *ctx, uint32_t size, const uint8_t sha[32], char *why)
{
    (void)ctx, (void)size, (void)sha;
    snprintf(why, OTA_REASON_MAX, "bad\nthing\x80 here");
    return MOTE_EIO;
}

static int sync_fails(void *ctx)
{
    (void)ctx;
    return MOTE_EIO;
}

static int read_fails(void *ctx, uint64_t off, void *buf, size_t len)
{
    (void)ctx, (void)off, (void)buf, (void)len;
    return MOTE_EIO;
}

void test_agent_reboot_during_verify_and_odd_failures(void)
{
    /* the power goes while verifying: every byte is saved, so it verifies again on power-up */
    struct fake_image img;
    struct fake *f = downloading(&img, 50000);
    f->env.verify_slot = verify_power_cut;
    fake_run(f, ~0u);
    struct fake *g = fake_new("1.0.0", 1);     /* for its real verify_slot */
    f->env.verify_slot = g->env.verify_slot;
    fake_free(g);
    uint64_t before = f->delivered;
    CHECK(fake_boot(f, SLOT_A, false, "1.0.0") == 0);
    CHECK(f->a.phase == OTA_FETCHING && f->a.rec.have == img.size);
    CHECK(ota_agent_next_deadline(&f->a) == 0);
    fake_wait(f, 0);                           /* not even connected: it goes on */
    CHECK(f->pending && f->a.phase == OTA_RESTARTING && f->delivered == before);
    fake_free(f);

    /* the same, but the server's offer comes first after the power-up */
    fake_image_free(&img);
    f = downloading(&img, 50000);
    f->env.verify_slot = verify_power_cut;
    fake_run(f, ~0u);
    g = fake_new("1.0.0", 1);
    f->env.verify_slot = g->env.verify_slot;
    fake_free(g);
    CHECK(fake_boot(f, SLOT_A, false, "1.0.0") == 0);
    fake_connect(f);
    fake_skip(f);
    fake_offer(f, 7, &img, 16384, 4);
    expect(f, "state job=7 status=downloading off=50360", "state job=7 status=verifying",
           "state job=7 status=installed", "state job=7 status=rebooting", NULL);
    fake_free(f);

    /* a reason is printable ASCII on the wire and in the record */
    fake_image_free(&img);
    f = downloading(&img, 50000);
    f->env.verify_slot = verify_odd_reason;
    fake_run(f, ~0u);
    f->read = f->nlog - 1;
    expect(f, "state job=7 status=failed reason=bad?thing? here", NULL);
    CHECK_STR(f->a.rec.reason, "bad?thing? here");
    fake_free(f);

    /* the slot cannot be made durable */
    fake_image_free(&img);
    f = downloading(&img, 50000);
    f->env.slot_sync = sync_fails;
    fake_run(f, ~0u);
    f->read = f->nlog - 1;
    expect(f, "state job=7 status=failed reason=flash: could not sync the slot", NULL);
    CHECK(!f->pending);
    fake_free(f);
    fake_image_free(&img);

    /* the progress record cannot be read: no job, and the error is returned */
    f = fake_new("1.0.0", 1);
    f->pio.read = read_fails;
    CHECK(fake_boot(f, SLOT_A, false, "1.0.0") == MOTE_EIO && f->a.phase == OTA_IDLE);
    fake_free(f);
}
