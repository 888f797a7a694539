/*
 * The OTA agent against a fake server in virtual time: a whole update
 * message by message (docs/ota-protocol.md, "A whole update, message by
 * message"), the reports after the reboot, chunks in any order, and power
 * cuts at every point of a download and an install.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "fake.h"
#include <mote.h>

#define IMG_1MB 1048592   /* payload: a 1048952-byte image, as in the document */

/* The next published lines are exactly these (NULL-terminated), and no more. */
static void expect(struct fake *f, ...)
{
    va_list ap;
    va_start(ap, f);
    for (const char *want; (want = va_arg(ap, const char *));)
        CHECK_STR(fake_next(f), want);
    va_end(ap);
    CHECK_STR(fake_next(f), "");
}

static unsigned long long everything = ~0ull;

void test_agent_whole_update_message_by_message(void)
{
    struct fake *f = fake_new("1.0.0", 1);
    struct fake_image img;
    fake_image_make(&img, IMG_1MB, NULL, 2, "1.1.0", 0xa7, 1);
    CHECK(img.size == 1048952);
    fake_connect(f);
    expect(f, "hello profile=qemu-virt-arm64 version=1.0.0 counter=1 slot=a max_chunk=16384", NULL);

    fake_offer(f, 7, &img, 16384, 4);
    expect(f, "req job=7 off=0 len=65536", "req job=7 off=65536 len=65536",
           "state job=7 status=downloading off=0", NULL);
    CHECK(fake_run(f, 3) == 3);
    expect(f, NULL);                                  /* nothing while the window fills */
    CHECK(fake_run(f, 1) == 1);                       /* the first request is complete */
    expect(f, "req job=7 off=131072 len=65536", NULL);
    CHECK(fake_run(f, 4) == 4);                       /* a tenth of the image: a report */
    expect(f, "state job=7 status=downloading off=114688", "req job=7 off=196608 len=65536", NULL);

    fake_run(f, (unsigned)everything);
    CHECK(fake_count(f, "state job=7 status=downloading") == 8);  /* tenths 2..9 */
    f->read -= 3;                                     /* the last three lines, again */
    expect(f, "state job=7 status=verifying", "state job=7 status=installed",
           "state job=7 status=rebooting", NULL);
    CHECK(!memcmp(f->slot, img.bytes, img.size));
    CHECK(f->delivered == img.size);                  /* not a byte twice */
    CHECK(f->pending && !f->rebooted);
    fake_wait(f, OTA_REBOOT_DELAY_MS);
    CHECK(f->rebooted);

    /* the bootloader starts slot B in TEST; the app has not confirmed yet */
    CHECK(fake_boot(f, SLOT_B, true, "1.1.0") == 0);
    CHECK(f->a.phase == OTA_TESTING);
    fake_connect(f);
    expect(f, "hello profile=qemu-virt-arm64 version=1.1.0 counter=1 slot=b max_chunk=16384", NULL);
    fake_offer(f, 7, &img, 16384, 4);                 /* the server repeats its offer: not now */
    fake_wait(f, 10000);
    expect(f, NULL);
    f->confirmed = true;                              /* mote_confirm() */
    fake_wait(f, OTA_CONFIRM_POLL_MS);
    expect(f, "state job=7 status=confirmed version=1.1.0", NULL);

    /* repeated after every hello, and on an offer of the same job, until a new job */
    fake_disconnect(f);
    fake_connect(f);
    expect(f, "hello profile=qemu-virt-arm64 version=1.1.0 counter=1 slot=b max_chunk=16384",
           "state job=7 status=confirmed version=1.1.0", NULL);
    fake_offer(f, 7, &img, 16384, 4);
    expect(f, "state job=7 status=confirmed version=1.1.0", NULL);
    CHECK(fake_boot(f, SLOT_B, false, "1.1.0") == 0); /* and across a reboot */
    fake_connect(f);
    CHECK(fake_count(f, "state job=7 status=confirmed version=1.1.0") == 1);

    struct fake_image v12;
    fake_image_make(&v12, 5000, NULL, 2, "1.2.0", 0xa7, 2);
    fake_offer(f, 8, &v12, 16384, 4);
    expect(f, "req job=8 off=0 len=5360", "state job=8 status=downloading off=0", NULL);
    fake_disconnect(f);
    fake_connect(f);
    expect(f, "hello profile=qemu-virt-arm64 version=1.1.0 counter=1 slot=b max_chunk=16384 job=8 have=0",
           NULL);
    fake_image_free(&v12);
    fake_image_free(&img);
    fake_free(f);
}

