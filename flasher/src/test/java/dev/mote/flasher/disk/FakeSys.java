package dev.mote.flasher.disk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fake /sys and /proc in a test directory, laid out like Linux's, for DiskGuard and DeviceList. */
final class FakeSys {
    final Path sys;
    final Path proc;
    private final StringBuilder mountinfo = new StringBuilder();
    private int mountId = 20;

    FakeSys(Path root) throws IOException {
        sys = Files.createDirectories(root.resolve("sys"));
        proc = Files.createDirectories(root.resolve("proc/self"));
        proc.resolve("self"); // created above
        Files.createDirectories(sys.resolve("block"));
        Files.createDirectories(sys.resolve("class/tty"));
    }

    Path procRoot() {
        return proc.getParent();
    }

    /**
     * A disk: the device lives under devices/{@code busPath}/block/NAME and /sys/block/NAME
     * links to it, as on Linux; {@code busPath} with "usb" in it makes a USB disk.
     */
    Path disk(String name, String dev, boolean removable, long sectors, String busPath, String vendor, String model)
            throws IOException {
        Path d = Files.createDirectories(sys.resolve("devices").resolve(busPath).resolve("block").resolve(name));
        write(d.resolve("dev"), dev);
        write(d.resolve("removable"), removable ? "1" : "0");
        write(d.resolve("size"), Long.toString(sectors));
        if (vendor != null) {
            write(d.resolve("device/vendor"), vendor + "  ");
        }
        if (model != null) {
            write(d.resolve("device/model"), model + "    ");
        }
        Files.createDirectories(d.resolve("holders"));
        Files.createSymbolicLink(sys.resolve("block").resolve(name), d);
        return d;
    }

    Path partition(Path disk, String name, String dev) throws IOException {
        Path p = Files.createDirectories(disk.resolve(name));
        write(p.resolve("dev"), dev);
        write(p.resolve("partition"), name.replaceAll("\\D+", ""));
        Files.createDirectories(p.resolve("holders"));
        return p;
    }

    /** A device-mapper device on top of {@code under} (dm-crypt, LVM). */
    void holder(Path under, String name, String dev) throws IOException {
        Path d = Files.createDirectories(sys.resolve("devices/virtual/block").resolve(name));
        write(d.resolve("dev"), dev);
        write(d.resolve("removable"), "0");
        write(d.resolve("size"), "100");
        Files.createSymbolicLink(sys.resolve("block").resolve(name), d);
        Files.createDirectories(under.resolve("holders"));
        Files.createSymbolicLink(under.resolve("holders").resolve(name), d);
    }

    void mount(String majMin, String mountPoint, String source) throws IOException {
        mountId++;
        mountinfo.append(mountId).append(" 1 ").append(majMin).append(" / ").append(mountPoint.replace(" ", "\\040"))
                .append(" rw,relatime shared:1 - ext4 ").append(source).append(" rw\n");
        write(proc.resolve("mountinfo"), mountinfo.toString());
    }

    void swap(String device) throws IOException {
        write(procRoot().resolve("swaps"), "Filename\tType\tSize\tUsed\tPriority\n" + device
                + "                               partition\t1000\t0\t-2\n");
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text + "\n", StandardCharsets.US_ASCII);
    }
}
