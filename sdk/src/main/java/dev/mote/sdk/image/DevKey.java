package dev.mote.sdk.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * The development signing key `mote build` uses when no --key is given, so that a first build
 * works with nothing set up. One per user, shared by every app and checkout, so that `mote run`
 * trusts whatever `mote build` signed: {@code $MOTE_DEV_KEY} if set, else
 * {@code $XDG_CONFIG_HOME/mote/dev-signing.key}, else {@code ~/.config/mote/dev-signing.key}.
 * Never inside the app's repository (a private key there ends up committed). It is created on
 * first use, unencrypted, mode 0600, with its public key beside it (dev-signing.pub; for a
 * {@code $MOTE_DEV_KEY} of x.key, x.pub). Never for production.
 */
public final class DevKey {
    public static final String KEY_FILE = "dev-signing.key";
    public static final String PUB_FILE = "dev-signing.pub";
    /** Environment variable naming the development key file, overriding the default place. */
    public static final String ENV = "MOTE_DEV_KEY";

    private DevKey() {
    }

    /** Where the user's development key lives, from {@code env} (see the class comment). */
    public static Path location(Map<String, String> env, Path home) {
        String override = env.get(ENV);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize();
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : home.resolve(".config");
        return config.resolve("mote").resolve(KEY_FILE);
    }

    /** Where this process's user's development key lives. */
    public static Path location() {
        return location(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The public half beside {@code keyFile}: x.key -> x.pub, anything else + .pub. */
    public static Path publicFile(Path keyFile) {
        String name = keyFile.getFileName().toString();
        return keyFile.resolveSibling((name.endsWith(".key") ? name.substring(0, name.length() - 4) : name) + ".pub");
    }

    /**
     * A development key that earlier Mote versions wrote into the checkout holding the app
     * ({@code <dir>/.mote/dev-signing.key} in a directory above {@code appDir}), or null: Mote
     * no longer uses it, and the build says so, since it is a private key inside a repository.
     */
    public static Path legacyLocation(Path appDir) {
        for (Path d = appDir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            Path old = d.resolve(".mote").resolve(KEY_FILE);
            if (Files.isRegularFile(old)) {
                return old;
            }
        }
        return null;
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
        Path pub = publicFile(abs);
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
                "mote: WARNING: NOT FOR PRODUCTION: it sits unencrypted in your home directory (one per user, $" + ENV
                        + " overrides); never trust it on a shipped device.",
                "mote: WARNING: for real devices: mote keygen --out keys/fleet, then mote build ... --key keys/fleet.key");
    }
}
