/* The request window (download.c), as dev.mote.ota.sim.Download behaves. */
#include <stdint.h>
#include "check.h"
#include <ota/download.h>
#include <mote.h>

struct reqs {
    char text[512];
    int n;
};

static void emit(void *arg, uint32_t off, uint32_t len)
{
    struct reqs *r = arg;
    size_t at = strlen(r->text);
    snprintf(r->text + at, sizeof(r->text) - at, "%s%u+%u", r->n++ ? " " : "", off, len);
}

static void take(struct download *d, uint32_t off, uint32_t len)
{
    int req, slot;
    CHECK(dl_find(d, d->job, off, len, &req, &slot) == 0);
    dl_mark(d, req, slot);
}

void test_dl_two_requests_in_order_and_the_tail(void)
{
    struct download d;
    struct reqs r = { "", 0 };
    /* 10 chunks of 100 plus 50: 1050 bytes, window 4 */
    dl_start(&d, 7, 1050, 100, 4, 0);   /* small numbers to read; the logic does not care */
    dl_fill(&d, emit, &r);
    CHECK_STR(r.text, "0+400 400+400");
    CHECK(dl_have(&d) == 0 && !dl_complete(&d));
    for (uint32_t off = 0; off < 400; off += 100)
        take(&d, off, 100);
    CHECK(dl_have(&d) == 400 && d.nreqs == 1);
    r = (struct reqs){ "", 0 };
    dl_fill(&d, emit, &r);
    CHECK_STR(r.text, "800+250");   /* the last request is short */
    for (uint32_t off = 400; off < 1000; off += 100)
        take(&d, off, 100);
    int req, slot;
    CHECK(dl_find(&d, 7, 1000, 100, &req, &slot) == MOTE_ENOENT);   /* the last chunk is 50 */
    take(&d, 1000, 50);
    CHECK(dl_complete(&d) && dl_have(&d) == 1050 && d.nreqs == 0);
    r = (struct reqs){ "", 0 };
    dl_fill(&d, emit, &r);
    CHECK(r.n == 0);
}

void test_dl_out_of_order_duplicates_and_strangers(void)
{
    struct download d;
    struct reqs r = { "", 0 };
    int req, slot;
    dl_start(&d, 7, 100000, 1000, 4, 0);
    dl_fill(&d, emit, &r);
    CHECK_STR(r.text, "0+4000 4000+4000");
    take(&d, 5000, 1000);                 /* second request first */
    take(&d, 1000, 1000);
    CHECK(dl_have(&d) == 0);
    take(&d, 0, 1000);
    CHECK(dl_have(&d) == 2000);
    CHECK(dl_find(&d, 7, 1000, 1000, &req, &slot) == MOTE_ENOENT);   /* duplicate */
    CHECK(dl_find(&d, 8, 2000, 1000, &req, &slot) == MOTE_ENOENT);   /* another job */
    CHECK(dl_find(&d, 7, 2500, 1000, &req, &slot) == MOTE_ENOENT);   /* off the boundary */
    CHECK(dl_find(&d, 7, 2000, 999, &req, &slot) == MOTE_ENOENT);    /* wrong length */
    CHECK(dl_find(&d, 7, 8000, 1000, &req, &slot) == MOTE_ENOENT);   /* not asked for */
    take(&d, 3000, 1000);
    take(&d, 2000, 1000);                 /* request 1 complete; request 2 has 5000 */
    CHECK(dl_have(&d) == 4000 && d.nreqs == 1);
    take(&d, 4000, 1000);
    CHECK(dl_have(&d) == 6000);
}

void test_dl_restart_asks_only_for_missing_runs(void)
{
    struct download d;
    struct reqs r = { "", 0 };
    dl_start(&d, 7, 100000, 1000, 4, 0);
    dl_restart(&d, emit, &r);             /* nothing outstanding: fill */
    CHECK_STR(r.text, "0+4000 4000+4000");
    take(&d, 1000, 1000);
    take(&d, 4000, 1000);
    take(&d, 6000, 1000);
    r = (struct reqs){ "", 0 };
    dl_restart(&d, emit, &r);
    CHECK_STR(r.text, "0+1000 2000+2000 5000+1000 7000+1000");
    /* a complete first request is gone; the runs of the second remain */
    take(&d, 0, 1000);
    take(&d, 2000, 1000);
    take(&d, 3000, 1000);
    r = (struct reqs){ "", 0 };
    dl_restart(&d, emit, &r);
    CHECK_STR(r.text, "5000+1000 7000+1000");
}

void test_dl_resume_and_short_images(void)
{
    struct download d;
    struct reqs r = { "", 0 };
    dl_start(&d, 9, 1000, 256, 1, 512);   /* resume at 512 */
    CHECK(dl_have(&d) == 512);
    dl_fill(&d, emit, &r);
    CHECK_STR(r.text, "512+256 768+232");
    dl_start(&d, 9, 1000, 256, 1, 5000);  /* beyond the image: everything held */
    CHECK(dl_complete(&d));
    /* the biggest window: 256 chunks of 64 KiB, one bit each */
    dl_start(&d, 1, 40u << 20, 65536, 256, 0);
    r = (struct reqs){ "", 0 };
    dl_fill(&d, emit, &r);
    CHECK_STR(r.text, "0+16777216 16777216+16777216");
    take(&d, 255u * 65536, 65536);
    take(&d, 16777216u + 255u * 65536, 65536);
    CHECK(dl_have(&d) == 0);
    r = (struct reqs){ "", 0 };
    dl_restart(&d, emit, &r);
    CHECK_STR(r.text, "0+16711680 16777216+16711680");
}
