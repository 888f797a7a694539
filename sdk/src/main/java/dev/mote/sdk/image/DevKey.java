package dev.mote.sdk.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The development signing key `mote build` uses when no --key is given, so that a first build
 * works with nothing set up. One per checkout: {@code <repo>/.mote/dev-signing.key}, where
 * {@code <repo>} is the nearest directory above the app holding device-profiles/ or .git, else
 * {@code ~/.mote/dev-signing.key}. It is created on first use, unencrypted, mode 0600, with its
 * public key beside it (dev-signing.pub). Never for production: anything built in the checkout
 * is signed with it.
 */
public final class DevKey {
    public static final String KEY_FILE = "dev-signing.key";
    public static final String PUB_FILE = "dev-signing.pub";

    private DevKey() {
    }

    /** Where the development key for an app in {@code appDir} lives. */
    public static Path location(Path appDir, Path home) {
        for (Path d = appDir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("device-profiles")) || Files.exists(d.resolve(".git"))) {
                return d.resolve(".mote").resolve(KEY_FILE);
            }
        }
        return home.resolve(".mote").resolve(KEY_FILE);
    }

    /**
     * The key in {@code keyFile}, created first if missing. Safe against concurrent builds: the
     * new key is written to a temporary file and hard-linked into place, so exactly one key wins
     * and every build signs with the one that is on disk.
     */
    public static SigningKey loadOrCreate(Path keyFile) throws IOException {
        Path abs = keyFile.toAbsolutePath();
        if (!Files.exists(abs)) {
            Files.createDirectories(abs.getParent());
            Path tmp = Files.createTempFile(abs.getParent(), ".dev-signing-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, Keys.privatePem(Keys.generate(), null), StandardCharsets.US_ASCII);
                Files.createLink(abs, tmp);
            } catch (FileAlreadyExistsException e) {
                // Another build created it first: use that one.
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        SigningKey key = Keys.readPrivate(abs, null);
        Path pub = abs.resolveSibling(PUB_FILE);
        String pem = Keys.publicPem(key.publicKey());
        if (!Files.exists(pub) || !Files.readString(pub, StandardCharsets.US_ASCII).equals(pem)) {
            Path tmp = Files.createTempFile(abs.getParent(), ".dev-signing-", ".pub.tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            try {
                Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
                Files.move(tmp, pub, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return key;
    }

    /** The warning every build signed with the development key prints. */
    public static List<String> warning(Path keyFile, SigningKey key) {
        return List.of(
                "mote: WARNING: signed with the DEVELOPMENT key " + keyFile + " (key id " + key.publicKey().shortId()
                        + ")",
                "mote: WARNING: NOT FOR PRODUCTION: it sits unencrypted in this checkout; never trust it on a shipped device.",
                "mote: WARNING: for real devices: mote keygen --out keys/fleet, then mote build ... --key keys/fleet.key");
    }
}
