package dev.mote.flasher;

import dev.mote.flasher.FlashListener.Phase;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.Verifier;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Flashes a signed image onto a flash file or a block device (an SD card, a USB disk, an eMMC
 * reader) laid out by a profile (docs/boot-flow.md, docs/flasher.md). Every check runs before
 * the first byte is written: the image verifies against the trusted keys and is for the profile,
 * the target is the right size and holds a Mote flash (or nothing), its security counter is not
 * above the image's, and a block device passes the {@link DiskGuard}. Then the image goes into
 * the slot that is not active (slot A on a blank target), chunk by chunk, skipping chunks that
 * already match; it is read back; and only then is the boot-state record written, so a cut at
 * any point leaves the old image bootable.
 */
public final class BlockTarget {
    /** Write and compare granularity. */
    public static final int CHUNK = 64 * 1024;
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private final Path path;
    private final Profile profile;
    private final DiskGuard guard;
    private final boolean force;
    private final TargetIo.Opener opener;

    /** A target for {@code profile}'s layout at {@code path}, guarded by this machine's /sys and /proc. */
    public BlockTarget(Path path, Profile profile) {
        this(path, profile, DiskGuard.system(), false, ChannelIo::open);
    }

    private BlockTarget(Path path, Profile profile, DiskGuard guard, boolean force, TargetIo.Opener opener) {
        this.path = path;
        this.profile = profile;
        this.guard = guard;
        this.force = force;
        this.opener = opener;
    }

    /** The same target, checked by {@code diskGuard} instead. */
    public BlockTarget withGuard(DiskGuard diskGuard) {
        return new BlockTarget(path, profile, diskGuard, force, opener);
    }

    /**
     * The same target with --force: a non-removable disk, or a target that holds something
     * other than a Mote flash for this profile, is written anyway. The system disk, mounted
     * disks and every image check are never waived.
     */
    public BlockTarget withForce(boolean forced) {
        return new BlockTarget(path, profile, guard, forced, opener);
    }

    /** For tests: open targets through {@code io}. */
    BlockTarget withOpener(TargetIo.Opener io) {
        return new BlockTarget(path, profile, guard, force, io);
    }

