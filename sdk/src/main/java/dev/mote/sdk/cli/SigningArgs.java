package dev.mote.sdk.cli;

import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.run.BootChain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * The signing options shared by build, sign and keygen, and how to turn them (and run's and
 * flash's --pub) into keys. Public for the flasher's command line.
 */
public final class SigningArgs {
    private SigningArgs() {
    }

    static Option key() {
        return Option.builder().longOpt("key").hasArg().argName("KEY")
                .desc("Ed25519 private key (PEM) to sign with, e.g. keys/fleet.key from 'mote keygen'").build();
    }

    static Option passphraseEnv() {
        return Option.builder().longOpt("passphrase-env").hasArg().argName("VAR")
                .desc("the key's passphrase is in environment variable VAR (never on the command line)").build();
    }

    /** --version and --security-counter. */
    static Options addHeaderOptions(Options o) {
        return o.addOption(Option.builder().longOpt("version").hasArg().argName("MAJOR.MINOR.PATCH")
                        .desc("app version in the image header (default 0.0.0)").build())
                .addOption(Option.builder().longOpt("security-counter").hasArg().argName("N")
                        .desc("anti-rollback counter (default 0): devices refuse images below the"
                                + " highest they have run").build());
    }

    static Version version(CommandLine line, Version fallback) {
        return line.hasOption("version") ? Version.parse("--version", line.getOptionValue("version")) : fallback;
    }

    static Long counter(CommandLine line, String option) {
        return line.hasOption(option) ? unsigned32("--" + option, line.getOptionValue(option)) : null;
    }

    /** A number 0..2^32-1, or IllegalArgumentException naming {@code argument}. */
    static long unsigned32(String argument, String text) {
        if (text == null || !text.matches("\\d{1,10}") || Long.parseLong(text) > 0xffff_ffffL) {
            throw new IllegalArgumentException(argument + ": '" + text + "' is not a number 0..4294967295");
        }
        return Long.parseLong(text);
    }

    /** The passphrase from the environment variable named by --passphrase-env, or null. */
    static char[] passphrase(Context ctx, String var) {
        if (var == null) {
            return null;
        }
        String value = ctx.env().get(var);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("--passphrase-env: environment variable " + var
                    + (value == null ? " is not set" : " is empty"));
        }
        return value.toCharArray();
    }

    static SigningKey signingKey(Context ctx, String keyFile, String passphraseVar) throws IOException {
        return Keys.readPrivate(ctx.path(keyFile), passphrase(ctx, passphraseVar));
    }

    /**
     * The keys a bootloader or flasher trusts: the --pub files given, or else the development key
     * (BootChain.defaultKeys: the user's, as `mote build` signs with; {@code near} names the file).
     */
    public static List<VerifyKey> trustedKeys(Context ctx, List<String> pubs, Path near) throws IOException {
        if (pubs.isEmpty()) {
            return BootChain.defaultKeys(near, ctx.env(), Path.of(System.getProperty("user.home")));
        }
        return publicKeys(ctx, pubs);
    }

    static List<VerifyKey> publicKeys(Context ctx, List<String> files) throws IOException {
        List<VerifyKey> keys = new ArrayList<>();
        for (String f : files) {
            keys.add(Keys.readPublic(ctx.path(f)));
        }
        return keys;
    }
}
