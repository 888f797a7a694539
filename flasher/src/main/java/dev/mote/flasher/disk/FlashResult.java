package dev.mote.flasher.disk;

import java.time.Duration;

/**
 * A finished flash run.
 *
 * @param written bytes written (image chunks that differed, plus the 64-byte record)
 * @param skipped image bytes left alone because the target already held them
 * @param directReadBack true if the read-back bypassed the page cache (block devices, O_DIRECT)
 */
public record FlashResult(FlashPlan plan, long written, long skipped, boolean directReadBack, Duration took) {
}
