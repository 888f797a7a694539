package dev.mote.sdk.cli;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageBuilder;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.SigningKey;
import dev.mote.sdk.image.Version;
import dev.mote.sdk.profile.Arch;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.MoteInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote sign INPUT --key KEY`: re-sign an existing image with another key (its payload and
 * profile stay; --version / --security-counter may change), or make a signed image from an ELF
 * that `mote build` linked (what a CI job does when the signing key lives elsewhere).
 */
final class SignCommand implements Command {
    @Override
    public String name() {
        return "sign";
    }

    @Override
    public String summary() {
        return "sign an ELF from 'mote build' into an image, or re-sign an image with another key";
    }

    @Override
    public String usage() {
        return "mote sign <image.img|app.elf> --key <key> [-o <out.img>] [--passphrase-env VAR] [-p <profile>]"
                + " [--app NAME] [--version V] [--security-counter N]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote sign out/hello.img --key keys/fleet.key                 # re-sign in place (dev key -> fleet key)",
                "  mote sign out/hello.img --key keys/fleet.key -o out/hello-fleet.img --security-counter 4",
                "  mote sign out/hello.elf --key keys/fleet.key --version 1.2.0 # writes out/hello.img",
                "An image keeps its payload, profile and app name; only --version and --security-counter can",
                "change (the whole header is signed again). For an ELF the profile comes from the build facts",
                "'mote build' stores in it (or -p) and the app name from the file name (or --app).");
    }

    @Override
    public Options options() {
        Options o = new Options()
                .addOption(SigningArgs.key())
                .addOption(SigningArgs.passphraseEnv())
                .addOption(Option.builder("o").longOpt("output").hasArg().argName("out.img")
                        .desc("where to write (default: an image is re-signed in place; x.elf gives x.img)").build())
                .addOption(Option.builder("p").longOpt("profile").hasArg().argName("profile")
                        .desc("ELF input only: the device profile (default: the one it was built for)").build())
                .addOption(Option.builder().longOpt("app").hasArg().argName("NAME")
                        .desc("ELF input only: app name in the header (default: the file name without .elf)").build());
        return SigningArgs.addHeaderOptions(o);
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException(positional.isEmpty() ? "<image.img|app.elf>: missing (what to sign)"
                    : "<image.img|app.elf>: expected one file, got " + positional.size() + ": " + positional);
        }
        if (!line.hasOption("key")) {
            throw new IllegalArgumentException("--key: missing (the private key, e.g. --key keys/fleet.key)");
        }
        Version version = line.hasOption("version") ? SigningArgs.version(line, null) : null;
        return new Sign(positional.get(0), line.getOptionValue("key"), line.getOptionValue("passphrase-env"),
                line.getOptionValue("o"), line.getOptionValue("p"), line.getOptionValue("app"), version,
                SigningArgs.counter(line, "security-counter"));
    }

    /** A parsed `mote sign`; null fields were not given. */
    record Sign(String input, String key, String passphraseEnv, String output, String profile, String app,
            Version version, Long securityCounter) implements Invocation {
        @Override
        public int execute(Context ctx) throws IOException {
            Path in = ctx.path(input);
            if (!Files.isRegularFile(in)) {
                throw new IllegalArgumentException("<image.img|app.elf>: '" + in + "' does not exist");
            }
            byte[] start;
            try (InputStream s = Files.newInputStream(in)) {
                start = s.readNBytes(4);
            }
            SigningKey k = SigningArgs.signingKey(ctx, key, passphraseEnv);
            Image signed;
            Path out;
            if (Image.looksLikeImage(start)) {
                if (profile != null || app != null) {
                    throw new IllegalArgumentException((profile != null ? "-p" : "--app")
                            + ": an existing image keeps its profile and app name; rebuild to change them");
                }
                signed = resign(in, k);
                out = output != null ? ctx.path(output) : in;
            } else {
                signed = fromElf(ctx, in, k);
                out = output != null ? ctx.path(output) : withImageExtension(in);
            }
            signed.write(out);
            ImageHeader h = signed.header();
            ctx.out().println("signed " + out + ": " + h.appName() + " " + h.version() + " for " + h.profile()
                    + ", security counter " + h.securityCounter() + ", key " + k.publicKey().shortId() + " (" + key
                    + ")");
            return 0;
        }

        private Image resign(Path in, SigningKey k) throws IOException {
            try {
                Image old = Image.read(in);
                if (!old.hashMatches()) {
                    throw new MoteException("sign: " + in + ": hash mismatch: the payload was changed after it was"
                            + " signed; refusing to sign it again", "rebuild the image from its sources");
                }
                ImageHeader h = old.header();
                if (version != null) {
                    h = h.withVersion(version);
                }
                if (securityCounter != null) {
                    h = h.withSecurityCounter(securityCounter);
                }
                return Image.sign(h, old.payload(), k);
            } catch (ImageException e) {
                throw new MoteException("sign: " + in + ": " + e.getMessage(), e.hint(), e);
            }
        }

        private Image fromElf(Context ctx, Path in, SigningKey k) throws IOException {
            ElfFile elf = ElfFile.read(in);
            MoteInfo info = MoteInfo.read(elf);
            String name;
            Arch arch;
            if (profile != null) {
                Profile p = ctx.profiles().resolve(profile);
                if (info != null && info.profile() != null && !info.profile().equals(p.name())) {
                    throw new MoteException(in + " was built for " + info.profile() + ", not " + p.name(),
                            "rebuild it: mote build APP -p " + p.name());
                }
                name = p.name();
                arch = p.arch();
            } else if (info != null && info.profile() != null && Arch.fromKeyword(info.arch()) != null) {
                name = info.profile();
                arch = Arch.fromKeyword(info.arch());
            } else {
                throw new IllegalArgumentException("-p/--profile: missing: " + in
                        + " has no build facts (.mote_info), so say which profile it is for");
            }
            String appName = app != null ? app : in.getFileName().toString().replaceFirst("\\.elf$", "");
            return ImageBuilder.fromElf(elf, name, arch).appName(appName)
                    .version(version != null ? version : Version.ZERO)
                    .securityCounter(securityCounter != null ? securityCounter : 0).sign(k);
        }

        private static Path withImageExtension(Path elf) {
            String n = elf.getFileName().toString();
            return elf.resolveSibling((n.endsWith(".elf") ? n.substring(0, n.length() - 4) : n) + ".img");
        }
    }
}
