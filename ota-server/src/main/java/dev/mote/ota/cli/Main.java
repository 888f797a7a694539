package dev.mote.ota.cli;

import dev.mote.sdk.cli.Command;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.cli.Dispatcher;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * `mote ota ...` ({@code java -jar mote-ota.jar ...}): the server ({@code serve}), the device
 * simulator ({@code simulate}) and the REST clients, with the conventions of the `mote` command
 * line (the SDK's {@link Dispatcher}).
 */
public final class Main {
    static final Dispatcher DISPATCHER = new Dispatcher("mote ota", commands(), Main::overview,
            args -> !args.isEmpty() && args.get(0).equals("ota") ? args.subList(1, args.size()) : args);

    private Main() {
    }

    private static List<Command> commands() {
        List<Command> all = new ArrayList<>(List.of(new ServeCommand(), new UploadCommand(), new ImagesCommand(),
                new DevicesCommand(), new CredentialsCommand(), new RolloutCommand(), new StatusCommand(),
                new SimulateCommand(), new MosquittoConfigCommand()));
        all.addAll(PauseCommand.all());
        return all;
    }

    /** Parses {@code args} (a leading "ota" is skipped, so `mote ota ...` passes through); nothing runs yet. */
    public static Dispatcher.Parsed fromArgs(String[] args, Context ctx) {
        return DISPATCHER.parse(args, ctx);
    }

    private static void overview(PrintWriter w) {
        w.println("usage: mote ota <command> [options]");
        w.println();
        w.println("The Mote OTA server: a fleet registry, an image repository that accepts only signed images,");
        w.println("staged rollouts that count a device as updated only once it rebooted and confirmed, and");
        w.println("image streaming over MQTT (docs/ota-protocol.md). State lives in one SQLite file, and the");
        w.println("images beside it, in one data directory.");
        w.println();
        w.println("commands:");
        DISPATCHER.listCommands(w);
        w.printf("  %-9s %s%n", "help", "show this, or 'mote ota help <command>'");
        w.println();
        w.println("examples:");
        w.println("  mote ota serve --data ota-data --trust keys/fleet.pub      # MQTT :1883 (embedded), REST :8080");
        w.println("  mote ota upload out/hello-1.1.0.img");
        w.println("  mote ota simulate --devices 100 --group lab --version 1.0.0 -p qemu-virt-arm64");
        w.println("  mote ota rollout create --image 9f2c1e0b --group lab --phases 10,100%");
        w.println("  mote ota status 1");
        w.println();
        w.println("The client commands find the server at $MOTE_OTA_SERVER (default http://127.0.0.1:8080) and");
        w.println("its admin token in $MOTE_OTA_TOKEN or ota-data/admin.token (--data DIR).");
        w.println("exit codes: 0 ok, 1 failed, 2 usage error.");
    }

    public static void main(String[] args) {
        DISPATCHER.main(args);
    }
}