/* Installs `img` as job `job` and lets the device reboot; returns the fake for more. */
static void install(struct fake *f, uint32_t job, const struct fake_image *img)
{
    fake_connect(f);
    fake_offer(f, job, img, 16384, 4);
    fake_run(f, (unsigned)everything);
    fake_wait(f, OTA_REBOOT_DELAY_MS);
    CHECK(f->rebooted && f->pending);
    fake_skip(f);
}

void test_agent_rollback_and_confirm_paths_after_the_reboot(void)
{
    struct fake_image img;
    fake_image_make(&img, 40000, NULL, 1, "1.1.0", 0xa7, 3);

    /* the new image crashed in TEST; the bootloader went back to slot A */
    struct fake *f = fake_new("1.0.0", 1);
    install(f, 7, &img);
    CHECK(fake_boot(f, SLOT_B, true, "1.1.0") == 0);
    fake_wait(f, 3000);                               /* no confirm: reset by the watchdog */
    CHECK(fake_boot(f, SLOT_A, false, "1.0.0") == 0);
    fake_connect(f);
    expect(f, "hello profile=qemu-virt-arm64 version=1.0.0 counter=1 slot=a max_chunk=16384",
           "state job=7 status=rolledback version=1.0.0 "
           "reason=new image did not confirm; running slot a again",
           NULL);
    fake_connect(f);                                  /* repeated after each hello */
    CHECK(fake_count(f, "state job=7 status=rolledback") == 1);
    fake_free(f);

    /* the app confirmed, then the device was reset before the agent reported it */
    f = fake_new("1.0.0", 1);
    install(f, 7, &img);
    CHECK(fake_boot(f, SLOT_B, false, "1.1.0") == 0);
    fake_connect(f);
    expect(f, "hello profile=qemu-virt-arm64 version=1.1.0 counter=1 slot=b max_chunk=16384",
           "state job=7 status=confirmed version=1.1.0", NULL);
    fake_free(f);

    /* confirmed while offline: reported after the hello */
    f = fake_new("1.0.0", 1);
    install(f, 7, &img);
    CHECK(fake_boot(f, SLOT_B, true, "1.1.0") == 0);
    f->confirmed = true;
    fake_wait(f, 10);
    fake_connect(f);
    expect(f, "hello profile=qemu-virt-arm64 version=1.1.0 counter=1 slot=b max_chunk=16384",
           "state job=7 status=confirmed version=1.1.0", NULL);
    fake_free(f);

    /* the power went after the pending mark, before the reboot: the bootloader tests it anyway */
    f = fake_new("1.0.0", 1);
    fake_connect(f);
    fake_offer(f, 7, &img, 16384, 4);
    fake_run(f, (unsigned)everything);
    CHECK(f->pending && !f->rebooted);
    CHECK(fake_boot(f, SLOT_B, true, "1.1.0") == 0);
    CHECK(f->a.phase == OTA_TESTING);
    f->confirmed = true;
    fake_connect(f);
    fake_wait(f, OTA_CONFIRM_POLL_MS);
    CHECK(fake_count(f, "state job=7 status=confirmed version=1.1.0") == 1);
    fake_free(f);
    fake_image_free(&img);
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state;
}

