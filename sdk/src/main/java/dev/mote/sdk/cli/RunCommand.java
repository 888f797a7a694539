package dev.mote.sdk.cli;

import dev.mote.sdk.MoteException;
import dev.mote.sdk.Sdk;
import dev.mote.sdk.image.Image;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Profile;
import dev.mote.sdk.run.BootChain;
import dev.mote.sdk.run.Devices;
import dev.mote.sdk.run.Network;
import dev.mote.sdk.run.BootRefusal;
import dev.mote.sdk.run.ConsoleWatch;
import dev.mote.sdk.run.QemuRunner;
import dev.mote.sdk.run.RunOptions;
import dev.mote.sdk.run.RunResult;
import dev.mote.sdk.run.RunTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote run`: boot firmware under QEMU; the guest's exit code becomes ours. A signed image boots
 * through the bootloader from a flash, as on the board; an ELF boots directly (no verification).
 */
final class RunCommand implements Command {
    /** Exit code when --timeout stopped firmware that was still running (GNU timeout's). */
    static final int TIMED_OUT = 124;

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "boot firmware under QEMU (through the verifying bootloader) with the console here";
    }

    @Override
    public String usage() {
        return "mote run <image.img|app.elf> | --flash FLASH -p <profile>  [--pub KEY.pub]... [--timeout S]"
                + " [--gdb [PORT]] [--mem SIZE] [--cpu CPU] [--hostfwd [HOSTPORT:]PORT]... [--guestfwd PORT[:HOSTPORT]]..."
                + " [--pcap FILE] [--tftp DIR] [--no-net]";
    }

    @Override
    public String examples() {
        return String.join("\n",
                "  mote run out/hello.img                      # bootloader -> verify -> app, as on the board",
                "  mote run out/hello.img --pub keys/fleet.pub # trust the key the image was signed with",
                "  mote mkflash -p qemu-virt-arm64 --slot-a v1.img --slot-b v2.img --pending b -o flash.bin",
                "  mote run --flash flash.bin -p qemu-virt-arm64   # boots B in TEST; run again: confirmed or reverted",
                "  mote run out/hello.elf --cpu cortex-a72 --mem 64M   # an ELF boots directly, unverified",
                "  mote run --flash blank.bin -p qemu-virt-arm64 --serial-tcp 4444   # then, elsewhere:",
                "  mote flash out/hello.img --target tcp:127.0.0.1:4444     # through the bootloader's recovery mode",
                "  mote run out/panic.img --gdb                # then, in another terminal:",
                "  gdb-multiarch -q out/panic.elf -ex 'target remote 127.0.0.1:1234'",
                "  mote run out/echo.img --hostfwd 7007:7     # the device's TCP port 7 at the host's 127.0.0.1:7007",
                "  mote run out/http-get.img --guestfwd 80:8080 --pcap out/net.pcap   # 10.0.2.100:80 is 127.0.0.1:8080",
                "An image boots from a temporary flash (slot A); with --flash the file is the board's flash",
                "and keeps what the device writes (boot state, TEST/confirm) for the next run. The bootloader",
                "trusts the --pub keys, or else your development key (~/.config/mote/dev-signing.pub, or",
                "$MOTE_DEV_KEY's .pub: the one mote build signs with when given no --key).",
                "The command exits with the guest's exit code (101 after a panic, 103 when a TEST image did",
                "not confirm in time); it fails (1) if QEMU cannot run, or at once if the bootloader refuses",
                "every slot of a board nobody can flash (the reason and the fix are printed). Firmware that",
                "never exits runs until Ctrl-C (exit 130); --timeout S stops it after S seconds, and then",
                "the command says it was still running and exits " + TIMED_OUT + ". With --serial-tcp a board with",
                "nothing bootable waits in recovery mode for mote flash.",
                "A board whose profile names a NIC gets QEMU's user-mode network, isolated (restrict=on): the",
                "device is 10.0.2.15, its gateway 10.0.2.2; it reaches only what --guestfwd maps, at 10.0.2.100",
                "(host.mote.internal), and the host reaches only the ports --hostfwd exposes on 127.0.0.1.",
                "A --hostfwd without HOSTPORT gets a free port (printed), so devices side by side never collide.");
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder("p").longOpt("profile").hasArg().argName("profile")
                        .desc("device profile (default: the one the image was built for)").build())
                .addOption(Option.builder().longOpt("flash").hasArg().argName("FLASH")
                        .desc("boot the board with this flash file (from mote mkflash); needs -p").build())
                .addOption(Option.builder().longOpt("serial-tcp").hasArg().argName("PORT")
                        .desc("the board's serial console on a TCP server at 127.0.0.1:PORT instead of this"
                                + " terminal: mote flash --target tcp:127.0.0.1:PORT talks to its bootloader").build())
                .addOption(Option.builder().longOpt("pub").hasArg().argName("KEY.pub")
                        .desc("a public key the bootloader trusts (repeatable; default: the dev key)").build())
                .addOption(Option.builder().longOpt("timeout").hasArg().argName("S")
                        .desc("stop the firmware after S seconds, exit " + TIMED_OUT + " if it was still running"
                                + " (default: none, run until it exits or Ctrl-C)").build())
                .addOption(Option.builder().longOpt("gdb").hasArg().optionalArg(true).argName("PORT")
                        .desc("start halted, gdb server on 127.0.0.1:PORT (default 1234)").build())
                .addOption(Option.builder().longOpt("mem").hasArg().argName("SIZE")
                        .desc("guest RAM, e.g. 64M (default: the profile's ram.size)").build())
                .addOption(Option.builder().longOpt("cpu").hasArg().argName("CPU")
                        .desc("CPU model, e.g. cortex-a72 (default: the profile's)").build())
                .addOption(Option.builder().longOpt("hostfwd").hasArg().argName("[HOSTPORT:]PORT")
                        .desc("expose the device's TCP port PORT (udp:... for UDP) at 127.0.0.1:HOSTPORT"
                                + " (none or 0: a free one, printed); repeatable").build())
                .addOption(Option.builder().longOpt("guestfwd").hasArg().argName("PORT[:HOSTPORT]")
                        .desc("the device's TCP connections to 10.0.2.100:PORT (host.mote.internal) reach"
                                + " the host's 127.0.0.1:HOSTPORT (default: PORT); repeatable").build())
                .addOption(Option.builder().longOpt("pcap").hasArg().argName("FILE")
                        .desc("write the device's network traffic to FILE (pcap: Wireshark, tcpdump -r)").build())
                .addOption(Option.builder().longOpt("tftp").hasArg().argName("DIR")
                        .desc("serve DIR read-only over TFTP at 10.0.2.2 (QEMU's TFTP server)").build())
                .addOption(Option.builder().longOpt("no-net").desc("boot without a NIC").build())
                .addOption(Option.builder().longOpt("accel").hasArg().argName("auto|tcg|kvm")
                        .desc("tcg (default: works everywhere), kvm, or auto (KVM when /dev/kvm is usable"
                                + " and the arch matches; -cpu host)").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        List<String> args = new ArrayList<>(positional);
        Integer gdbPort = null;
        if (line.hasOption("gdb")) {
            String v = line.getOptionValue("gdb");
            gdbPort = RunOptions.DEFAULT_GDB_PORT;
            if (v != null && v.matches("\\d+")) {
                gdbPort = Integer.parseInt(v);
            } else if (v != null) {
                args.add(0, v); // `--gdb out/x.elf`: the optional port was really the image
            }
        }
        String flash = line.getOptionValue("flash");
        if (flash != null) {
            if (!args.isEmpty()) {
                throw new IllegalArgumentException("--flash: give either a flash file or an image, not both: " + args);
            }
            if (!line.hasOption("p")) {
                throw new IllegalArgumentException("-p: required with --flash (a flash file does not name its board)");
            }
        } else if (args.size() != 1) {
            throw new IllegalArgumentException(args.isEmpty()
                    ? "<image>: missing (the .img or .elf mote build wrote, or --flash FLASH)"
                    : "<image>: expected one image, got " + args.size() + ": " + args);
        }
        Duration timeout = null;   // firmware that never exits runs until Ctrl-C
        if (line.hasOption("timeout")) {
            String t = line.getOptionValue("timeout");
            if (!t.matches("\\d{1,9}")) {
                throw new IllegalArgumentException("--timeout: '" + t + "' is not a number of seconds");
            }
            long s = Long.parseLong(t);
            timeout = s == 0 ? null : Duration.ofSeconds(s);
        }
        Long mem = line.hasOption("mem") ? Numbers.parseArgument("--mem", line.getOptionValue("mem")) : null;
        RunOptions.Accel accel = RunOptions.Accel.TCG;
        if (line.hasOption("accel")) {
            String a = line.getOptionValue("accel");
            try {
                accel = RunOptions.Accel.valueOf(a.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--accel: '" + a + "' is not one of auto, tcg, kvm");
            }
        }
        Integer serialPort = null;
        if (line.hasOption("serial-tcp")) {
            String v = line.getOptionValue("serial-tcp");
            if (!v.matches("\\d{1,5}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 65535) {
                throw new IllegalArgumentException("--serial-tcp: '" + v + "' is not a TCP port (1..65535)");
            }
            serialPort = Integer.parseInt(v);
        }
        RunOptions options = new RunOptions(timeout, gdbPort, mem, line.getOptionValue("cpu"), accel, false)
                .withSerialPort(serialPort).withDevices(devices(line));
        String[] pubs = line.getOptionValues("pub");
        return new Run(flash == null ? args.get(0) : null, flash, line.getOptionValue("p"),
                pubs == null ? List.of() : List.of(pubs), options);
    }

    /** The NIC's network (forwards, capture) and the entropy source, from the options. */
    static Devices devices(CommandLine line) {
        Network net = Network.user();
        for (String spec : optionValues(line, "hostfwd")) {
            net = net.withHostForward(Network.HostForward.parse(spec));
        }
        for (String spec : optionValues(line, "guestfwd")) {
            net = net.withGuestForward(Network.GuestForward.parse(spec));
        }
        if (line.hasOption("pcap")) {
            net = net.withPcap(Path.of(line.getOptionValue("pcap")));
        }
        if (line.hasOption("tftp")) {
            net = net.withTftp(Path.of(line.getOptionValue("tftp")));
        }
        if (line.hasOption("no-net")) {
            if (!net.equals(Network.user())) {
                throw new IllegalArgumentException("--no-net: there is no network to forward to or capture");
            }
            return new Devices(null, true);
        }
        return Devices.standard().withNetwork(net);
    }

    private static List<String> optionValues(CommandLine line, String name) {
        String[] v = line.getOptionValues(name);
        return v == null ? List.of() : List.of(v);
    }

    /** A parsed `mote run`: exactly one of {@code image} and {@code flash} is set. */
    record Run(String image, String flash, String profile, List<String> pubs, RunOptions options)
            implements Invocation {
        @Override
        public int execute(Context ctx) throws IOException {
            RunOptions o = options.withInheritStdin(ctx.interactive());
            Devices d = o.devices();
            Network n = d == null ? null : d.network();
            if (n != null && n.pcap() != null) {
                n = n.withPcap(ctx.path(n.pcap().toString()));
            }
            if (n != null && n.tftpRoot() != null) {
                n = n.withTftp(ctx.path(n.tftpRoot().toString()));
            }
            if (n != null) {
                o = o.withDevices(d.withNetwork(n));
            }
            Path file = ctx.path(flash != null ? flash : image);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException((flash != null ? "--flash" : "<image>") + ": '" + file
                        + "' does not exist" + (flash != null ? " (make one with mote mkflash)" : ""));
            }
            RunResult r;
            try {
                r = boot(ctx, file, o);
            } catch (RunTimeoutException e) {
                ctx.out().flush();
                ctx.err().println("mote: stopped after " + e.timeout().toSeconds() + " s (--timeout): the firmware"
                        + " was still running; exit " + TIMED_OUT + " (if it should have exited by then, rerun"
                        + " with --gdb to see where it is)");
                return TIMED_OUT;
            }
            ctx.out().flush();
            return r.guestExitCode();
        }

        private RunResult boot(Context ctx, Path file, RunOptions o) throws IOException {
            RunResult r;
            if (flash != null) {
                Profile p = ctx.profiles().resolve(profile);
                // nobody can flash a board whose console is this terminal: a refusal is final
                ConsoleWatch watch = o.serialPort() == null && !o.serialPty() ? new BootRefusal() : null;
                r = chain(ctx).run(file, p, SigningArgs.trustedKeys(ctx, pubs, file), o, ctx.out(), watch);
            } else if (isSignedImage(file)) {
                Image img = Image.read(file);
                Profile p = ctx.profiles().resolve(profile != null ? profile : img.header().profile());
                if (!p.name().equals(img.header().profile())) {
                    throw new MoteException(file + " was built for " + img.header().profile() + ", not " + p.name(),
                            "drop -p to boot it on " + img.header().profile());
                }
                r = chain(ctx).runImage(file, p, SigningArgs.trustedKeys(ctx, pubs, file), o, ctx.out());
            } else {
                Profile p = QemuRunner.profileFor(file, profile, ctx.profiles());
                r = new QemuRunner(ctx.tools(), ctx.err()).run(file, p, o, ctx.out());
            }
            return r;
        }

        private static BootChain chain(Context ctx) throws IOException {
            return new BootChain(ctx.sdk(), ctx.tools(), ctx.err(), Sdk.cacheDir(ctx.env()));
        }

        private static boolean isSignedImage(Path file) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                return Image.looksLikeImage(in.readNBytes(4));
            }
        }
    }
}
