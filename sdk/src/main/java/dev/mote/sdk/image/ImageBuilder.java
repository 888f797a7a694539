package dev.mote.sdk.image;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.elf.ElfFile;
import dev.mote.sdk.elf.ElfSegment;
import dev.mote.sdk.elf.ElfSymbol;
import dev.mote.sdk.profile.Arch;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;

/**
 * Makes a signed image from a linked ELF: the payload is every PT_LOAD segment's file bytes, laid
 * out from the lowest segment address to the end of the highest segment's file data, gaps zero
 * (segments with no file data, i.e. pure .bss, are left out: the kernel clears .bss). Usage:
 * <pre>
 * Image img = ImageBuilder.fromElf(elf, profile.name(), profile.arch())
 *         .appName("hello").version(Version.parse("--version", "1.2.0")).securityCounter(3)
 *         .sign(key);
 * </pre>
 */
public final class ImageBuilder {
    /** The largest payload we make: far above any device's flash slot, well below Java's limits. */
    static final long MAX_PAYLOAD = 256L << 20;

    private final String profile;
    private final Arch arch;
    private final long loadAddress;
    static final String HANDOFF_SYMBOL = "boot_handoff";
    private final long entryPoint;
    private final byte[] payload;
    private String appName = "app";
    private Version version = Version.ZERO;
    private long securityCounter;

    ImageBuilder(String profile, Arch arch, long loadAddress, long entryPoint, byte[] payload) {
        this.profile = profile;
        this.arch = arch;
        this.loadAddress = loadAddress;
        this.entryPoint = entryPoint;
        this.payload = payload;
    }

    /** Starts an image of {@code elf} for {@code profile}, whose architecture the ELF must have. */
    public static ImageBuilder fromElf(ElfFile elf, String profile, Arch arch) throws IOException {
        int machine = arch == Arch.ARM64 ? ElfFile.EM_AARCH64 : ElfFile.EM_X86_64;
        if (elf.machine() != machine) {
            throw new MoteException(elf.path() + " is not an " + arch.keyword() + " ELF (e_machine "
                    + elf.machine() + "), but profile " + profile + " is " + arch.keyword(),
                    "build the app for this profile: mote build APP -p " + profile);
        }
        List<ElfSegment> loads = elf.segments().stream()
                .filter(s -> s.type() == ElfSegment.PT_LOAD && s.filesz() > 0)
                .sorted(Comparator.comparingLong(ElfSegment::vaddr)).toList();
        if (loads.isEmpty()) {
            throw new MoteException(elf.path() + " has no loadable bytes (no PT_LOAD segment with file data)",
                    "is it a firmware ELF from 'mote build'?");
        }
        long base = loads.get(0).vaddr();
        long end = base;
        for (ElfSegment s : loads) {
            if (s.paddr() != s.vaddr()) {
                throw new MoteException(elf.path() + ": segment at 0x" + Long.toHexString(s.vaddr())
                        + " has physical address 0x" + Long.toHexString(s.paddr()), "Mote images are loaded"
                        + " where they run: the linker script must make LMA = VMA");
            }
            if (s.vaddr() < end) {
                throw new MoteException(elf.path() + ": PT_LOAD segments overlap at 0x" + Long.toHexString(s.vaddr()),
                        null);
            }
            end = s.vaddr() + s.filesz();
        }
        long span = end - base;
        if (span > MAX_PAYLOAD || span < 0) {
            throw new MoteException(elf.path() + ": loadable segments span 0x" + Long.toHexString(span)
                    + " bytes from 0x" + Long.toHexString(base), "the linker script must keep all loadable"
                    + " sections together (the payload is the whole range, gaps zero-filled)");
        }
        byte[] file = Files.readAllBytes(elf.path());
        byte[] payload = new byte[(int) span];
        for (ElfSegment s : loads) {
            if (s.offset() < 0 || s.offset() + s.filesz() > file.length) {
                throw new IOException(elf.path() + ": truncated ELF file (segment at 0x"
                        + Long.toHexString(s.vaddr()) + " runs past its end)");
            }
            System.arraycopy(file, (int) s.offset(), payload, (int) (s.vaddr() - base), (int) s.filesz());
        }
        long entry = handoffEntry(elf);
        if (Long.compareUnsigned(entry - base, payload.length) >= 0 || Long.compareUnsigned(entry, base) < 0) {
            throw new MoteException(elf.path() + ": the entry point 0x" + Long.toHexString(entry)
                    + " is outside the loadable bytes (0x" + Long.toHexString(base) + " + " + payload.length
                    + "): a device would refuse the image",
                    "link the app with the SDK's linker script (mote build does)");
        }
        return new ImageBuilder(profile, arch, base, entry, payload);
    }

    /**
     * Where the bootloader starts the image: the port's {@code boot_handoff} symbol (ARM64: the
     * same as e_entry; x86_64: the 64-bit entry, since the bootloader is in long mode), or
     * e_entry for an ELF without one.
     */
    static long handoffEntry(ElfFile elf) {
        return elf.symbols().stream().filter(s -> s.name().equals(HANDOFF_SYMBOL)).mapToLong(ElfSymbol::value)
                .findFirst().orElse(elf.entry());
    }

    /** The app name in the header (at most 31 ASCII characters). Default "app". */
    public ImageBuilder appName(String name) {
        this.appName = name;
        return this;
    }

    /** The app version in the header. Default 0.0.0. */
    public ImageBuilder version(Version v) {
        this.version = v;
        return this;
    }

    /** The anti-rollback counter in the header. Default 0. */
    public ImageBuilder securityCounter(long counter) {
        this.securityCounter = counter;
        return this;
    }

    public byte[] payload() {
        return payload.clone();
    }

    /** The header this builder would sign. */
    public ImageHeader header() {
        return new ImageHeader(arch, payload.length, loadAddress, entryPoint, version, securityCounter, profile,
                appName, VerifyKey.sha256(payload));
    }

    public Image sign(SigningKey key) {
        return Image.sign(header(), payload, key);
    }
}
