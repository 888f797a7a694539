package dev.mote.sdk.cli;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageException;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.SignatureBlock;
import dev.mote.sdk.profile.Numbers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote inspect IMAGE`: every header field, the signer's key id, and whether the hash matches;
 * `mote inspect APP.elf`: where a firmware ELF loads, its size, segments and sections.
 */
final class InspectCommand implements Command {
    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "show a signed image's header, signing key id and hash check (or an ELF's layout)";
    }

    @Override
    public String usage() {
        return "mote inspect <image.img|app.elf> [--json]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote inspect out/hello.img",
                "  mote inspect out/hello.img --json | jq .security_counter",
                "  mote inspect out/hello.elf --json | jq .loadable_size",
                "inspect trusts nothing and checks no signature (that is 'mote verify'); it fails (1) only if",
                "the file is not a well-formed image. A payload that does not match its hash is shown, not refused.");
    }

    @Override
    public Options options() {
        return new Options().addOption(Option.builder().longOpt("json").desc("print the fields as JSON").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException(positional.isEmpty() ? "<image.img>: missing (the signed image)"
                    : "<image.img>: expected one image, got " + positional.size() + ": " + positional);
        }
        return new Inspect(positional.get(0), line.hasOption("json"));
    }

    /** The fields, in header order, as `mote inspect --json` prints them. */
    static Map<String, Object> fields(Path file, Image img) {
        ImageHeader h = img.header();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("format", "image");
        m.put("size", img.size());
        m.put("magic", "MOTE");
        m.put("format_version", ImageHeader.FORMAT_VERSION);
        m.put("header_size", ImageHeader.SIZE);
        m.put("arch", h.arch().keyword());
        m.put("flags", ImageHeader.FLAGS);
        m.put("payload_offset", ImageHeader.SIZE);
        m.put("payload_size", h.payloadSize());
        m.put("load_address", hex(h.loadAddress()));
        m.put("entry_point", hex(h.entryPoint()));
        m.put("version", h.version().toString());
        m.put("security_counter", h.securityCounter());
        m.put("profile", h.profile());
        m.put("app_name", h.appName());
        m.put("payload_sha256", h.payloadSha256Hex());
        m.put("hash_matches", img.hashMatches());
        m.put("signature_algorithm", "ed25519");
        m.put("key_id", img.signature().keyIdHex());
        return m;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** A parsed `mote inspect`. */
    record Inspect(String image, boolean json) implements Invocation {
        @Override
        public int execute(Context ctx) throws IOException {
            Path file = ctx.path(image);
            if (Files.isRegularFile(file) && ElfFacts.isElf(file)) {
                Map<String, Object> elf = ElfFacts.fields(file, ElfFile.read(file));
                if (json) {
                    ctx.out().println(Json.write(elf));
                } else {
                    ElfFacts.print(ctx.out(), elf);
                }
                return 0;
            }
            Image img;
            try {
                img = Image.read(file);
            } catch (ImageException e) {
                throw new MoteException("inspect: " + file + ": " + e.getMessage(), e.hint(), e);
            }
            Map<String, Object> m = fields(file, img);
            if (json) {
                ctx.out().println(Json.write(m));
                return 0;
            }
            ImageHeader h = img.header();
            m.put("size", img.size() + " (" + Numbers.human(img.size()) + ")");
            m.put("arch", h.arch().keyword() + " (" + ImageHeader.archCode(h.arch()) + ")");
            m.put("payload_size", h.payloadSize() + " (" + Numbers.human(h.payloadSize()) + ")");
            m.put("hash_matches", img.hashMatches() ? "yes" : "NO: the payload was changed after signing");
            m.put("signature_algorithm", "Ed25519 (" + SignatureBlock.ALG_ED25519 + "), "
                    + SignatureBlock.SIGNATURE_SIZE + "-byte signature of the header");
            for (Map.Entry<String, Object> e : m.entrySet()) {
                ctx.out().printf("%-20s %s%n", e.getKey(), e.getValue());
            }
            return 0;
        }
    }
}
