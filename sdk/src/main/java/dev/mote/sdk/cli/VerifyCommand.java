package dev.mote.sdk.cli;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.Verifier;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote verify IMAGE --pub KEY`: every check a device makes, on the host. */
final class VerifyCommand implements Command {
    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String summary() {
        return "check an image's signature and hash (and profile, security counter) like a device does";
    }

    @Override
    public String usage() {
        return "mote verify <image.img> --pub <key.pub> [--pub <key2.pub>]... [-p <profile>]"
                + " [--min-security-counter N] [--json]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote verify out/hello.img --pub keys/fleet.pub",
                "  mote verify out/hello.img --pub keys/fleet.pub --pub keys/old-fleet.pub -p qemu-virt-arm64",
                "  mote verify out/hello.img --pub keys/fleet.pub --min-security-counter 3",
                "  mote verify out/hello.img --pub ~/.config/mote/dev-signing.pub   # built without --key (docs/image-format.md)",
                "Exits 0 if the image is good, 1 naming the check that failed (bad signature, hash mismatch,",
                "unknown key id, profile mismatch, downgrade, truncated at byte N, ...).");
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("pub").hasArg().argName("key.pub")
                        .desc("trusted Ed25519 public key (PEM); repeat for several (at least one)").build())
                .addOption(Option.builder("p").longOpt("profile").hasArg().argName("profile")
                        .desc("also require the image to be built for this device profile").build())
                .addOption(Option.builder().longOpt("min-security-counter").hasArg().argName("N")
                        .desc("also refuse images whose security counter is below N (the device's)").build())
                .addOption(Option.builder().longOpt("json").desc("print the result as JSON").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException(positional.isEmpty() ? "<image.img>: missing (the signed image)"
                    : "<image.img>: expected one image, got " + positional.size() + ": " + positional);
        }
        String[] pubs = line.getOptionValues("pub");
        if (pubs == null) {
            throw new IllegalArgumentException("--pub: missing (the public key(s) to trust, e.g. --pub keys/fleet.pub)");
        }
        Long min = SigningArgs.counter(line, "min-security-counter");
        return new Verify(positional.get(0), List.of(pubs), line.getOptionValue("p"), min == null ? 0 : min,
                line.hasOption("json"));
    }

    /** The profile named {@code nameOrPath} if this checkout or the SDK has it, else null. */
    static Profile known(Context ctx, String nameOrPath) throws IOException {
        try {
            return ctx.profiles().resolve(nameOrPath);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    /** A parsed `mote verify`. */
    record Verify(String image, List<String> pubs, String profile, long minSecurityCounter, boolean json)
            implements Invocation {
        @Override
        public int execute(Context ctx) throws IOException {
            List<VerifyKey> keys = SigningArgs.publicKeys(ctx, pubs);
            Profile board = profile == null ? null : known(ctx, profile);
            if (board == null && profile != null && profile.endsWith(".profile")) {
                board = ctx.profiles().resolve(profile); // says what is wrong with the file
            }
            Path file = ctx.path(image);
            Image img;
            VerifyKey signer;
            try {
                img = Image.read(file);
                // the board's limits too (slot, RAM, bootloader) when its profile is known here:
                // the -p one, else the image's own
                Profile own = board != null ? board : profile == null ? known(ctx, img.header().profile()) : null;
                Verifier verifier = new Verifier(keys).expectProfile(profile).minSecurityCounter(minSecurityCounter);
                if (own != null) {
                    verifier = verifier.expectBoard(own);
                }
                signer = verifier.verify(img);
            } catch (ImageException e) {
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("image", file.toString());
                    m.put("ok", false);
                    m.put("reason", e.reason().name().toLowerCase(Locale.ROOT));
                    m.put("message", e.getMessage());
                    ctx.out().println(Json.write(m));
                }
                throw new MoteException("verify failed: " + file + ": " + e.getMessage(), e.hint(), e);
            }
            ImageHeader h = img.header();
            String pubFile = pubs.get(keys.indexOf(signer));
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("image", file.toString());
                m.put("ok", true);
                m.put("app_name", h.appName());
                m.put("version", h.version().toString());
                m.put("profile", h.profile());
                m.put("security_counter", h.securityCounter());
                m.put("key_id", signer.keyIdHex());
                m.put("public_key", pubFile);
                ctx.out().println(Json.write(m));
            } else {
                ctx.out().println("OK " + file + ": " + h.appName() + " " + h.version() + " for " + h.profile()
                        + ", security counter " + h.securityCounter() + ", signed by " + signer.shortId() + " ("
                        + pubFile + ")");
            }
            return 0;
        }
    }
}