void test_agent_chunks_out_of_order_duplicated_and_wrong(void)
{
    struct fake *f = fake_new("1.0.0", 1);
    struct fake_image img;
    fake_image_make(&img, 300000, NULL, 1, "1.1.0", 0xa7, 4);
    fake_connect(f);
    fake_offer(f, 7, &img, 4096, 4);
    fake_skip(f);
    fake_serve(f);
    CHECK(f->qlen == 8);
    /* everything wrong about a chunk gets it dropped */
    uint32_t dropped = f->a.stats.dropped_chunks;
    fake_send_chunk(f, 7, 4096, 4096, 1);             /* CRC */
    fake_send_chunk(f, 8, 4096, 4096, 0);             /* job */
    fake_send_chunk(f, 7, 2048, 4096, 0);             /* not on a chunk boundary */
    fake_send_chunk(f, 7, 4096, 4095, 0);             /* length */
    fake_send_chunk(f, 7, 32768, 4096, 0);            /* not asked for */
    fake_send_chunk(f, 7, 299000, 1000, 0);           /* not asked for (yet) */
    CHECK(f->a.stats.dropped_chunks == dropped + 6);
    CHECK(f->slot_written == 0);                      /* nothing reached the flash */
    ota_agent_message(&f->a, "chunk", "\0\0\0\7\0\0\0\0\0\0\0\0", 12, f->now);
    ota_agent_message(&f->a, "chunk", "", 0, f->now);
    CHECK(f->a.stats.bad_chunks == 2);
    /* the second request's chunks first, the first request's backwards, one twice */
    for (int i = 7; i >= 4; i--)
        fake_deliver(f, (unsigned)i);
    CHECK(dl_have(&f->a.dl) == 0);
    fake_send_chunk(f, 7, 16384, 4096, 0);            /* duplicate */
    CHECK(f->a.stats.dropped_chunks == dropped + 7);
    for (int i = 3; i >= 0; i--)
        fake_deliver(f, (unsigned)i);
    CHECK(dl_have(&f->a.dl) == 32768);
    /* the rest in random order */
    while (f->qlen)
        fake_deliver(f, rnd() % f->qlen);
    CHECK(f->rebooted == false && f->pending);
    CHECK(!memcmp(f->slot, img.bytes, img.size));
    CHECK(f->delivered == img.size + 4096 * 5 + 4095 + 1000);
    CHECK(fake_count(f, "state job=7 status=installed") == 1);
    fake_image_free(&img);
    fake_free(f);
}

/*
 * Cut the power after every few chunks of a 1 MiB download (and once in the
 * middle of each kind of record write): the device comes back with what it
 * had saved, says so in its hello, and finishes having received at most one
 * save interval (plus the chunk that crossed it) again.
 */
void test_agent_resumes_after_power_cuts(void)
{
    struct fake_image img;
    fake_image_make(&img, IMG_1MB, NULL, 1, "1.1.0", 0xa7, 5);
    for (unsigned cut = 0; cut <= 64; cut += 3) {
        struct fake *f = fake_new("1.0.0", 1);
        fake_connect(f);
        fake_offer(f, 7, &img, 16384, 4);
        fake_run(f, cut);
        uint32_t held = dl_have(&f->a.dl);
        CHECK(fake_boot(f, SLOT_A, false, "1.0.0") == 0);   /* power back */
        uint32_t have = f->a.rec.have;
        CHECK(have <= held && held - have < OTA_SAVE_EVERY + 16384);
        CHECK(f->a.phase == OTA_FETCHING && dl_have(&f->a.dl) == have);
        fake_skip(f);
        fake_connect(f);
        char hello[200];
        snprintf(hello, sizeof(hello),
                 "hello profile=qemu-virt-arm64 version=1.0.0 counter=1 slot=a max_chunk=16384 "
                 "job=7 have=%u", have);
        CHECK_STR(fake_next(f), hello);
        fake_offer(f, 7, &img, 16384, 4);                   /* the server repeats its offer */
        char req[100];
        snprintf(req, sizeof(req), "req job=7 off=%u len=65536", have);
        CHECK_STR(fake_next(f), req);
        fake_run(f, (unsigned)everything);
        CHECK(f->pending && !memcmp(f->slot, img.bytes, img.size));
        if (f->delivered - img.size != held - have) {
            fprintf(stderr, "cut %u: delivered %llu, size %u, held %u, have %u\n", cut,
                    (unsigned long long)f->delivered, img.size, held, have);
            check_failures++;
        }
        fake_free(f);
    }
    fake_image_free(&img);
}

