package dev.mote.flasher;

import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Arch;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.profile.ProfileRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** Shared test fixtures: the repository's profiles, and signed images made without a toolchain. */
public final class Samples {
    public static final SigningKey KEY = SigningKey.generate();
    public static final String ARM = "qemu-virt-arm64";

    private Samples() {
    }

    /** The repository root (the directory holding device-profiles/). */
    public static Path repo() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("device-profiles")) && Files.isDirectory(d.resolve("sdk"))) {
                return d;
            }
        }
        throw new IllegalStateException("tests must run inside the Mote repository");
    }

    public static Profile profile(String name) {
        try {
            return new ProfileRegistry(List.of(repo().resolve("device-profiles")), repo()).resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<VerifyKey> keys() {
        return List.of(KEY.publicKey());
    }

    /** A signed image of {@code payloadSize} pseudo-random bytes (seeded by {@code seed}), written to {@code file}. */
    public static Path image(Path file, String profile, long counter, int payloadSize, int seed, SigningKey key)
            throws IOException {
        byte[] payload = new byte[payloadSize];
        new Random(seed).nextBytes(payload);
        try {
            ImageHeader h = new ImageHeader(Arch.ARM64, payload.length, 0x40180000L, 0x40180000L,
                    new Version(1, seed, counter), counter, profile, "sample",
                    MessageDigest.getInstance("SHA-256").digest(payload));
            Image.sign(h, payload, key).write(file);
            return file;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    public static Path image(Path file, long counter, int seed) throws IOException {
        return image(file, ARM, counter, 200_000, seed, KEY);
    }

    /** SHA-256 of a file's bytes, or "absent". */
    public static String digest(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "absent";
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
