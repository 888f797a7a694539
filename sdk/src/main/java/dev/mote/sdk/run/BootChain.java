package dev.mote.sdk.run;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.Sdk;
import dev.mote.sdk.Tools;
import dev.mote.sdk.build.BootloaderBuilder;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.DevKey;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Boots firmware the way the board does: QEMU loads the Mote bootloader (built for the profile,
 * trusting the given keys) and the board's flash is a file attached as a virtio-blk device. The
 * bootloader picks a slot, verifies it and starts it (docs/boot-flow.md), so what runs here is
 * what a flasher or an OTA update puts on a device.
 */
public final class BootChain {
    private final Sdk sdk;
    private final Tools tools;
    private final PrintStream err;
    private final Path cacheDir;

    /** Bootloaders are cached under {@code cacheDir}; notices go to {@code err}. */
    public BootChain(Sdk sdk, Tools tools, PrintStream err, Path cacheDir) {
        this.sdk = sdk;
        this.tools = tools;
        this.err = err;
        this.cacheDir = cacheDir;
    }

    /**
     * The keys a bootloader trusts when none are given: the user's development key, the one
     * `mote build` signs with when given no --key (DevKey: $MOTE_DEV_KEY, else
     * ~/.config/mote/dev-signing.key). {@code near} and {@code cwd} only make the error say
     * what was being run.
     */
    public static List<VerifyKey> defaultKeys(Path near, Path cwd, Path home) throws IOException {
        return defaultKeys(near, System.getenv(), home);
    }

    /** {@link #defaultKeys(Path, Path, Path)} with the environment given. */
    public static List<VerifyKey> defaultKeys(Path near, Map<String, String> env, Path home) throws IOException {
        Path pub = DevKey.publicFile(DevKey.location(env, home));
        if (!Files.isRegularFile(pub)) {
            throw new MoteException("no trusted key for the bootloader to check " + near + ": there is no development"
                    + " key " + pub + " (mote build makes it when it signs without --key)",
                    "pass --pub KEY.pub (the public half of the key the image was signed with)");
        }
        return List.of(Keys.readPublic(pub));
    }

    /**
     * QEMU arguments that attach {@code flash} as the board's virtio-blk flash. A {@code scratch}
     * flash (a temporary one, thrown away after the run) skips the host fsync behind every
     * device flush; a real flash file keeps it, so what the device wrote survives a host crash.
     */
    public static List<String> flashArgs(Path flash, boolean scratch) {
        String file = flash.toAbsolutePath().toString();
        if (file.contains(",")) {
            throw new IllegalArgumentException("flash file '" + file + "': QEMU cannot take a path with a comma");
        }
        return List.of("-drive", "file=" + file + ",if=none,format=raw" + (scratch ? ",cache=unsafe" : "") + ",id=flash",
                "-device", "virtio-blk-device,drive=flash");
    }

    /**
     * A guest reset (mote_reboot, a triple fault) restarts the board inside the same QEMU: the
     * bootloader runs again on the same flash, as on the device. This overrides QemuCommand's
     * -no-reboot, which stays for an ELF booted on its own (nothing there to restart into).
     */
    static final List<String> REBOOT_ARGS = List.of("-action", "reboot=reset");

    /** The bootloader ELF for {@code profile} trusting {@code keys} (cached). */
    public Path bootloader(Profile profile, List<VerifyKey> keys) throws IOException {
        return new BootloaderBuilder(sdk, tools, err).build(profile, keys, cacheDir.resolve("bootloaders"));
    }

    /**
     * Boots the board with {@code flash} as its flash. The file is the device's: boot-state
     * changes (a TEST boot, a confirm, a revert) stay in it for the next run.
     */
    public RunResult run(Path flash, Profile profile, List<VerifyKey> keys, RunOptions options, OutputStream console)
            throws IOException {
        return run(flash, false, profile, keys, options, console, null);
    }

    /**
     * {@link #run(Path, Profile, List, RunOptions, OutputStream)}, stopping at once when {@code watch}
     * says so (e.g. a {@link BootRefusal} when nobody will flash the board).
     */
    public RunResult run(Path flash, Profile profile, List<VerifyKey> keys, RunOptions options, OutputStream console,
            ConsoleWatch watch) throws IOException {
        return run(flash, false, profile, keys, options, console, watch);
    }

    private RunResult run(Path flash, boolean scratch, Profile profile, List<VerifyKey> keys, RunOptions options,
            OutputStream console, ConsoleWatch watch) throws IOException {
        Path loader = bootloader(profile, keys);
        List<String> extra = new ArrayList<>(options.extraArgs());
        extra.addAll(flashArgs(flash, scratch));
        extra.addAll(REBOOT_ARGS);
        return new QemuRunner(tools, err).run(loader, profile, options.withExtraArgs(extra), console, watch);
    }

    /**
     * Boots one signed image as a factory-fresh board would: a temporary flash with the image in
     * slot A, recorded as the confirmed one. The app's ELF beside it (x.img -> x.elf) is what a
     * debugger loads. Nothing else will ever be written to that flash, so if the bootloader
     * refuses the image the run stops at once: {@link BootRefusedException}, with its reason.
     */
    public RunResult runImage(Path image, Profile profile, List<VerifyKey> keys, RunOptions options,
            OutputStream console) throws IOException {
        Image img = Image.read(image);
        if (keys.stream().noneMatch(k -> Arrays.equals(k.keyId(), img.signature().keyId()))) {
            err.println("mote: note: " + image + " is signed by key " + img.signature().keyIdHex().substring(0, 16)
                    + ", which this bootloader does not trust: expect it to refuse the image (--pub adds keys)");
        }
        Path flash = Files.createTempFile("mote-flash-", ".bin");
        try {
            // as a factory leaves a board: the image in slot A, confirmed and last booted, so the
            // bootloader has nothing to write on this boot
            FlashImage.forProfile(profile).withImage(Slot.A, image)
                    .withBootState(new BootState(1, Slot.A, Slot.NONE, 0, Slot.A, 0)).write(flash);
            String name = image.getFileName().toString();
            Path elf = image.resolveSibling(name.replaceAll("\\.img$", "") + ".elf");
            RunOptions o = Files.isRegularFile(elf) && options.symbols() == null ? options.withSymbols(elf) : options;
            return run(flash, true, profile, keys, o, console, new BootRefusal());
        } finally {
            Files.deleteIfExists(flash);
        }
    }
}
