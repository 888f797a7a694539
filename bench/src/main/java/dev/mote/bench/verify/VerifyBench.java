package dev.mote.bench.verify;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Verifier;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * bench/verify's in-JVM half: what `mote verify` and `mote sign IMAGE` do, timed inside one JVM
 * after a warm-up, so JVM start-up and class loading are not in the figure.
 *
 *   java -cp sdk/target/mote-sdk.jar:bench/target/mote-bench.jar dev.mote.bench.verify.VerifyBench \
 *       time IMAGE PUB KEY OUT WARMUP REPS
 *   java -cp ... dev.mote.bench.verify.VerifyBench grow IMAGE KEY OUT MIB
 *
 * time: per rep, in seconds, one line of JSON:
 *   verify  Image.read(file) + Verifier.verify(image)       (VerifyCommand's work)
 *   sign    Image.read(file), hashMatches, Image.sign(header, payload, key), write(OUT)
 *           (SignCommand's work for an image: re-sign)
 *   sha256  MessageDigest SHA-256 of the payload bytes, already in memory (the JDK's hash alone)
 * grow: writes OUT, a valid signed image whose payload is IMAGE's repeated to MIB MiB (the format
 *   allows payloads up to 4 GiB; it would not fit a slot, it is only for the host tools).
 */
public final class VerifyBench {
    public static void main(String[] a) throws Exception {
        if (a.length == 7 && a[0].equals("time")) {
            time(Path.of(a[1]), Path.of(a[2]), Path.of(a[3]), Path.of(a[4]), Integer.parseInt(a[5]),
                    Integer.parseInt(a[6]));
        } else if (a.length == 5 && a[0].equals("grow")) {
            grow(Path.of(a[1]), Path.of(a[2]), Path.of(a[3]), Integer.parseInt(a[4]));
        } else {
            System.err.println("usage: VerifyBench time IMAGE PUB KEY OUT WARMUP REPS | grow IMAGE KEY OUT MIB");
            System.exit(2);
        }
    }

    private static void time(Path image, Path pub, Path keyFile, Path out, int warmup, int reps) throws Exception {
        Verifier verifier = new Verifier(List.of(Keys.readPublic(pub)));
        SigningKey key = Keys.readPrivate(keyFile, null);
        byte[] payload = Image.read(image).payload();
        List<Double> v = new ArrayList<>(), s = new ArrayList<>(), h = new ArrayList<>();
        for (int i = 0; i < warmup + reps; i++) {
            long t0 = System.nanoTime();
            verifier.verify(Image.read(image));
            long t1 = System.nanoTime();
            Image old = Image.read(image);
            if (!old.hashMatches()) {
                throw new IllegalStateException(image + ": hash mismatch");
            }
            Image.sign(old.header(), old.payload(), key).write(out);
            long t2 = System.nanoTime();
            byte[] d = MessageDigest.getInstance("SHA-256").digest(payload);
            long t3 = System.nanoTime();
            if (d.length != 32) {
                throw new IllegalStateException("sha256");
            }
            if (i >= warmup) {
                v.add((t1 - t0) / 1e9);
                s.add((t2 - t1) / 1e9);
                h.add((t3 - t2) / 1e9);
            }
        }
        verifier.verify(Image.read(out));   // what sign wrote is good
        System.out.println("{\"payload\": " + payload.length + ", \"warmup\": " + warmup + ", \"verify\": " + v
                + ", \"sign\": " + s + ", \"sha256\": " + h + ", \"jvm\": \"" + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version") + "\"}");
    }

    private static void grow(Path image, Path keyFile, Path out, int mib) throws Exception {
        Image small = Image.read(image);
        byte[] part = small.payload();
        byte[] payload = new byte[mib << 20];
        for (int off = 0; off < payload.length; off += part.length) {
            System.arraycopy(part, 0, payload, off, Math.min(part.length, payload.length - off));
        }
        ImageHeader h = small.header();
        ImageHeader big = new ImageHeader(h.arch(), payload.length, h.loadAddress(), h.entryPoint(), h.version(),
                h.securityCounter(), h.profile(), h.appName(), MessageDigest.getInstance("SHA-256").digest(payload));
        Image.sign(big, payload, Keys.readPrivate(keyFile, null)).write(out);
    }
}
