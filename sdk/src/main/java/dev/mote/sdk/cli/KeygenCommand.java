package dev.mote.sdk.cli;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote keygen --out PREFIX`: a new Ed25519 signing key pair, PREFIX.key and PREFIX.pub. */
final class KeygenCommand implements Command {
    @Override
    public String name() {
        return "keygen";
    }

    @Override
    public String summary() {
        return "create an Ed25519 key pair for signing images (PEM, OpenSSL-compatible)";
    }

    @Override
    public String usage() {
        return "mote keygen --out <prefix> [--passphrase-env VAR] [--force] [--json]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote keygen --out keys/fleet                 # keys/fleet.key (mode 0600) + keys/fleet.pub",
                "  read -rs PASS && export PASS && mote keygen --out keys/fleet --passphrase-env PASS",
                "  mote build examples/hello -p qemu-virt-arm64 --key keys/fleet.key",
                "The .key file is the secret: keep it off devices and out of git. The .pub file goes to",
                "whatever verifies: 'mote verify --pub', the bootloader, the flasher, the OTA server.");
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder("o").longOpt("out").hasArg().argName("prefix")
                        .desc("write <prefix>.key and <prefix>.pub (required)").build())
                .addOption(SigningArgs.passphraseEnv())
                .addOption(Option.builder().longOpt("force").desc("replace existing key files").build())
                .addOption(Option.builder().longOpt("json").desc("print the result as JSON").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + positional.get(0) + "' (use --out PREFIX)");
        }
        String out = line.getOptionValue("o");
        if (out == null || out.isBlank()) {
            throw new IllegalArgumentException("--out: missing (e.g. --out keys/fleet)");
        }
        if (out.endsWith(".key") || out.endsWith(".pub")) {
            out = out.substring(0, out.length() - 4);
        }
        return new Keygen(out, line.getOptionValue("passphrase-env"), line.hasOption("force"), line.hasOption("json"));
    }

    /** A parsed `mote keygen`. */
    record Keygen(String prefix, String passphraseEnv, boolean force, boolean json) implements Invocation {
        @Override
        public int execute(Context ctx) throws IOException {
            char[] passphrase = SigningArgs.passphrase(ctx, passphraseEnv);
            Path key = ctx.path(prefix + ".key");
            Path pub = ctx.path(prefix + ".pub");
            for (Path p : List.of(key, pub)) {
                if (Files.exists(p) && !force) {
                    throw new MoteException(p + " already exists",
                            "choose another --out, or pass --force to replace it (images signed with the old key"
                                    + " then verify only where its .pub is still trusted)");
                }
            }
            Files.deleteIfExists(key);
            Files.deleteIfExists(pub);
            SigningKey k = Keys.generate();
            Keys.writePrivate(key, k, passphrase);
            Keys.writePublic(pub, k.publicKey());
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("private_key", key.toString());
                m.put("public_key", pub.toString());
                m.put("key_id", k.publicKey().keyIdHex());
                m.put("encrypted", passphrase != null);
                ctx.out().println(Json.write(m));
            } else {
                ctx.out().println("wrote " + key + " (private" + (passphrase != null ? ", encrypted" : "")
                        + ", mode 0600: keep it secret) and " + pub + " (public)");
                ctx.out().println("key id " + k.publicKey().keyIdHex());
            }
            return 0;
        }
    }
}
