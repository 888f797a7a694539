package dev.mote.ota.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mote.ota.rest.OtaClient;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.cli.Command;
import dev.mote.sdk.cli.Context;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * `mote ota shell DEVICE [COMMAND...]`: the device's debug shell over MQTT, through the server's
 * REST API (which records every command in its audit log). With a command it runs that one and
 * exits 0 when the device's command worked, 1 when not; without, it reads command lines from the
 * terminal until EOF or "exit". The device answers only if its identity enables the remote shell.
 */
final class RemoteShellCommand implements Command {
    private final InputStream in;

    RemoteShellCommand() {
        this(System.in);
    }

    RemoteShellCommand(InputStream in) {
        this.in = in;
    }

    @Override
    public String name() {
        return "shell";
    }

    @Override
    public String summary() {
        return "run debug shell commands on a device over MQTT (ps, mem, netstat, log, ...); audited";
    }

    @Override
    public String usage() {
        return "mote ota shell DEVICE [COMMAND...] [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota shell sensor-0042 ps\n  mote ota shell sensor-0042 'ping 10.0.2.2'\n"
                + "  mote ota shell sensor-0042          # interactive: one command per line, 'exit' ends\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        ServerArgs server = ServerArgs.from(line);
        if (positional.isEmpty()) {
            throw new IllegalArgumentException("give the device id (and a command, or none for an interactive shell)");
        }
        String device = positional.get(0);
        String path = "api/devices/" + URLEncoder.encode(device, StandardCharsets.UTF_8) + "/shell";
        String command = positional.size() > 1 ? String.join(" ", positional.subList(1, positional.size())) : null;
        return ctx -> {
            OtaClient c = server.client(ctx);
            String who = System.getProperty("user.name", "?");
            if (command != null) {
                return run(ctx, server, c, path, command, who) == 0 ? 0 : 1;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int last = 0;
            for (;;) {
                ctx.out().print(device + "> ");
                ctx.out().flush();
                String l = r.readLine();
                if (l == null || l.trim().equals("exit")) {
                    ctx.out().println();
                    return last == 0 ? 0 : 1;
                }
                if (l.isBlank()) {
                    continue;
                }
                try {
                    last = run(ctx, server, c, path, l, who);
                } catch (MoteException e) {
                    ctx.err().println("mote: " + e.getMessage());
                    last = 1;
                }
            }
        };
    }

    /** Runs one command; prints its output; returns the device's exit status. */
    private static int run(Context ctx, ServerArgs server, OtaClient c, String path, String command, String who)
            throws IOException {
        JsonNode r = c.post(path, Map.of("command", command, "who", who));
        if (server.json()) {
            ctx.out().println(r);
        } else {
            ctx.out().print(r.get("output").asText());
            if (r.get("truncated").asBoolean()) {
                ctx.err().println("mote: (the output was cut at the device's limit)");
            }
        }
        int exit = r.get("exit").asInt();
        if (exit != 0 && !server.json()) {
            ctx.err().println("mote: the command exited with " + exit);
        }
        return exit;
    }
}
