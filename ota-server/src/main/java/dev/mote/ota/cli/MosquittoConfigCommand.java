package dev.mote.ota.cli;

import dev.mote.ota.auth.Credentials;
import dev.mote.ota.mqtt.MosquittoConfig;
import dev.mote.sdk.cli.Command;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote ota mosquitto-config`: what an external Mosquitto needs to serve this server's fleet:
 * mosquitto.conf, a password file (the server account and each device) and the ACL of
 * docs/ota-protocol.md. Reads the fleet secret from the server's data directory.
 */
final class MosquittoConfigCommand implements Command {
    @Override
    public String name() {
        return "mosquitto-config";
    }

    @Override
    public String summary() {
        return "write mosquitto.conf, passwords and ACL so Mosquitto can be the fleet's broker";
    }

    @Override
    public String usage() {
        return "mote ota mosquitto-config --out DIR [--data DIR] [--port 1883] [--instances N|NAME,...]"
                + " [ID... | --prefix sim --count N]";
    }

    @Override
    public String examples() {
        return "  mote ota mosquitto-config --out mosq --port 1884 --prefix sim --count 100\n"
                + "  mosquitto -c mosq/mosquitto.conf &\n"
                + "  mote ota serve --broker tcp://127.0.0.1:1884\n";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("out").hasArg().argName("DIR").desc("where to write the files (required)").build())
                .addOption(Option.builder().longOpt("data").hasArg().argName("DIR")
                        .desc("the OTA server's data directory, for the fleet secret (default " + ServerArgs.DEFAULT_DATA + ")").build())
                .addOption(Option.builder().longOpt("host").hasArg().desc("Mosquitto's listen address (default 127.0.0.1)").build())
                .addOption(Option.builder().longOpt("port").hasArg().desc("Mosquitto's port (default 1883)").build())
                .addOption(Option.builder().longOpt("prefix").hasArg().desc("with --count: ids PREFIX-00000.. (as simulate names them)").build())
                .addOption(Option.builder().longOpt("count").hasArg().argName("N").desc("with --prefix: how many devices").build())
                .addOption(Option.builder().longOpt("instances").hasArg().argName("N|NAME,...")
                        .desc("accounts for server instances (mote ota serve --instance NAME): names, or N for 1..N").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        String out = line.getOptionValue("out");
        if (out == null) {
            throw new IllegalArgumentException("--out: missing (a directory for mosquitto.conf, passwords, acl)");
        }
        List<String> ids = new ArrayList<>(positional);
        if (line.hasOption("prefix") != line.hasOption("count")) {
            throw new IllegalArgumentException("--prefix and --count go together");
        }
        if (line.hasOption("count")) {
            int n = Args.whole("--count", line.getOptionValue("count"), 1);
            for (int i = 0; i < n; i++) {
                ids.add(String.format("%s-%05d", line.getOptionValue("prefix"), i));
            }
        }
        String data = line.getOptionValue("data", ServerArgs.DEFAULT_DATA);
        String host = line.getOptionValue("host", "127.0.0.1");
        int port = Args.port("--port", line.getOptionValue("port", "1883"));
        List<String> instances = instances(line.getOptionValue("instances"));
        return ctx -> {
            Path conf = MosquittoConfig.writeAll(ctx.path(out), host, port, Credentials.load(ctx.path(data)), ids,
                    instances);
            ctx.out().println("wrote " + conf + " (+ passwords, acl) for the server and " + ids.size()
                    + " device(s); start it with: mosquitto -c " + conf);
            return 0;
        };
    }

    /** --instances: a count (names 1..N) or a list of names; each checked as --instance checks it. */
    static List<String> instances(String arg) {
        List<String> out = new ArrayList<>();
        if (arg == null) {
            return out;
        }
        if (arg.matches("\\d{1,3}")) {
            int n = Args.whole("--instances", arg, 1);
            for (int i = 1; i <= n; i++) {
                out.add(Integer.toString(i));
            }
            return out;
        }
        for (String name : arg.split(",")) {
            Credentials.serverUser(name.strip());
            out.add(name.strip());
        }
        return out;
    }
}
