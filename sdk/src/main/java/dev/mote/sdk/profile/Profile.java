package dev.mote.sdk.profile;

import java.nio.file.Path;
import java.util.List;

/**
 * One board, as a device profile describes it: what the build driver needs to generate the
 * board description and link, and what the runner needs to boot it under QEMU. Parsed only by
 * {@link ProfileParser}; every other component reads this model.
 *
 * @param source     the file it was read from
 * @param loadAddress       where apps are linked (the bootloader loads them there)
 * @param bootloaderAddress where the bootloader is linked; it must end below loadAddress
 * @param recoveryListenMs  how long the bootloader listens on the console for the flasher
 *                          before booting a good image (0: only when nothing is bootable)
 * @param virtio     the virtio-mmio windows, or null if the board has none
 * @param qemuBinary the emulator, or null for a board that is only built (hardware profiles)
 * @param net        the board's network interface ({@code net = virtio}: a virtio-net device in
 *                   the virtio-mmio windows, which `mote run` attaches), or NONE
 * @param rng        the board's entropy source ({@code rng = virtio}: a virtio-rng device), or NONE
 */
public record Profile(
        String name,
        String description,
        Path source,
        Arch arch,
        String cpu,
        Hardware hardware,
        long ramBase,
        long ramSize,
        long loadAddress,
        long bootloaderAddress,
        BootProtocol bootProtocol,
        String consoleType,
        long consoleBase,
        String intcType,
        List<Long> intcBase,
        Virtio virtio,
        ExitMethod exit,
        long flashSize,
        List<Partition> partitions,
        String qemuBinary,
        List<String> qemuArgs,
        long recoveryListenMs,
        Device net,
        Device rng) {

    public Profile {
        intcBase = List.copyOf(intcBase);
        partitions = List.copyOf(partitions);
        qemuArgs = List.copyOf(qemuArgs);
    }

    /** True if `mote run` can boot it (a QEMU machine), false for hardware that is only built. */
    public boolean runnable() {
        return hardware == Hardware.EMULATED && qemuBinary != null;
    }

    /** The partition with this name (boot_state, slot_a, slot_b, persist), or null. */
    public Partition partition(String partitionName) {
        return partitions.stream().filter(p -> p.name().equals(partitionName)).findFirst().orElse(null);
    }

    /** Whether the board runs under QEMU or has only been built for real hardware. */
    public enum Hardware {
        EMULATED("emulated"), BUILT_NOT_RUN("built-not-run");

        private final String keyword;

        Hardware(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    /** How the image is handed to the CPU. */
    public enum BootProtocol {
        ELF("elf"), PVH("pvh"), MULTIBOOT("multiboot"), LINUX_IMAGE("linux-image");

        private final String keyword;

        BootProtocol(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    /** How the guest powers off and reports its exit code. */
    public enum ExitMethod {
        SEMIHOSTING("semihosting"), DEBUG_EXIT("debug-exit"), NONE("none");

        private final String keyword;

        ExitMethod(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    /** Which driver serves one of the board's optional devices (net, rng). */
    public enum Device {
        NONE("none"), VIRTIO("virtio");

        private final String keyword;

        Device(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    /** virtio-mmio windows: {@code count} windows {@code stride} bytes apart, IRQs from {@code irq}. */
    public record Virtio(long base, long stride, int count, int irq) {
    }
}
