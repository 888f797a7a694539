package dev.mote.flasher.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mote.flasher.link.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceListTest {
    @TempDir
    Path tmp;

    /** /sys/class/tty/NAME with its device link pointing at {@code device}. */
    private static void tty(FakeSys fake, String name, Path device, String driver) throws IOException {
        Path t = Files.createDirectories(fake.sys.resolve("class/tty").resolve(name));
        FakeSys.write(t.resolve("dev"), "166:0");
        if (device != null) {
            Files.createDirectories(device);
            Files.createSymbolicLink(t.resolve("device"), device);
            if (driver != null) {
                Path d = Files.createDirectories(fake.sys.resolve("bus/usb/drivers").resolve(driver));
                Files.createSymbolicLink(device.resolve("driver"), d);
            }
        }
    }

    private static Path usbDevice(FakeSys fake, String path, String vid, String pid, String serial, String product)
            throws IOException {
        Path d = Files.createDirectories(fake.sys.resolve("devices/pci0000:00/0000:00:14.0").resolve(path));
        FakeSys.write(d.resolve("idVendor"), vid);
        FakeSys.write(d.resolve("idProduct"), pid);
        if (serial != null) {
            FakeSys.write(d.resolve("serial"), serial);
        }
        if (product != null) {
            FakeSys.write(d.resolve("product"), product);
            FakeSys.write(d.resolve("manufacturer"), "Mote Labs");
        }
        return d;
    }

    /** A port device whose subsystem is serial-base (kernels 6.5+), under {@code owner}. */
    private static Path serialBase(FakeSys fake, Path owner, String ctrl, String port) throws IOException {
        Path bus = Files.createDirectories(fake.sys.resolve("bus/serial-base"));
        Path c = Files.createDirectories(owner.resolve(ctrl));
        Path p = Files.createDirectories(c.resolve(port));
        Files.createSymbolicLink(c.resolve("subsystem"), bus);
        Files.createSymbolicLink(p.resolve("subsystem"), bus);
        return p;
    }

    @Test
    void serialPortsWithTheirUsbIdentity() throws IOException {
        FakeSys fake = new FakeSys(tmp);
        Path acm = usbDevice(fake, "usb1/1-3", "0483", "5740", "2081336B5543", "Mote Board");
        tty(fake, "ttyACM0", acm.resolve("1-3:1.0"), "cdc_acm");
        Path ftdi = usbDevice(fake, "usb1/1-4", "0403", "6001", null, null);
        tty(fake, "ttyUSB0", ftdi.resolve("1-4:1.0/ttyUSB0"), "ftdi_sio");
        Path pnp = Files.createDirectories(fake.sys.resolve("devices/pnp0/00:04"));
        tty(fake, "ttyS0", serialBase(fake, pnp, "00:04:0", "00:04:0.0"), null);
        Path placeholder = Files.createDirectories(fake.sys.resolve("devices/platform/serial8250"));
        tty(fake, "ttyS5", serialBase(fake, placeholder, "serial8250:0", "serial8250:0.5"), null);
        tty(fake, "tty1", null, null);

        List<SerialPort> ports = new DeviceList(fake.sys).serialPorts();
        assertEquals(List.of(
                new SerialPort("/dev/ttyACM0", "0483", "5740", "2081336B5543", "Mote Labs", "Mote Board", "cdc_acm"),
                new SerialPort("/dev/ttyS0", null, null, null, null, null, null),
                new SerialPort("/dev/ttyUSB0", "0403", "6001", null, null, null, "ftdi_sio")), ports);
        assertEquals("0483:5740", ports.get(0).vidPid());
    }

    @Test
    void removableUsbAndSdDisksButNotInternalOrVirtualOnes() throws IOException {
        FakeSys fake = new FakeSys(tmp);
        fake.disk("sda", "8:0", false, 2_000_000, "pci0000:00/0000:00:17.0/ata1/host0", "ATA", "Internal SSD");
        fake.disk("sdb", "8:16", true, 62_333_952L, "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/host1", "Generic",
                "SD/MMC Reader");
        fake.disk("sdc", "8:32", false, 4096, "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host2", null, "USB SSD");
        Path mmc = fake.disk("mmcblk0", "179:0", false, 31_116_288L, "platform/fe340000.mmc/mmc_host/mmc0/mmc0:aaaa",
                null, null);
        FakeSys.write(mmc.resolve("device/type"), "SD");
        fake.disk("loop0", "7:0", false, 0, "virtual", null, null);

        List<BlockDisk> disks = new DeviceList(fake.sys).disks();
        assertEquals(List.of(
                new BlockDisk("mmcblk0", "/dev/mmcblk0", 31_116_288L * 512, true, false, null, null),
                new BlockDisk("sdb", "/dev/sdb", 62_333_952L * 512, true, true, "Generic", "SD/MMC Reader"),
                new BlockDisk("sdc", "/dev/sdc", 4096L * 512, false, true, null, "USB SSD")), disks);
    }

    @Test
    void nothingToListIsAnEmptyList() throws IOException {
        DeviceList none = new DeviceList(tmp.resolve("no-sys"));
        assertEquals(List.of(), none.serialPorts());
        assertEquals(List.of(), none.disks());
    }
}
