package dev.mote.flasher.disk;

import dev.mote.flasher.disk.FlashListener.Phase;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.flash.BootState;
import dev.mote.sdk.flash.FlashImage;
import dev.mote.sdk.flash.Slot;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.image.SignatureBlock;
import dev.mote.sdk.image.Verifier;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Partition;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
        Verifier verifier = new Verifier(trusted).expectBoard(profile); // the bootloader's header checks too

        // The image is read once, into the array that is verified and then written. While it is
        // parsed and hashed, another thread checks the target and compares what the slot holds
        // with it (read-only: nothing is written before every check passed).
        byte[] bytes = readImage(imageFile);
        listener.progress(Phase.VERIFY, 0, bytes.length);
        Background<Survey> survey = Background.start("mote-flash-survey", () -> survey(bytes));
        Image image;
        try {
            image = Image.wrap(bytes); // no copy: bytes is verified, then written as it is
            verifier.verify(image);
            long room = Math.min(profile.partition(Slot.A.partition()).size(),
                    profile.partition(Slot.B.partition()).size());
            if (image.size() > room) {
                throw new MoteException(imageFile + " is " + Numbers.human(image.size()) + ", larger than "
                        + profile.name() + "'s slots (" + Numbers.human(room) + ")", "make the app smaller");
            }
        } catch (RuntimeException e) {
            survey.joinQuietly();
            throw e;
        }
        listener.progress(Phase.VERIFY, bytes.length, bytes.length);
        Survey target = survey.join();
        checkLayout(target.layout());
        verifier.minSecurityCounter(target.layout().securityCounter()).checkPolicy(image.header());
        canonical(bytes, image, target.differs());

        FlashPlan plan = plan(target.layout(), image, target.kind());
        listener.planned(plan);
        BootState next = plan.next();
        byte[] record = next.toBytes();
        long recordAt = bsPart.offset() + (long) BootState.copyFor(next.seq()) * BootState.COPY_STRIDE;
        long slotAt = plan.partition().offset();
        String area = plan.partition().name();
        long readable = plan.partition().size();

        ChunkWriter w = new ChunkWriter(listener, target.buffer());
        boolean direct;
        try (TargetIo io = opener.open(path, true, target.isNew() ? profile.flashSize() : 0, target.isDevice())) {
            w.write(io, area, slotAt, bytes, target.differs());
            // the fsync runs while the written chunks are read back: both finish before the record
            Background<Void> sync = Background.start("mote-flash-sync", () -> sync(io, area));
            try {
                w.readBack(io, area, slotAt, bytes, readable,
                        "the boot-state record was not written: the device still boots its old image");
            } catch (IOException | RuntimeException e) {
                sync.joinQuietly();
                throw e;
            }
            sync.join();
            w.writeRecord(io, recordAt, record);
            sync(io, "boot_state");
            w.readBackRecord(io, recordAt, record, "the slot holds the new image, but the record may be torn:"
                    + " the device boots the old image (its other copy); flash again");
            direct = io.readBackIsDirect();
        }
        return new FlashResult(plan, w.written(), w.skipped(), direct, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * The image file's bytes, read in slices: Files.readAllBytes would also fill a temporary
     * direct buffer as big as the file, 7 MiB more fresh memory for the largest images.
     */
    private static byte[] readImage(Path file) throws IOException {
        Image.checkSize(file); // its size against its header first: a huge file is refused unread
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException(file + " is " + Numbers.human(size) + ": too large to be an image");
            }
            byte[] bytes = new byte[(int) size];
            for (int off = 0; off < bytes.length;) {
                int n = ch.read(ByteBuffer.wrap(bytes, off, Math.min(ChunkWriter.SLICE, bytes.length - off)));
                if (n < 0) {
                    throw new IOException(file + " shrank while it was read");
                }
                off += n;
            }
            return bytes;
        }
    }

    /**
     * Makes {@code bytes} exactly what was verified, as Image.toBytes() would: the payload is the
     * parsed one byte for byte, the header and signature block are serialized again. A chunk this
     * changes is marked to be written, whatever the target held.
     */
    private static void canonical(byte[] bytes, Image image, boolean[] differs) {
        byte[] head = image.header().serialize();
        byte[] sig = image.signature().serialize();
        int sigAt = bytes.length - SignatureBlock.SIZE;
        if (!Arrays.equals(bytes, 0, head.length, head, 0, head.length)) {
            System.arraycopy(head, 0, bytes, 0, head.length);
            differs[0] = true;
        }
        if (!Arrays.equals(bytes, sigAt, bytes.length, sig, 0, sig.length)) {
            System.arraycopy(sig, 0, bytes, sigAt, sig.length);
            differs[sigAt / CHUNK] = true;
            differs[(bytes.length - 1) / CHUNK] = true;
        }
    }

    /**
     * What the target is and holds, read without writing: its kind, its layout, which chunks of
     * the image the slot to write does not hold yet, and the buffer that compare used.
     */
    private record Survey(TargetKind kind, TargetLayout layout, boolean[] differs, ByteBuffer buffer) {
        boolean isNew() {
            return kind == TargetKind.NEW_FLASH_FILE;
        }

        boolean isDevice() {
            return kind == TargetKind.BLOCK_DEVICE;
        }
    }

    /** Checks the target (size, disk guard), reads its layout and compares the slot to write; no write. */
    private Survey survey(byte[] bytes) throws IOException {
        TargetKind kind = checkTarget();
        ByteBuffer buffer = ChunkWriter.buffer();
        if (kind == TargetKind.NEW_FLASH_FILE) {
            TargetLayout blank = new TargetLayout(null, new byte[BootState.PARTITION_MIN], Map.of(), Map.of(), true);
            Partition part = profile.partition(Slot.A.partition());
            return new Survey(kind, blank, ChunkWriter.compare(null, part.offset(), bytes, part.size(), buffer),
                    buffer);
        }
        try (TargetIo io = opener.open(path, false, 0, kind == TargetKind.BLOCK_DEVICE)) {
            TargetLayout layout = TargetLayout.read(io, profile);
            Partition part = profile.partition(slotFor(layout).partition());
            boolean[] differs;
            if (bytes.length <= part.size()) {
                differs = ChunkWriter.compare(io, part.offset(), bytes, part.size(), buffer);
            } else { // refused as too large anyway
                differs = new boolean[(bytes.length + CHUNK - 1) / CHUNK];
                Arrays.fill(differs, true);
            }
            return new Survey(kind, layout, differs, buffer);
        }
    }

    private static Void sync(TargetIo io, String area) throws IOException {
        try {
            io.sync();
        } catch (IOException e) {
            throw new IOException("syncing " + area + " failed: " + e.getMessage() + " (is the card still inserted"
                    + " and not write-protected? the boot-state record points to the old image: flash again)", e);
        }
        return null;
    }

    /** What the target is, after the size and guard checks. */
    private TargetKind checkTarget() throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.exists(path)) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new IOException("cannot create flash file " + path + ": " + parent + " is not a directory");
            }
            return TargetKind.NEW_FLASH_FILE;
        }
        if (Files.isRegularFile(path)) {
            long size = Files.size(path);
            if (size != profile.flashSize()) {
                throw new MoteException("refused " + path + ": it is " + size + " bytes, but " + profile.name()
                        + "'s flash is " + profile.flashSize() + " bytes", "is it a flash file for another profile?"
                        + " Give the right -p, or a new file name (the flasher creates it at the right size)");
            }
            return TargetKind.FLASH_FILE;
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
        return TargetKind.BLOCK_DEVICE;
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

    /** The slot to write: A on a target with no active image, else the one that is not active. */
    private static Slot slotFor(TargetLayout layout) {
        Slot active = layout.active();
        return active == Slot.NONE ? Slot.A : active.other();
    }

    /** Which slot to write and the record to write after it. */
    private FlashPlan plan(TargetLayout layout, Image image, TargetKind kind) {
        BootState cur = layout.bootState();
        Slot active = layout.active();
        long floor = layout.securityCounter();
        Slot slot = slotFor(layout);
        BootState next;
        Slot booting = cur == null ? Slot.NONE : cur.booting();
        if (active == Slot.NONE) {
            // a factory flash: the image is the confirmed one, and sets the anti-rollback floor
            next = new BootState(0, Slot.A, Slot.NONE, 0, booting,
                    Math.max(floor, image.header().securityCounter()));
        } else {
            next = new BootState(0, active, slot, 0, booting, floor);
        }
        // as bootstate_store: seq + 1, into the copy that does not hold the current record
        BootState written = next.withSeq(cur == null ? 0 : cur.seq()).writeNext(layout.bootStateRaw().clone());
        return new FlashPlan(path, kind, profile, image.header(), image.size(), slot,
                profile.partition(slot.partition()), cur, written);
    }
}
