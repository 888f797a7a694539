package dev.mote.sdk.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * The `mote` command line: its commands and overview; {@link Dispatcher} does the rest.
 * {@code fromArgs} only parses; {@code run()} does the work through the SDK's library API and
 * maps the outcome to an exit code: 0 ok, 1 failed, 2 usage (for `mote run`, the guest's).
 */
public final class Main {
    static final Dispatcher DISPATCHER = new Dispatcher("mote", List.of(new BuildCommand(), new RunCommand(),
            new KeygenCommand(), new SignCommand(), new MkflashCommand(), new FlashinfoCommand(),
            new VerifyCommand(), new InspectCommand(), new ProfilesCommand(), new DoctorCommand()), Main::overview);

    private Main() {
    }

    /** Parses {@code args}; nothing runs until {@code run()}. */
    public static Dispatcher.Parsed fromArgs(String[] args, Context ctx) {
        return DISPATCHER.parse(args, ctx);
    }

    private static void overview(PrintWriter w) {
        DISPATCHER.overview(w, "Build signed firmware for small devices from a C app and run it under QEMU.",
                List.of(new String[] {"flash", "write an image to a board: a flash file, an SD card or USB disk"
                        + " (the flasher module)"},
                    new String[] {"ota", "the OTA server: fleet registry, rollouts over MQTT, device simulator"
                        + " ('mote ota help')"}),
                String.join("\n",
                "  mote doctor",
                "  mote build examples/hello -p qemu-virt-arm64 -o out/hello.img   # + out/hello.elf for gdb",
                "  mote run out/hello.img                     # bootloader verifies, then the app runs",
                "  mote flash out/hello.img --target out/board.flash",
                "  mote keygen --out keys/fleet && mote sign out/hello.img --key keys/fleet.key",
                "  mote verify out/hello.img --pub keys/fleet.pub -p qemu-virt-arm64",
                "  mote ota serve --data ota-data --trust keys/fleet.pub"),
                "exit codes: 0 ok, 1 failed, 2 usage error; 'mote run' exits with the guest's code.");
    }

    /** For completeness in tests: every option of every command has a description. */
    static boolean documented() {
        return DISPATCHER.documented();
    }

    public static void main(String[] args) {
        DISPATCHER.main(args);
    }
}
