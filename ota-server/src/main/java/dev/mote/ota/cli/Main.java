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
                new DevicesCommand(), new CredentialsCommand(), new ProvisionCommand(), new RolloutCommand(), new StatusCommand(),
                new SimulateCommand(), new MosquittoConfigCommand(), new CrashesCommand(), new LogsCommand(),
                new MetricsCommand(), new RemoteShellCommand()));
        all.addAll(PauseCommand.all());
        return all;
    }

    /** Parses {@code args} (a leading "ota" is skipped, so `mote ota ...` passes through); nothing runs yet. */
    public static Dispatcher.Parsed fromArgs(String[] args, Context ctx) {
        return DISPATCHER.parse(args, ctx);
    }

    private static void overview(PrintWriter w) {
        DISPATCHER.overview(w, String.join("\n",
                "The Mote OTA server: a fleet registry, an image repository that accepts only signed images,",
                "staged rollouts that count a device as updated only once it rebooted and confirmed, and",
                "image streaming over MQTT (docs/ota-protocol.md). State lives in one SQLite file, and the",
                "images beside it, in one data directory."), List.of(), String.join("\n",
                "  mote ota serve --data ota-data --trust keys/fleet.pub      # MQTT :1883 (embedded), REST :8080",
                "  mote ota upload out/hello-1.1.0.img",
                "  mote ota simulate --devices 100 --group lab --version 1.0.0 -p qemu-virt-arm64",
                "  mote ota rollout create --image 9f2c1e0b --group lab --phases 10,100%",
                "  mote ota status 1"), String.join("\n",
                "The client commands find the server at $MOTE_OTA_SERVER (default http://127.0.0.1:8080) and",
                "its admin token in $MOTE_OTA_TOKEN or ota-data/admin.token (--data DIR).",
                "exit codes: 0 ok, 1 failed, 2 usage error."));
    }

    public static void main(String[] args) {
        DISPATCHER.main(args);
    }
}
