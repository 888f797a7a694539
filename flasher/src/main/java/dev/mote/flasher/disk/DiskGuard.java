package dev.mote.flasher.disk;

import dev.mote.sdk.MoteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keeps the flasher off disks it must not write (Linux): the disk the system runs from, any disk
 * with a mounted partition or swap on it, and, unless forced, any disk sysfs does not call
 * removable. A disk's "family" is the disk, its partitions and what sits on them (holders:
 * dm-crypt, LVM), matched against /proc/self/mountinfo by device number and by name. The sysfs
 * and procfs roots are parameters so tests can build a fake tree.
 */
public final class DiskGuard {
    private final Path sys;
    private final Path proc;

    public DiskGuard(Path sysRoot, Path procRoot) {
        this.sys = sysRoot;
        this.proc = procRoot;
    }

    /** This machine's /sys and /proc. */
    public static DiskGuard system() {
        return new DiskGuard(Path.of("/sys"), Path.of("/proc"));
    }

    /** One line of mountinfo that matters here: what is mounted where, from which device. */
    private record Mount(String majMin, String mountPoint, String source) {
    }

    /**
     * Checks that {@code device} (a disk or one of its partitions, e.g. /dev/sdb or /dev/sdb1)
     * may be flashed; returns its whole disk. MoteException naming the reason if not: with
     * {@code force}, only the removable check is waived.
     */
    public BlockDisk check(Path device, boolean force) {
        BlockDisk disk = disk(device);
        String why = refusal(disk, force);
        if (why != null) {
            throw new MoteException("refused " + device + ": " + why, hint(why));
        }
        return disk;
    }

