package dev.mote.sdk.testing;

import dev.mote.sdk.Sdk;
import dev.mote.sdk.Tools;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.profile.ProfileRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where tests find the product: the repository, the SDK built into target/classes, its profiles.
 * Part of the SDK's test fixtures (this package), which every module's tests use.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** The repository root (the directory holding examples/ and device-profiles/). */
    public static Path repo() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("examples")) && Files.isDirectory(d.resolve("device-profiles"))) {
                return d;
            }
        }
        throw new IllegalStateException("tests must run inside the Mote repository");
    }

    public static Path example(String name) {
        return repo().resolve("examples").resolve(name);
    }

    /** The SDK packaged by this build (target/classes/mote-sdk). */
    public static Sdk sdk() {
        try {
            return Sdk.locate(System.getenv());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Tools tools() {
        return new Tools(System.getenv());
    }

    /** The repository's profiles first, then the packaged ones. */
    public static ProfileRegistry registry() {
        return new ProfileRegistry(List.of(repo().resolve("device-profiles"), sdk().profiles()), repo());
    }

    public static Profile profile(String name) {
        try {
            return registry().resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
