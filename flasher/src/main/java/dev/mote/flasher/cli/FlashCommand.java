package dev.mote.flasher.cli;

import dev.mote.flasher.disk.BlockTarget;
import dev.mote.flasher.disk.DeviceList;
import dev.mote.flasher.disk.DiskGuard;
import dev.mote.flasher.disk.FlashListener;
import dev.mote.flasher.disk.FlashResult;
import dev.mote.flasher.link.LinkTarget;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.cli.Command;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.cli.SigningArgs;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.ImageHeader;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote flash IMAGE --target T` and `mote flash --list`: an SDK {@link Command}, so parsing
 * never does the work, and the parsed {@link Command.Invocation} runs against a {@link Context}.
 */
public final class FlashCommand implements Command {
    @Override
    public String name() {
        return "flash";
    }

    @Override
    public String summary() {
        return "write a signed image to a board: an SD card, USB disk or flash file (verified, read back)";
    }

    @Override
    public String usage() {
        return "mote flash <image> --target <device|file|tcp:HOST:PORT|serial:DEV[@BAUD]> [-p <profile>]"
                + " [--pub KEY.pub]... [--force] [--no-compress] [--json]"
                + " | mote flash --list [--json]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote flash --list                                        # serial ports and removable disks",
                "  mote flash out/hello.img --target out/flash.bin          # a flash file for 'mote run --flash'",
                "  mote flash out/hello.img --target /dev/sdb -p rpi4-arm64 --pub keys/fleet.pub",
                "  mote flash out/hello.img --target /dev/sdb -p rpi4-arm64 --json     # one JSON event per line",
                "The image must verify against the given keys (default: this checkout's development key), be",
                "for the profile, and not be below the target's security counter; otherwise nothing is written.",
                "A first flash goes to slot A and is active at once; later ones go to the slot that is not",
                "active and boot once in TEST (reverted unless the app confirms). Chunks that already match are",
                "skipped, the slot is read back before the boot-state record is written, and all is synced.",
                "Block devices need -p, and are refused if they hold the running system, are mounted, or are",
                "not removable (--force waives only the last, and a target holding no Mote flash).");
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("target").hasArg().argName("device|file")
                        .desc("a block device (/dev/sdb, /dev/mmcblk0) or a flash file (created if missing)").build())
                .addOption(Option.builder("p").longOpt("profile").hasArg().argName("profile")
                        .desc("the board's profile (flash layout); required for a block device; for a file,"
                                + " default: the image's profile").build())
                .addOption(Option.builder().longOpt("pub").hasArg().argName("KEY.pub")
                        .desc("a trusted public key (repeatable); default: the checkout's development key").build())
                .addOption(Option.builder().longOpt("force")
                        .desc("write a non-removable disk, or a target that holds no Mote flash for the profile")
                        .build())
                .addOption(Option.builder().longOpt("no-compress")
                        .desc("tcp:/serial: targets: send DATA uncompressed even where the device takes LZ4").build())
                .addOption(Option.builder().longOpt("json").desc("print one JSON object per line per event").build())
                .addOption(Option.builder().longOpt("list").desc("list serial ports and removable disks").build());
    }

    /** IllegalArgumentException naming the argument if the arguments are unusable. */
    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        boolean json = line.hasOption("json");
        if (line.hasOption("list")) {
            if (!positional.isEmpty() || line.hasOption("target")) {
                throw new IllegalArgumentException("--list: takes no image or --target");
            }
            return new ListInvocation(json);
        }
        if (positional.size() != 1) {
            throw new IllegalArgumentException(positional.isEmpty() ? "<image>: missing (the signed .img to flash)"
                    : "unexpected arguments " + positional.subList(1, positional.size()) + " (one image at a time)");
        }
        String target = line.getOptionValue("target");
        if (target == null) {
            throw new IllegalArgumentException("--target: missing (a block device such as /dev/sdb, or a flash file;"
                    + " see 'mote flash --list')");
        }
        if (LinkTarget.isLink(target)) {
            new LinkTarget(target);   // check the spelling now: a usage error, not a failure
        } else if (line.hasOption("no-compress")) {
            throw new IllegalArgumentException("--no-compress: only for tcp: and serial: targets");
        }
        String[] pubs = line.getOptionValues("pub");
        return new Flash(positional.get(0), target, line.getOptionValue("p"),
                pubs == null ? List.of() : List.of(pubs), line.hasOption("force"), json,
                !line.hasOption("no-compress"));
    }

    /** A parsed `mote flash IMAGE --target T`. */
    record Flash(String image, String target, String profile, List<String> pubs, boolean force, boolean json,
            boolean compress) implements Invocation {
        @Override
        public int execute(Context ctx) throws IOException {
            Path img = ctx.path(image);
            List<VerifyKey> keys = SigningArgs.trustedKeys(ctx, pubs, img);
            if (LinkTarget.isLink(target)) {
                Profile board = knownProfile(ctx, profile != null ? profile : imageProfile(img));
                return LinkFlash.run(ctx, new LinkTarget(target), img, keys, board, json, compress);
            }
            Path tgt = ctx.path(target);
            JsonEvents events = json ? new JsonEvents(ctx.out(), System::currentTimeMillis) : null;
            try {
                boolean device = BlockTarget.isBlockDevice(tgt);
                if (device && profile == null) {
                    throw new IllegalArgumentException("-p/--profile: required for a block device (name the board"
                            + " the card is for, e.g. -p rpi4-arm64; see 'mote profiles')");
                }
                Profile p = ctx.profiles().resolve(profile != null ? profile : imageProfile(img));
                FlashListener listener = json ? events : new ProgressText(ctx.out(), ctx.interactive(),
                        System::currentTimeMillis);
                FlashResult r = new BlockTarget(tgt, p).withForce(force).flash(img, keys, listener);
                if (json) {
                    events.done(r);
                } else {
                    summary(ctx, r);
                }
                return 0;
            } catch (MoteException e) {
                if (json) {
                    events.error(e.getMessage(), e.hint());
                }
                throw e;
            } catch (IOException e) {
                if (json) {
                    events.error(e.getMessage(), null);
                }
                throw e;
            }
        }

        /** The profile {@code nameOrPath} if this checkout or the SDK knows it, else null. */
        private static Profile knownProfile(Context ctx, String nameOrPath) throws IOException {
            try {
                return ctx.profiles().resolve(nameOrPath);
            } catch (IllegalArgumentException unknown) {
                return null;
            }
        }

        /** The profile {@code img}'s header names: the header alone, as flash() reads and checks the whole image. */
        private static String imageProfile(Path img) throws IOException {
            if (!Files.isRegularFile(img) || Files.size(img) < Image.MIN_SIZE) {
                return Image.read(img).header().profile(); // throws, saying what is wrong with it
            }
            try (InputStream in = Files.newInputStream(img)) {
                return ImageHeader.parse(in.readNBytes(ImageHeader.SIZE)).profile();
            }
        }


        private void summary(Context ctx, FlashResult r) {
            ctx.out().println("done in " + String.format("%.1f", r.took().toMillis() / 1000.0) + " s: wrote "
                    + Numbers.human(r.written()) + (r.skipped() > 0 ? ", skipped " + Numbers.human(r.skipped())
                    + " already there" : "") + "; read back and compared" + (r.directReadBack()
                    ? " (from the medium, past the page cache)" : "") + "; synced");
            ctx.out().println("boot state: " + r.plan().next().describe());
            if (r.plan().kind().isFile()) {
                ctx.out().println("boot it: mote run --flash " + target + " -p " + r.plan().profile().name());
            } else {
                ctx.out().println("now move the card to the board and power it on");
            }
        }
    }

    /** A parsed `mote flash --list`. */
    record ListInvocation(boolean json) implements Invocation {
        @Override
        public int execute(Context ctx) {
            new DeviceListPrinter(ctx.out(), json).print(DeviceList.system(), DiskGuard.system());
            return 0;
        }
    }
}
