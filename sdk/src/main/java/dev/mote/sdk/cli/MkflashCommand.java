package dev.mote.sdk.cli;

import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashContents;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote mkflash -p PROFILE --slot-a IMG ... -o FLASH`: a whole flash file, as the bootloader will read it. */
final class MkflashCommand implements Command {
    @Override
    public String name() {
        return "mkflash";
    }

    @Override
    public String summary() {
        return "make a flash file: signed images in slots A/B and, optionally, a boot-state record";
    }

    @Override
    public String usage() {
        return "mote mkflash -p <profile> [--slot-a <a.img>] [--slot-b <b.img>] [--active a|b] [--pending a|b]"
                + " [--security-counter N] -o <flash.bin> [--json]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote mkflash -p qemu-virt-arm64 --slot-a out/hello.img -o out/flash.bin",
                "  mote mkflash -p qemu-virt-arm64 --slot-a v1.img --slot-b v2.img --pending b -o out/flash.bin",
                "  mote mkflash -p qemu-virt-arm64 --slot-a v1.img --active a --security-counter 3 -o out/flash.bin",
                "Without --active, --pending or --security-counter the boot_state partition stays blank and the",
                "bootloader boots the first good image (the factory image). --pending b says B was just flashed:",
                "it boots once in TEST and reverts to the active slot unless the app confirms it. The active slot",
                "defaults to the first image given (A, then B) that is not the pending one.",
                "The file is the profile's flash.size, zero-filled, and replaced whole or not at all.");
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder("p").longOpt("profile").hasArg().argName("profile")
                        .desc("the device profile whose flash layout to use (required)").build())
                .addOption(Option.builder().longOpt("slot-a").hasArg().argName("a.img")
                        .desc("signed image for slot A (partition slot_a)").build())
                .addOption(Option.builder().longOpt("slot-b").hasArg().argName("b.img")
                        .desc("signed image for slot B (partition slot_b)").build())
                .addOption(Option.builder().longOpt("active").hasArg().argName("a|b")
                        .desc("the slot with the confirmed image (writes a boot-state record)").build())
                .addOption(Option.builder().longOpt("pending").hasArg().argName("a|b")
                        .desc("the slot with a new image to boot once in TEST (writes a boot-state record)").build())
                .addOption(Option.builder().longOpt("security-counter").hasArg().argName("N")
                        .desc("the recorded anti-rollback floor: images below N are refused (writes a"
                                + " boot-state record; default 0)").build())
                .addOption(Option.builder("o").longOpt("output").hasArg().argName("flash.bin")
                        .desc("the flash file to write (required)").build())
                .addOption(Option.builder().longOpt("json").desc("print what was written as JSON").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument(s) " + positional
                    + " (images go in --slot-a/--slot-b, the flash file in -o)");
        }
        if (!line.hasOption("p")) {
            throw new IllegalArgumentException("-p/--profile: missing (e.g. -p qemu-virt-arm64; see 'mote profiles')");
        }
        if (!line.hasOption("o")) {
            throw new IllegalArgumentException("-o/--output: missing (the flash file to write, e.g. -o out/flash.bin)");
        }
        String a = line.getOptionValue("slot-a");
        String b = line.getOptionValue("slot-b");
        Slot active = line.hasOption("active") ? Slot.parse("--active", line.getOptionValue("active")) : null;
        Slot pending = line.hasOption("pending") ? Slot.parse("--pending", line.getOptionValue("pending")) : null;
        Long counter = SigningArgs.counter(line, "security-counter");
        for (Slot s : new Slot[] {active, pending}) {
            if (s != null && (s == Slot.A ? a : b) == null) {
                throw new IllegalArgumentException("--" + (s == active ? "active" : "pending") + ": slot "
                        + s + " has no image (give --slot-" + (s == Slot.A ? "a" : "b") + ")");
            }
        }
        if (pending != null && pending == active) {
            throw new IllegalArgumentException("--pending: slot " + pending + " is also --active (a new image"
                    + " is tested in the other slot)");
        }
        BootState state = null;
        if (active != null || pending != null || counter != null) {
            Slot p = pending == null ? Slot.NONE : pending;
            Slot act = active;
            if (act == null) {
                act = a != null && p != Slot.A ? Slot.A : b != null && p != Slot.B ? Slot.B : Slot.NONE;
            }
            state = BootState.fresh(act, p, counter == null ? 0 : counter);
        }
        return new Mkflash(line.getOptionValue("p"), a, b, state, line.getOptionValue("o"), line.hasOption("json"));
    }

    /** A parsed `mote mkflash`; {@code bootState} null writes no record. */
    record Mkflash(String profile, String slotA, String slotB, BootState bootState, String output, boolean json)
            implements Invocation {
        @Override
        public int execute(Context ctx) throws IOException {
            Profile p = ctx.profiles().resolve(profile);
            FlashImage flash = FlashImage.forProfile(p);
            if (slotA != null) {
                flash = flash.withImage(Slot.A, ctx.path(slotA));
            }
            if (slotB != null) {
                flash = flash.withImage(Slot.B, ctx.path(slotB));
            }
            Path out = ctx.path(output);
            flash.withBootState(bootState).write(out);
            FlashContents c = FlashContents.read(out, p);
            if (json) {
                ctx.out().println(Json.write(FlashinfoCommand.fields(c)));
            } else {
                ctx.out().println("wrote " + out + ": " + Numbers.human(p.flashSize()) + " flash for " + p.name());
                FlashinfoCommand.print(ctx.out(), c, false);
            }
            return 0;
        }
    }
}
