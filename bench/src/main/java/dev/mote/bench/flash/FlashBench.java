package dev.mote.bench.flash;

import dev.mote.flasher.disk.BlockTarget;
import dev.mote.flasher.disk.FlashListener;
import dev.mote.flasher.disk.FlashResult;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.profile.ProfileRegistry;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * bench/flash's in-process half: dev.mote.flasher.BlockTarget.flash() into a fresh copy of a blank
 * flash file (copied and synced untimed before every call), in one JVM: WARMUP untimed-for-the-median calls,
 * then N timed ones. Prints one JSON line: {"cold": s, "warm": [s, ...]} (cold: the first call).
 *
 *     java -cp mote-flasher.jar:CLASSES FlashBench PROFILE IMAGE BLANK TARGET PUB WARMUP N
 */
public final class FlashBench {
    public static void main(String[] a) throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        Profile profile = new ProfileRegistry(List.of(repo.resolve("device-profiles")), repo).resolve(a[0]);
        Path image = Path.of(a[1]), blank = Path.of(a[2]), target = Path.of(a[3]);
        List<VerifyKey> keys = List.of(Keys.readPublic(Path.of(a[4])));
        int warmup = Integer.parseInt(a[5]), n = Integer.parseInt(a[6]);
        double cold = 0;
        List<String> warm = new ArrayList<>();
        for (int i = 0; i < warmup + n; i++) {
            Files.copy(blank, target, StandardCopyOption.REPLACE_EXISTING);
            settle(target);
            long t0 = System.nanoTime();
            FlashResult r = new BlockTarget(target, profile).flash(image, keys, FlashListener.NONE);
            double s = (System.nanoTime() - t0) / 1e9;
            if (r.skipped() != 0) {
                throw new IllegalStateException("chunks skipped: the target was not blank");
            }
            if (i == 0) {
                cold = s;
            }
            if (i >= warmup) {
                warm.add(String.format("%.6f", s));
            }
        }
        System.out.printf("{\"cold\": %.6f, \"warm\": [%s]}%n", cold, String.join(", ", warm));
    }

    /**
     * As bench/flash/flash.py does before every timed command (dd's too): the fresh copy's 16 MiB on the
     * disk (fsync) and everything else written meanwhile (sync), so the flash's own fsync does not
     * also flush the copy.
     */
    private static void settle(Path file) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        if (new ProcessBuilder("sync").inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("sync failed");
        }
    }
}
