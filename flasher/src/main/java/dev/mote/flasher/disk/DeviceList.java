package dev.mote.flasher.disk;

import dev.mote.flasher.link.SerialPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What `mote flash --list` shows (Linux): serial ports from /sys/class/tty (with the USB
 * device's VID:PID, serial number and product strings where there are some) and the disks a
 * board's flash could be on: removable, USB or SD, not virtual (loop, zram, device-mapper).
 * The sysfs root is a parameter so tests can build a fake tree.
 */
public final class DeviceList {
    /** How far up from a tty's device to look for the USB device (interface, then device). */
    private static final int USB_DEPTH = 6;
    private final Path sys;

    public DeviceList(Path sysRoot) {
        this.sys = sysRoot;
    }

    /** This machine's /sys. */
    public static DeviceList system() {
        return new DeviceList(Path.of("/sys"));
    }

    /** Serial ports backed by a device, sorted by name; the 8250 driver's placeholder ports are left out. */
    public List<SerialPort> serialPorts() {
        List<SerialPort> ports = new ArrayList<>();
        for (Path tty : Sysfs.list(sys.resolve("class/tty"))) {
            Path link = tty.resolve("device");
            if (!Files.exists(link)) {
                continue; // virtual terminals, pty, console
            }
            Path dev = Sysfs.real(link);
            Path usb = usbDevice(dev);
            if (usb == null && owner(dev).getFileName().toString().equals("serial8250")) {
                continue; // ttyS4..ttyS31: registered by serial8250 whether or not a UART is there
            }
            String driver = linkName(owner(dev).resolve("driver"));
            if (usb == null) {
                ports.add(new SerialPort("/dev/" + tty.getFileName(), null, null, null, null, null, driver));
            } else {
                ports.add(new SerialPort("/dev/" + tty.getFileName(), Sysfs.read(usb.resolve("idVendor")),
                        Sysfs.read(usb.resolve("idProduct")), Sysfs.read(usb.resolve("serial")),
                        Sysfs.read(usb.resolve("manufacturer")), Sysfs.read(usb.resolve("product")), driver));
            }
        }
        return ports;
    }

    /** Disks a flash could be on (removable, USB or SD; not virtual), sorted by name. */
    public List<BlockDisk> disks() {
        DiskGuard guard = new DiskGuard(sys, Path.of("/nonexistent"));
        List<BlockDisk> disks = new ArrayList<>();
        for (Path d : Sysfs.list(sys.resolve("block"))) {
            if (Sysfs.real(d).toString().contains("/virtual/")) {
                continue;
            }
            BlockDisk disk = guard.describe(d.getFileName().toString());
            if (disk.removable() || disk.usb()) {
                disks.add(disk);
            }
        }
        return disks;
    }

    /** The USB device (the directory with idVendor) at or above {@code dev}, or null. */
    private Path usbDevice(Path dev) {
        Path root = Sysfs.real(sys);
        Path d = dev;
        for (int i = 0; i < USB_DEPTH && d != null && d.startsWith(root) && !d.equals(root); i++) {
            if (Files.isRegularFile(d.resolve("idVendor")) && Files.isRegularFile(d.resolve("idProduct"))) {
                return d;
            }
            d = d.getParent();
        }
        return null;
    }

    /** The device a port belongs to: above the "serial-base" port devices of kernels 6.5+. */
    private static Path owner(Path dev) {
        Path d = dev;
        for (int i = 0; i < 3 && d.getParent() != null && "serial-base".equals(linkName(d.resolve("subsystem"))); i++) {
            d = d.getParent();
        }
        return d;
    }

    /** The file name a symlink points to (subsystem -> .../bus/usb gives "usb"), or null. */
    private static String linkName(Path link) {
        if (!Files.exists(link)) {
            return null;
        }
        return Sysfs.real(link).getFileName().toString();
    }
}
