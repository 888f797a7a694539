package dev.mote.sdk.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code key = value} profile format: one field per line, {@code #} starts a comment,
 * blank lines are ignored. Every field is known (an unknown one is an error, so a typo cannot
 * silently fall back to a default) and every error names the file, the line and the field.
 */
public final class ProfileParser {
    static final List<String> PARTITIONS = List.of("boot_state", "slot_a", "slot_b", "persist");
    static final Set<String> REQUIRED = Set.of("name", "description", "arch", "cpu", "hardware",
            "ram.base", "ram.size", "load.address", "bootloader.address", "boot.protocol", "console.type", "console.base",
            "intc.type", "intc.base", "exit", "flash.size", "partition.boot_state",
            "partition.slot_a", "partition.slot_b", "partition.persist");
    static final Set<String> OPTIONAL = Set.of("virtio.base", "virtio.stride", "virtio.count",
            "virtio.irq", "qemu.binary", "qemu.args", "recovery.listen_ms", "net", "rng");

    private ProfileParser() {
    }

    /** Parses a profile file; {@code display} is how the file is named in errors. */
    public static Profile parse(Path file, String display) throws IOException {
        return parse(display, file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Parses profile text already read from {@code source}. */
    public static Profile parse(String display, Path source, List<String> lines) {
        Fields f = new Fields(display, read(display, lines));
        String fileName = source.getFileName().toString();
        String name = f.text("name");
        if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
            throw f.error("name", "'" + name + "' is not a profile name (use a-z, 0-9, '-', '.', '_')");
        }
        if (fileName.endsWith(".profile") && !fileName.equals(name + ".profile")) {
            throw f.error("name", "'" + name + "' does not match the file name '" + fileName + "'");
        }
        Arch arch = Arch.fromKeyword(f.text("arch"));
        if (arch == null) {
            throw f.error("arch", "'" + f.text("arch") + "' is not an architecture (use arm64 or x86_64)");
        }
        Profile.Hardware hardware = f.keyword("hardware", Profile.Hardware.values());
        long ramBase = f.address("ram.base");
        long ramSize = f.size("ram.size");
        long load = f.address("load.address");
        if (load < ramBase || load - ramBase >= ramSize) {
            throw f.error("load.address", Numbers.hex(load) + " is outside RAM (" + Numbers.hex(ramBase)
                    + " + " + Numbers.human(ramSize) + ")");
        }
        long loader = f.address("bootloader.address");
        if (loader < ramBase || loader >= load) {
            throw f.error("bootloader.address", Numbers.hex(loader) + " must be in RAM and below load.address ("
                    + Numbers.hex(load) + ")");
        }
        Profile.BootProtocol boot = f.keyword("boot.protocol", Profile.BootProtocol.values());
        boolean x86Boot = boot == Profile.BootProtocol.PVH || boot == Profile.BootProtocol.MULTIBOOT;
        if (x86Boot != (arch == Arch.X86_64) && boot != Profile.BootProtocol.ELF) {
            throw f.error("boot.protocol", "'" + boot.keyword() + "' cannot boot " + arch.keyword());
        }
        Profile.ExitMethod exit = f.keyword("exit", Profile.ExitMethod.values());
        if ((exit == Profile.ExitMethod.SEMIHOSTING && arch != Arch.ARM64)
                || (exit == Profile.ExitMethod.DEBUG_EXIT && arch != Arch.X86_64)) {
            throw f.error("exit", "'" + exit.keyword() + "' is not available on " + arch.keyword());
        }
        List<Long> intc = f.addresses("intc.base");
        if (intc.size() > 2) {
            throw f.error("intc.base", "at most two addresses (e.g. GICD GICC, or IOAPIC LAPIC)");
        }
        Profile.Virtio virtio = null;
        if (f.has("virtio.base") || f.has("virtio.stride") || f.has("virtio.count") || f.has("virtio.irq")) {
            virtio = new Profile.Virtio(f.address("virtio.base"), f.size("virtio.stride"),
                    f.integer("virtio.count"), f.integer("virtio.irq"));
        }
        Profile.Device net = device(f, "net", virtio);
        Profile.Device rng = device(f, "rng", virtio);
        long flashSize = f.size("flash.size");
        List<Partition> partitions = partitions(f, flashSize);
        String qemuBinary = f.has("qemu.binary") ? f.text("qemu.binary") : null;
        if (hardware == Profile.Hardware.EMULATED && qemuBinary == null) {
            throw f.error("qemu.binary", "required when hardware = emulated");
        }
        List<String> qemuArgs = f.has("qemu.args")
                ? Arrays.asList(f.text("qemu.args").split("\\s+")) : List.of();
        return new Profile(name, f.text("description"), source, arch, f.text("cpu"), hardware,
                ramBase, ramSize, load, loader, boot, f.text("console.type"), f.address("console.base"),
                f.text("intc.type"), intc, virtio, exit, flashSize, partitions, qemuBinary, qemuArgs,
                f.has("recovery.listen_ms") ? f.integer("recovery.listen_ms") : 0, net, rng);
    }

    /** An optional device field (none when absent); a virtio one needs the virtio windows. */
    private static Profile.Device device(Fields f, String key, Profile.Virtio virtio) {
        if (!f.has(key)) {
            return Profile.Device.NONE;
        }
        Profile.Device d = f.keyword(key, Profile.Device.values());
        if (d == Profile.Device.VIRTIO && virtio == null) {
            throw f.error(key, "'virtio' needs the board's virtio-mmio windows (virtio.base, ...)");
        }
        return d;
    }

    private static Map<String, Fields.Value> read(String display, List<String> lines) {
        Map<String, Fields.Value> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (content.isEmpty()) {
                continue;
            }
            int eq = content.indexOf('=');
            if (eq < 0) {
                throw new ProfileException(display, lineNo, "expected 'key = value', got '" + content + "'");
            }
            String key = content.substring(0, eq).trim();
            String value = content.substring(eq + 1).trim();
            if (!REQUIRED.contains(key) && !OPTIONAL.contains(key)) {
                throw new ProfileException(display, lineNo, "unknown field '" + key + "'");
            }
            if (value.isEmpty()) {
                throw new ProfileException(display, lineNo, "field '" + key + "': empty value");
            }
            Fields.Value previous = values.put(key, new Fields.Value(value, lineNo));
            if (previous != null) {
                throw new ProfileException(display, lineNo, "field '" + key
                        + "': set twice (first on line " + previous.line() + ")");
            }
        }
        for (String key : REQUIRED.stream().sorted().toList()) {
            if (!values.containsKey(key)) {
                throw new ProfileException(display, 0, "missing required field '" + key + "'");
            }
        }
        return values;
    }

    private static List<Partition> partitions(Fields f, long flashSize) {
        List<Partition> result = new ArrayList<>();
        for (String name : PARTITIONS) {
            String key = "partition." + name;
            List<Long> v = f.sizes(key);
            if (v.size() != 2) {
                throw f.error(key, "expected 'offset size', e.g. '64K 7M'");
            }
            Partition p = new Partition(name, v.get(0), v.get(1));
            if (p.size() == 0) {
                throw f.error(key, "size is 0");
            }
            if (p.end() > flashSize) {
                throw f.error(key, "ends at " + Numbers.hex(p.end()) + ", outside flash.size ("
                        + Numbers.hex(flashSize) + ")");
            }
            for (Partition other : result) {
                if (p.overlaps(other)) {
                    throw f.error(key, "overlaps partition." + other.name() + " ("
                            + Numbers.hex(other.offset()) + ".." + Numbers.hex(other.end()) + ")");
                }
            }
            result.add(p);
        }
        return result;
    }
}
