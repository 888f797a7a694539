package dev.mote.flasher.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.testing.Fixtures;
import dev.mote.sdk.testing.TestImage;
import dev.mote.sdk.testing.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskGuardTest {
    @TempDir
    Path tmp;
    FakeSys fake;
    DiskGuard guard;
    Path sda;
    Path sdb;

    @BeforeEach
    void tree() throws IOException {
        fake = new FakeSys(tmp);
        guard = new DiskGuard(fake.sys, fake.procRoot());
        sda = fake.disk("sda", "8:0", false, 1_000_000_000L, "pci0000:00/0000:00:17.0/ata1/host0", "ATA", "Samsung SSD");
        fake.partition(sda, "sda1", "8:1");
        fake.partition(sda, "sda2", "8:2");
        sdb = fake.disk("sdb", "8:16", true, 62_333_952L, "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/host1",
                "Generic", "SD/MMC Reader");
        fake.partition(sdb, "sdb1", "8:17");
        fake.mount("8:2", "/", "/dev/sda2");
        fake.mount("8:1", "/boot/efi", "/dev/sda1");
    }

    private String refused(String device, boolean force) {
        return assertThrows(MoteException.class, () -> guard.check(Path.of(device), force)).getMessage();
    }

    @Test
    void theDiskTheSystemRunsFromIsRefusedEvenForced() {
        String m = refused("/dev/sda", true);
        assertEquals("refused /dev/sda: it is the disk this computer runs from (/ is mounted from /dev/sda2)", m);
        assertTrue(refused("/dev/sda1", true).contains("runs from"), "a partition names its disk");
        assertEquals("sda", guard.rootDisk());
    }

    @Test
    void anUnmountedRemovableDiskMayBeFlashed() {
        BlockDisk d = guard.check(Path.of("/dev/sdb"), false);
        assertEquals("sdb", d.name());
        assertEquals(62_333_952L * 512, d.size());
        assertTrue(d.removable());
        assertTrue(d.usb());
        assertEquals("Generic SD/MMC Reader", d.label());
    }

    @Test
    void aDiskWithAMountedPartitionIsRefusedEvenForced() throws IOException {
        fake.mount("8:17", "/media/me/BOOT DISK", "/dev/sdb1");
        assertEquals("refused /dev/sdb: it has mounted file systems: /dev/sdb1 on /media/me/BOOT DISK",
                refused("/dev/sdb", true));
    }

    @Test
    void aMountIsFoundByNameWhenItsDeviceNumberIsAnonymous() throws IOException {
        fake.mount("0:45", "/mnt/card", "/dev/sdb1"); // btrfs and others report 0:N
        assertTrue(refused("/dev/sdb", false).contains("/dev/sdb1 on /mnt/card"));
    }

    @Test
    void aMountThroughADeviceMapperHolderIsFound() throws IOException {
        fake.holder(sdb.resolve("sdb1"), "dm-3", "254:3");
        fake.mount("254:3", "/secret", "/dev/mapper/card");
        assertTrue(refused("/dev/sdb", true).contains("/dev/mapper/card on /secret"));
    }

    @Test
    void swapOnTheDiskIsRefused() throws IOException {
        fake.swap("/dev/sdb1");
        assertEquals("refused /dev/sdb: it holds swap in use: /dev/sdb1", refused("/dev/sdb", true));
    }

    @Test
    void aNonRemovableDiskIsRefusedUnlessForced() throws IOException {
        Path sdc = fake.disk("sdc", "8:32", false, 1000, "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host2", null,
                "USB SSD");
        fake.partition(sdc, "sdc1", "8:33");
        MoteException e = assertThrows(MoteException.class, () -> guard.check(Path.of("/dev/sdc"), false));
        assertTrue(e.getMessage().startsWith("refused /dev/sdc: it is not a removable disk ("), e.getMessage());
        assertTrue(e.getMessage().contains("is 0, though it is on USB"), e.getMessage());
        assertTrue(e.hint().contains("--force"), e.hint());
        assertEquals("sdc", guard.check(Path.of("/dev/sdc"), true).name());
    }

    @Test
    void anSdCardInABuiltInReaderCountsAsRemovable() throws IOException {
        Path mmc = fake.disk("mmcblk0", "179:0", false, 1000, "platform/fe340000.mmc/mmc_host/mmc0/mmc0:aaaa", null,
                null);
        FakeSys.write(mmc.resolve("device/type"), "SD");
        assertTrue(guard.check(Path.of("/dev/mmcblk0"), false).removable());
    }

    @Test
    void anUnknownDeviceIsNamed() {
        assertTrue(refused("/dev/nosuchdisk", false).contains("(nosuchdisk) is not a disk or partition listed in"));
    }

    @Test
    void noRootDiskWhenRootIsAnOverlay() throws IOException {
        DiskGuard g = new DiskGuard(fake.sys, tmp.resolve("other-proc"));
        Files.createDirectories(tmp.resolve("other-proc/self"));
        FakeSys.write(tmp.resolve("other-proc/self/mountinfo"), "1 0 0:31 / / rw - overlay overlay rw");
        assertNull(g.rootDisk());
        assertNull(g.refusal(g.disk(Path.of("/dev/sdb")), false));
    }

    /** The real machine: the guard must refuse the disk / is on, and the flasher write nothing to it. */
    @Test
    void theRealRootDiskIsRefusedAndNothingIsWritten() throws IOException {
        DiskGuard real = DiskGuard.system();
        String root = real.rootDisk();
        assumeTrue(root != null, "cannot tell which disk / is on (an overlay or network root)");
        Path dev = Path.of("/dev", root);
        MoteException e = assertThrows(MoteException.class, () -> real.check(dev, true));
        assertTrue(e.getMessage().contains("it is the disk this computer runs from"), e.getMessage());

        assumeTrue(BlockTarget.isBlockDevice(dev), dev + " is not a block device here");
        byte[] before = head(dev); // null where even reading it is not allowed (a container)
        Profile p = Fixtures.profile(TestImage.ARM);
        // belt and braces: even if the guard let it through, this opener cannot write
        TargetIo.Opener readOnly = (path, writable, size, blockDev) -> {
            if (writable || size > 0) {
                throw new AssertionError("the flasher tried to open " + path + " for writing");
            }
            return ChannelIo.open(path, false, 0, blockDev);
        };
        Path img = TestImage.arm().counter(1).randomPayload(200_000, 1).write(tmp.resolve("v1.img"));
        MoteException f = assertThrows(MoteException.class, () -> new BlockTarget(dev, p).withForce(true)
                .withOpener(readOnly).flash(img, TestKeys.trusted(), FlashListener.NONE));
        assertTrue(f.getMessage().startsWith("refused " + dev + ": it is the disk this computer runs from"),
                f.getMessage());
        if (before != null) {
            assertEquals(HexFormat.of().formatHex(before), HexFormat.of().formatHex(head(dev)));
        }
    }

    /** The first MiB of {@code dev}, or null if it cannot be read. */
    private static byte[] head(Path dev) {
        try (InputStream in = Files.newInputStream(dev)) {
            return in.readNBytes(1 << 20);
        } catch (IOException e) {
            return null;
        }
    }
}