    /** True if {@code p} is a block device (by its file type, following links). */
    public static boolean isBlockDevice(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode");
            return mode instanceof Integer m && (m & S_IFMT) == S_IFBLK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Verifies {@code imageFile} against {@code trusted}, checks the target, and flashes.
     * ImageException (a MoteException) if the image is refused, MoteException if the target is,
     * IOException if reading or writing fails (the message names the byte range).
     */
    public FlashResult flash(Path imageFile, List<VerifyKey> trusted, FlashListener listener) throws IOException {
        long started = System.nanoTime();
        FlashImage.forProfile(profile); // the profile's layout can hold a flash at all
        Partition bsPart = profile.partition("boot_state");

        long imageSize = Files.size(imageFile);
        listener.progress(Phase.VERIFY, 0, imageSize);
        Image image = Image.read(imageFile);
        Verifier verifier = new Verifier(trusted).expectProfile(profile.name());
        verifier.verify(image);
        Partition part = profile.partition(Slot.A.partition());
        long room = Math.min(part.size(), profile.partition(Slot.B.partition()).size());
        if (image.size() > room) {
            throw new MoteException(imageFile + " is " + Numbers.human(image.size()) + ", larger than "
                    + profile.name() + "'s slots (" + Numbers.human(room) + ")", "make the app smaller");
        }
        listener.progress(Phase.VERIFY, imageSize, imageSize);

        String kind = checkTarget();
        TargetLayout layout;
        if (kind.equals("new flash file")) {
            layout = new TargetLayout(null, new byte[BootState.PARTITION_MIN], Map.of(), Map.of(), true);
        } else {
            try (TargetIo io = opener.open(path, false, 0, kind.equals("block device"))) {
                layout = TargetLayout.read(io, profile);
            }
        }
        checkLayout(layout);
        verifier.minSecurityCounter(layout.securityCounter()).verify(image);

        FlashPlan plan = plan(layout, image, kind);
        listener.planned(plan);
        byte[] bytes = image.toBytes();
        BootState next = plan.next();
        long recordAt = bsPart.offset() + (long) BootState.copyFor(next.seq()) * BootState.COPY_STRIDE;
        long slotAt = plan.partition().offset();

        ChunkWriter w = new ChunkWriter(listener);
        boolean direct;
        try (TargetIo io = opener.open(path, true, kind.equals("new flash file") ? profile.flashSize() : 0,
                kind.equals("block device"))) {
            w.write(io, Phase.WRITE, plan.partition().name(), slotAt, bytes);
            io.sync();
            w.readBack(io, Phase.READBACK, plan.partition().name(), slotAt, bytes,
                    "the boot-state record was not written: the device still boots its old image");
            w.writeRecord(io, recordAt, next.toBytes());
            io.sync();
            w.readBack(io, Phase.RECORD, "boot_state", recordAt, next.toBytes(),
                    "the slot holds the new image, but the record may be torn: the device boots the old image"
                            + " (its other copy); flash again");
            direct = io.readBackIsDirect();
        }
        return new FlashResult(plan, w.written(), w.skipped(), direct, Duration.ofNanos(System.nanoTime() - started));
    }

    /** "new flash file", "flash file" or "block device", after the size and guard checks. */
    private String checkTarget() throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.exists(path)) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new IOException("cannot create flash file " + path + ": " + parent + " is not a directory");
            }
            return "new flash file";
        }
        if (Files.isRegularFile(path)) {
            long size = Files.size(path);
            if (size != profile.flashSize()) {
                throw new MoteException("refused " + path + ": it is " + size + " bytes, but " + profile.name()
                        + "'s flash is " + profile.flashSize() + " bytes", "is it a flash file for another profile?"
                        + " Give the right -p, or a new file name (the flasher creates it at the right size)");
            }
            return "flash file";
        }
        if (!isBlockDevice(path)) {
            throw new MoteException("refused " + path + ": it is neither a block device nor a flash file",
                    "for a serial port use --target serial:" + path + "; list targets with 'mote flash --list'");
        }
        BlockDisk disk = guard.check(path, force);
        long size = guard.describe(Sysfs.deviceName(path)).size();
        if (!disk.name().equals(Sysfs.deviceName(path))) {
            throw new MoteException("refused " + path + ": it is a partition of " + disk.device()
                    + "; the flash layout starts at the disk's first byte", "use --target " + disk.device());
        }
        if (size >= 0 && size < profile.flashSize()) {
            throw new MoteException("refused " + path + ": it holds " + Numbers.human(size) + ", less than "
                    + profile.name() + "'s " + Numbers.human(profile.flashSize()) + " flash", "use a bigger card");
        }
        return "block device";
    }

    private void checkLayout(TargetLayout layout) {
        if (force || layout.blank()) {
            return;
        }
        for (var e : layout.problems().entrySet()) {
            if (layout.headers().containsKey(e.getKey())) {
                throw new MoteException("refused " + path + ": slot " + e.getKey() + " " + e.getValue() + ", not "
                        + profile.name() + " (" + layout.describe() + ")",
                        "check -p; to reflash this board for " + profile.name() + " anyway, add --force");
            }
        }
        if (!layout.looksLikeMoteFlash()) {
            throw new MoteException("refused " + path + ": it is not blank and holds no Mote flash for "
                    + profile.name() + " (no boot-state record, no image in slot A or B): it may hold someone's"
                    + " files", "check the target with 'mote flash --list'; to overwrite it anyway, add --force");
        }
    }

    /** Which slot to write and the record to write after it. */
    private FlashPlan plan(TargetLayout layout, Image image, String kind) {
        BootState cur = layout.bootState();
        Slot active = layout.active();
        long floor = layout.securityCounter();
        Slot slot;
        BootState next;
        Slot booting = cur == null ? Slot.NONE : cur.booting();
        if (active == Slot.NONE) {
            // a factory flash: the image is the confirmed one, and sets the anti-rollback floor
            slot = Slot.A;
            next = new BootState(0, Slot.A, Slot.NONE, 0, booting,
                    Math.max(floor, image.header().securityCounter()));
        } else {
            slot = active.other();
            next = new BootState(0, active, slot, 0, booting, floor);
        }
        // as bootstate_store: seq + 1, into the copy that does not hold the current record
        BootState written = next.withSeq(cur == null ? 0 : cur.seq()).writeNext(layout.bootStateRaw().clone());
        return new FlashPlan(path, kind, profile, image.header(), image.size(), slot,
                profile.partition(slot.partition()), cur, written);
    }
}
