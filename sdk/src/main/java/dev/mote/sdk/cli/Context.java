package dev.mote.sdk.cli;

import dev.mote.sdk.Sdk;
import dev.mote.sdk.Tools;
import dev.mote.sdk.profile.ProfileRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command runs against: its output streams, environment and working directory, and the
 * SDK, found lazily so that `mote help` never extracts anything.
 */
public final class Context {
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Path cwd;
    private final boolean interactive;
    private Sdk sdk;

    public Context(PrintStream out, PrintStream err, Map<String, String> env, Path cwd, boolean interactive) {
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.cwd = cwd;
        this.interactive = interactive;
    }

    /** This process's streams, environment and directory. */
    public static Context system() {
        return new Context(System.out, System.err, System.getenv(), Path.of("").toAbsolutePath(),
                System.console() != null);
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }

    public Path cwd() {
        return cwd;
    }

    /** True when a person is at a terminal: the guest console then gets our stdin. */
    public boolean interactive() {
        return interactive;
    }

    /** Resolves a path argument against the working directory, keeping it relative for display. */
    public Path path(String arg) {
        Path p = Path.of(arg);
        return p.isAbsolute() || cwd.equals(Path.of("").toAbsolutePath()) ? p : cwd.resolve(p);
    }

    public Sdk sdk() throws IOException {
        if (sdk == null) {
            sdk = Sdk.locate(env);
        }
        return sdk;
    }

    public Tools tools() {
        return new Tools(env);
    }

    public ProfileRegistry profiles() throws IOException {
        return ProfileRegistry.standard(sdk().profiles(), env, cwd);
    }
}