void test_agent_power_cut_during_every_byte_of_a_save(void)
{
    struct fake_image img;
    fake_image_make(&img, 200000, NULL, 1, "1.1.0", 0xa7, 6);
    for (long cut = 0; cut <= PROGRESS_SIZE; cut++) {
        struct fake *f = fake_new("1.0.0", 1);
        fake_connect(f);
        fake_offer(f, 7, &img, 16384, 4);
        fake_run(f, 3);
        f->budget = cut;                  /* the fourth chunk makes 64 KiB: a save */
        fake_run(f, 1);
        CHECK(f->a.stats.save_errors == (cut < PROGRESS_SIZE));
        CHECK(fake_boot(f, SLOT_A, false, "1.0.0") == 0);
        CHECK(f->a.phase == OTA_FETCHING && f->a.rec.job == 7);
        CHECK(f->a.rec.have == (cut == PROGRESS_SIZE ? 65536u : 0u));
        fake_free(f);
    }
    /* a cut while saving the offer itself: no job at all, or the job at 0 */
    for (long cut = 0; cut <= PROGRESS_SIZE; cut++) {
        struct fake *f = fake_new("1.0.0", 1);
        fake_connect(f);
        f->budget = cut;
        fake_offer(f, 7, &img, 16384, 4);
        CHECK(fake_boot(f, SLOT_A, false, "1.0.0") == 0);
        CHECK(f->a.phase == (cut == PROGRESS_SIZE ? OTA_FETCHING : OTA_IDLE));
        fake_free(f);
    }
    fake_image_free(&img);
}

/*
 * A download's saves are written without a flush of their own, each right
 * after a slot sync (the fake checks the order), and a reboot resumes from
 * the last of them; the records that end a download are flushed as before.
 */
void test_agent_download_saves_follow_a_sync_without_a_flush(void)
{
    struct fake_image img;
    fake_image_make(&img, 300000, NULL, 1, "1.1.0", 0xa7, 9);
    struct fake *f = fake_new("1.0.0", 1);
    fake_connect(f);
    fake_offer(f, 7, &img, 16384, 4);
    unsigned saves = f->a.stats.saves;
    fake_run(f, 9);                       /* 147456 bytes: saves at 64 and 128 KiB */
    CHECK(f->lazy_saves == 2 && f->a.stats.saves == saves + 2);
    CHECK(fake_boot(f, SLOT_A, false, "1.0.0") == 0);
    CHECK(f->a.phase == OTA_FETCHING && f->a.rec.have == 131072);
    fake_connect(f);
    fake_skip(f);
    fake_offer(f, 7, &img, 16384, 4);
    CHECK_STR(fake_next(f), "req job=7 off=131072 len=65536");
    fake_run(f, 1000);
    CHECK(f->pending && !memcmp(f->slot, img.bytes, img.size));
    CHECK(f->lazy_saves == 4);            /* 196608 and 262144; the end's records are flushed */
    fake_free(f);
    fake_image_free(&img);
}

/* The power goes between "installed" being recorded and the pending mark. */
static int cut_at_pending(void *ctx)
{
    struct fake *f = ctx;
    f->budget = 0;
    return MOTE_EIO;
}

void test_agent_power_cut_before_the_pending_mark(void)
{
    struct fake_image img;
    fake_image_make(&img, 30000, NULL, 1, "1.1.0", 0xa7, 7);
    struct fake *f = fake_new("1.0.0", 1);
    f->env.set_pending = cut_at_pending;
    fake_connect(f);
    fake_offer(f, 7, &img, 16384, 4);
    fake_run(f, (unsigned)everything);
    CHECK(!f->pending);
    /* nothing was marked: the bootloader starts slot A again; the job did not happen */
    CHECK(fake_boot(f, SLOT_A, false, "1.0.0") == 0);
    fake_skip(f);
    fake_connect(f);
    fake_next(f);
    CHECK_STR(fake_next(f), "state job=7 status=rolledback version=1.0.0 "
                            "reason=new image did not confirm; running slot a again");
    fake_free(f);
    fake_image_free(&img);
}
