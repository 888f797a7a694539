package dev.mote.sdk.cli;

import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.SlotContents;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote flashinfo FLASH -p PROFILE`: the boot state the bootloader will read, and each slot's image. */
final class FlashinfoCommand implements Command {
    @Override
    public String name() {
        return "flashinfo";
    }

    @Override
    public String summary() {
        return "show a flash file's boot state and the image in each slot";
    }

    @Override
    public String usage() {
        return "mote flashinfo <flash.bin> -p <profile> [--json]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote flashinfo out/flash.bin -p qemu-virt-arm64",
                "  mote flashinfo out/flash.bin -p qemu-virt-arm64 --json | jq .boot_state",
                "The boot state is the newest of the two copies with a good CRC, as the bootloader reads it;",
                "'none' means a blank record: the bootloader boots the first good image and makes it active.",
                "Signatures are not checked here ('mote verify' does that, with the keys).");
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder("p").longOpt("profile").hasArg().argName("profile")
                        .desc("the device profile whose flash layout the file has (required)").build())
                .addOption(Option.builder().longOpt("json").desc("print the contents as JSON").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException(positional.isEmpty() ? "<flash.bin>: missing (the flash file)"
                    : "<flash.bin>: expected one flash file, got " + positional.size() + ": " + positional);
        }
        if (!line.hasOption("p")) {
            throw new IllegalArgumentException("-p/--profile: missing (e.g. -p qemu-virt-arm64; see 'mote profiles')");
        }
        return new Flashinfo(positional.get(0), line.getOptionValue("p"), line.hasOption("json"));
    }

    /** A parsed `mote flashinfo`. */
    record Flashinfo(String flash, String profile, boolean json) implements Invocation {
        @Override
        public int execute(Context ctx) throws IOException {
            Profile p = ctx.profiles().resolve(profile);
            FlashContents c = FlashContents.read(ctx.path(flash), p);
            if (json) {
                ctx.out().println(Json.write(fields(c)));
            } else {
                ctx.out().println(c.file() + ": " + Numbers.human(p.flashSize()) + " flash for " + p.name());
                print(ctx.out(), c, true);
            }
            return 0;
        }
    }

    /** One line per partition: name, offset, size, contents; with {@code copies}, what each record copy holds. */
    static void print(PrintStream out, FlashContents c, boolean copies) {
        for (Partition part : c.profile().partitions()) {
            out.printf("  %-10s %-9s %-8s %s%n", part.name(), Numbers.hex(part.offset()), Numbers.human(part.size()),
                    contents(c, part));
            if (copies && part.name().equals("boot_state")) {
                out.printf("  %-10s %-9s %-8s copy 0: %s; copy 1: %s%n", "", "", "", c.copies().get(0),
                        c.copies().get(1));
            }
        }
    }

    private static String contents(FlashContents c, Partition part) {
        return switch (part.name()) {
            case "boot_state" -> c.bootState() == null
                    ? "no record: the bootloader boots the first good image and makes it active"
                    : c.bootState().describe();
            case "slot_a" -> c.slots().get(0).summary();
            case "slot_b" -> c.slots().get(1).summary();
            default -> "app data (not read)";
        };
    }

    /** The contents as `--json` prints them (mkflash adds nothing but the verb). */
    static Map<String, Object> fields(FlashContents c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", c.file().toString());
        m.put("profile", c.profile().name());
        m.put("flash_size", c.profile().flashSize());
        BootState s = c.bootState();
        Map<String, Object> bs = null;
        if (s != null) {
            bs = new LinkedHashMap<>();
            bs.put("seq", s.seq());
            bs.put("active", s.active().toString());
            bs.put("pending", s.pending().toString());
            bs.put("tries", s.tries());
            bs.put("booting", s.booting().toString());
            bs.put("security_counter", s.securityCounter());
        }
        m.put("boot_state", bs);
        m.put("boot_state_copies", c.copies());
        List<Object> parts = new ArrayList<>();
        for (Partition part : c.profile().partitions()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", part.name());
            pm.put("offset", part.offset());
            pm.put("size", part.size());
            pm.put("contents", contents(c, part));
            for (SlotContents sc : c.slots()) {
                if (sc.partition().name().equals(part.name())) {
                    pm.put("image", sc.image() == null ? null : image(sc));
                    pm.put("problem", sc.problem());
                }
            }
            parts.add(pm);
        }
        m.put("partitions", parts);
        return m;
    }

    private static Map<String, Object> image(SlotContents sc) {
        ImageHeader h = sc.image().header();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app_name", h.appName());
        m.put("version", h.version().toString());
        m.put("profile", h.profile());
        m.put("security_counter", h.securityCounter());
        m.put("size", sc.image().size());
        m.put("hash_matches", sc.image().hashMatches());
        return m;
    }
}