    /** Why flashing {@code disk} would be refused, or null if it may be flashed. */
    public String refusal(BlockDisk disk, boolean force) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> devs = new LinkedHashSet<>();
        family(disk.name(), names, devs);
        List<Mount> mounts = mounts();
        for (int i = mounts.size() - 1; i >= 0; i--) {
            Mount m = mounts.get(i);
            if (m.mountPoint().equals("/")) {
                if (matches(m, names, devs)) {
                    return "it is the disk this computer runs from (/ is mounted from " + m.source() + ")";
                }
                break;
            }
        }
        List<String> mounted = new ArrayList<>();
        for (Mount m : mounts) {
            if (matches(m, names, devs)) {
                mounted.add(m.source() + " on " + m.mountPoint());
            }
        }
        if (!mounted.isEmpty()) {
            return "it has mounted file systems: " + String.join(", ", mounted);
        }
        for (String swap : swaps()) {
            if (names.contains(Sysfs.deviceName(Path.of(swap)))) {
                return "it holds swap in use: " + swap;
            }
        }
        if (!disk.removable() && !force) {
            return "it is not a removable disk (" + sys.resolve("block").resolve(disk.name()).resolve("removable")
                    + " is 0" + (disk.usb() ? ", though it is on USB" : "") + "): it may be an internal drive";
        }
        return null;
    }

    /** The whole disk holding {@code device}; MoteException if /sys/block has no such disk or partition. */
    public BlockDisk disk(Path device) {
        String name = Sysfs.deviceName(device);
        Path block = sys.resolve("block");
        if (Files.isDirectory(block.resolve(name))) {
            return describe(name);
        }
        try (Stream<Path> disks = Files.list(block)) {
            for (Path d : disks.toList()) {
                if (Files.isRegularFile(d.resolve(name).resolve("partition"))) {
                    return describe(d.getFileName().toString());
                }
            }
        } catch (IOException e) {
            // fall through: not found
        }
        throw new MoteException(device + " (" + name + ") is not a disk or partition listed in " + block,
                "give a block device such as /dev/sdb or /dev/mmcblk0 (see 'mote flash --list'), or a flash file");
    }

    /** The disk {@code name} as /sys/block/NAME describes it. */
    BlockDisk describe(String name) {
        Path d = sys.resolve("block").resolve(name);
        long sectors = Sysfs.number(d.resolve("size"));
        String real = Sysfs.real(d).toString();
        // SD cards in a built-in (MMC) reader report removable 0, but are as removable as any
        boolean sd = name.startsWith("mmcblk") && "SD".equals(Sysfs.read(d.resolve("device/type")));
        return new BlockDisk(name, "/dev/" + name, sectors < 0 ? -1 : sectors * 512,
                sd || "1".equals(Sysfs.read(d.resolve("removable"))), real.contains("/usb"),
                Sysfs.read(d.resolve("device/vendor")), Sysfs.read(d.resolve("device/model")));
    }

    /** The name of the disk holding /, or null if it cannot be told (an overlay or network root). */
    public String rootDisk() {
        List<Mount> mounts = mounts();
        for (int i = mounts.size() - 1; i >= 0; i--) {
            Mount m = mounts.get(i);
            if (m.mountPoint().equals("/")) {
                String byDev = Sysfs.read(sys.resolve("dev/block").resolve(m.majMin()).resolve("dev")) == null
                        ? null : Sysfs.deviceName(sys.resolve("dev/block").resolve(m.majMin()));
                for (String candidate : new String[] {byDev, m.source().startsWith("/dev/")
                        ? Sysfs.deviceName(Path.of(m.source())) : null}) {
                    if (candidate != null) {
                        try {
                            return disk(Path.of("/dev", candidate)).name();
                        } catch (MoteException e) {
                            // try the next way of naming it
                        }
                    }
                }
                return null;
            }
        }
        return null;
    }

    /** The disk's partitions and holders, recursively: their names and major:minor numbers. */
    private void family(String disk, Set<String> names, Set<String> devs) {
        Deque<Path> todo = new ArrayDeque<>();
        todo.add(sys.resolve("block").resolve(disk));
        while (!todo.isEmpty()) {
            Path d = todo.poll();
            if (!names.add(d.getFileName().toString())) {
                continue;
            }
            String dev = Sysfs.read(d.resolve("dev"));
            if (dev != null) {
                devs.add(dev);
            }
            for (Path child : Sysfs.list(d)) {
                if (Files.isRegularFile(child.resolve("partition"))) {
                    todo.add(child);
                }
            }
            for (Path holder : Sysfs.list(d.resolve("holders"))) {
                todo.add(sys.resolve("block").resolve(holder.getFileName().toString()));
            }
        }
    }

    private static boolean matches(Mount m, Set<String> names, Set<String> devs) {
        return devs.contains(m.majMin())
                || m.source().startsWith("/dev/") && names.contains(Sysfs.deviceName(Path.of(m.source())));
    }

    private List<Mount> mounts() {
        List<Mount> result = new ArrayList<>();
        String info = Sysfs.read(proc.resolve("self/mountinfo"));
        if (info != null) {
            for (String line : info.split("\n")) {
                String[] f = line.trim().split(" ");
                int dash = List.of(f).indexOf("-");
                if (f.length >= 5 && dash > 0 && dash + 2 < f.length) {
                    result.add(new Mount(f[2], Sysfs.unescape(f[4]), Sysfs.unescape(f[dash + 2])));
                }
            }
            return result;
        }
        String mounts = Sysfs.read(proc.resolve("mounts"));
        for (String line : mounts == null ? new String[0] : mounts.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length >= 2) {
                result.add(new Mount("", Sysfs.unescape(f[1]), Sysfs.unescape(f[0])));
            }
        }
        return result;
    }

    private List<String> swaps() {
        List<String> result = new ArrayList<>();
        String text = Sysfs.read(proc.resolve("swaps"));
        for (String line : text == null ? new String[0] : text.split("\n")) {
            String first = line.trim().split("\\s+")[0];
            if (first.startsWith("/dev/")) {
                result.add(Sysfs.unescape(first));
            }
        }
        return result;
    }

    private static String hint(String why) {
        if (why.startsWith("it is the disk this computer")) {
            return "pick the SD card or USB disk to flash: 'mote flash --list' shows the removable disks";
        }
        if (why.startsWith("it has mounted")) {
            return "unmount it first (e.g. 'udisksctl unmount -b /dev/sdX1' or 'umount MOUNTPOINT'), then run"
                    + " mote flash again";
        }
        if (why.startsWith("it holds swap")) {
            return "turn that swap off first (swapoff DEVICE) if this really is the disk to flash";
        }
        return "check it with 'mote flash --list'; if it is the card reader or USB disk you mean (some report"
                + " removable 0), add --force";
    }
}
