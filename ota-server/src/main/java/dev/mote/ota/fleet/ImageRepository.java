package dev.mote.ota.fleet;

import dev.mote.ota.fleet.Records.ImageInfo;
import dev.mote.ota.store.Store;
import dev.mote.sdk.image.Board;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.Verifier;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.profile.ProfileRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.tinylog.Logger;

/**
 * The image repository: signed images, verified on upload with the SDK's {@link Verifier}
 * against the server's trusted keys and, for a profile the SDK knows, against its board's limits
 * (the bootloader's header rules: nothing a device would refuse to load is offered), stored content-addressed by the SHA-256 of the whole file
 * (what an offer names and a device checks after downloading). Chunk requests are answered from
 * a small in-memory LRU of image bytes, never from the database.
 */
final class ImageRepository {
    private static final HexFormat HEX = HexFormat.of();
    private final Store store;
    private final Verifier verifier;
    private final Function<String, Board> boards;
    private final Clock clock;
    private final Map<String, byte[]> cache;

    ImageRepository(Store store, List<VerifyKey> trusted, Clock clock, int cachedImages) {
        this(store, trusted, clock, cachedImages, ImageRepository::packagedBoard);
    }

    /**
     * {@code boards}: the limits of the boards of a profile (arch, slot, RAM, the bootloader), or
     * null for a profile the server does not know: its images get every other check.
     */
    ImageRepository(Store store, List<VerifyKey> trusted, Clock clock, int cachedImages,
                    Function<String, Board> boards) {
        this.store = store;
        this.boards = boards;
        this.verifier = new Verifier(trusted);
        this.clock = clock;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > cachedImages;
            }
        };
    }

    /** The board of a profile packaged with the SDK, or null. */
    static Board packagedBoard(String profile) {
        Profile p = ProfileRegistry.packaged(profile);
        return p == null ? null : Board.of(p);
    }

    /** Verifies and stores {@code bytes}; the same bytes again return the first record. */
    ImageInfo upload(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw FleetException.badRequest("image: no bytes given (the body is the .img file)");
        }
        Image image;
        VerifyKey key;
        try {
            image = Image.parse(bytes);
            key = verifier.verify(image);
            Board board = boards.apply(image.header().profile());
            if (board != null) {
                board.check(image.header()); // what its boards' bootloader refuses before loading
            }
        } catch (ImageException e) {
            throw FleetException.refused(e.getMessage());
        }
        String sha = sha256(bytes);
        ImageInfo known = store.db().tx(() -> store.images().find(sha));
        if (known != null) {
            return known;
        }
        // The file first: a row must never name a file that is not all there.
        try {
            store.files().write(sha, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("storing image " + sha + ": " + e.getMessage(), e);
        }
        ImageHeader h = image.header();
        ImageInfo info = new ImageInfo(sha, bytes.length, h.profile(), h.arch().keyword(), h.appName(),
                h.version().toString(), h.securityCounter(), key.keyIdHex(), clock.millis());
        return store.db().tx(() -> {
            ImageInfo raced = store.images().find(sha);
            if (raced != null) {
                return raced;
            }
            store.images().insert(info);
            Logger.info("image {} stored: {} {} for {}, counter {}, {} bytes", sha.substring(0, 12), info.app(),
                    info.version(), info.profile(), info.securityCounter(), info.size());
            return info;
        });
    }

    List<ImageInfo> images() {
        return store.db().tx(() -> store.images().all());
    }

    /** The image with this SHA-256 or unique prefix of at least 8 hex digits; 404 / 400 otherwise. */
    ImageInfo image(String shaOrPrefix) {
        String p = shaOrPrefix == null ? "" : shaOrPrefix.toLowerCase(Locale.ROOT);
        if (!p.matches("[0-9a-f]{8,64}")) {
            throw FleetException.badRequest("image: '" + shaOrPrefix + "' is not a SHA-256 or a prefix of at least"
                    + " 8 hex digits of one");
        }
        List<ImageInfo> found = store.db().tx(() -> store.images().withPrefix(p));
        if (found.isEmpty()) {
            throw FleetException.notFound("image " + shaOrPrefix + ": no such image (upload it first)");
        }
        if (found.size() > 1) {
            throw FleetException.badRequest("image " + shaOrPrefix + ": the prefix matches several images; give more"
                    + " digits");
        }
        return found.get(0);
    }

    /**
     * The bytes of a stored image, for chunk requests: from memory, else read from its file and
     * checked against its name once (a damaged file is never streamed: null, and the device's
     * request is answered with a cancel).
     */
    synchronized byte[] bytes(String sha) {
        byte[] b = cache.get(sha);
        if (b != null) {
            return b;
        }
        try {
            b = store.files().read(sha);
        } catch (IOException e) {
            Logger.error("image {}: cannot read its file: {}", sha, e.getMessage());
            return null;
        }
        if (!sha.equals(sha256(b))) {
            Logger.error("image {}: its file does not hash to its name: damaged on disk; not serving it", sha);
            return null;
        }
        cache.put(sha, b);
        return b;
    }

    static String sha256(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
