package dev.mote.ota.cli;

import dev.mote.ota.auth.Credentials;
import dev.mote.ota.fleet.FleetConfig;
import dev.mote.ota.server.OtaServer;
import dev.mote.ota.store.PostgresUrl;
import dev.mote.sdk.cli.Command;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.image.DevKey;
import dev.mote.sdk.image.Keys;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.run.BootChain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `mote ota serve`: runs the server until Ctrl-C or SIGTERM. */
final class ServeCommand implements Command {
    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "run the OTA server: embedded MQTT broker (or --broker), REST API, state in --data (or --db)";
    }

    @Override
    public String usage() {
        return "mote ota serve [--data DIR] [--trust KEY.pub]... [--host 127.0.0.1] [--mqtt-port 1883]"
                + " [--http-port 8080] [--broker tcp://HOST:PORT] [--db postgresql://USER@HOST/DB] [--instance NAME]";
    }

    @Override
    public String examples() {
        return "  mote ota serve --data ota-data --trust keys/fleet.pub\n"
                + "  mote ota serve --broker tcp://127.0.0.1:1884 --http-port 9090   # Mosquitto: mote ota mosquitto-config\n"
                + "  MOTE_DB_PASSWORD=... mote ota serve --db postgresql://mote@db.lan/ota --broker tcp://mqtt.lan:1883"
                + " --instance 1   # one of several: docs/SCALING.md\n";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("data").hasArg().argName("DIR")
                        .desc("where the database, images and secrets live (default " + ServerArgs.DEFAULT_DATA + ")").build())
                .addOption(Option.builder().longOpt("trust").hasArg().argName("KEY.pub")
                        .desc("accept images signed by this key (repeatable); default: the checkout's development key,"
                                + " with a warning").build())
                .addOption(Option.builder().longOpt("host").hasArg()
                        .desc("address to listen on (default 127.0.0.1; 0.0.0.0 for a real fleet)").build())
                .addOption(Option.builder().longOpt("mqtt-port").hasArg().argName("PORT")
                        .desc("the embedded broker's port (default 1883; 0 = any free port)").build())
                .addOption(Option.builder().longOpt("http-port").hasArg().argName("PORT")
                        .desc("the REST API's port (default 8080; 0 = any free port)").build())
                .addOption(Option.builder().longOpt("broker").hasArg().argName("URL")
                        .desc("use this external broker (tcp://HOST:PORT) instead of the embedded one").build())
                .addOption(Option.builder().longOpt("db").hasArg().argName("URL")
                        .desc("keep the state in this PostgreSQL database (postgresql://USER[:PASSWORD]@HOST[:PORT]/DB)"
                                + " instead of SQLite in --data; several instances may share it").build())
                .addOption(Option.builder().longOpt("db-password-file").hasArg().argName("FILE")
                        .desc("the database password, when not in the URL (else $MOTE_DB_PASSWORD)").build())
                .addOption(Option.builder().longOpt("instance").hasArg().argName("NAME")
                        .desc("this instance's name among several on one --db and --broker (its MQTT user is"
                                + " mote-server-NAME: mote ota mosquitto-config --instances)").build())
                .addOption(Option.builder().longOpt("nudge").hasArg().argName("SECONDS")
                        .desc("offer a job in flight again when nothing moved it for this long (default 30; 0: never):"
                                + " what a server that died was holding comes back").build())
                .addOption(Option.builder().longOpt("chunk").hasArg().argName("BYTES")
                        .desc("image chunk size on the wire (default 16384; a device's max_chunk lowers it)").build())
                .addOption(Option.builder().longOpt("window").hasArg().argName("N")
                        .desc("chunks a device may ask for per request (default 4: with two requests out, 8 chunks in flight, within Moquette's fixed 10)").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("serve takes no arguments, got " + positional);
        }
        String data = line.getOptionValue("data", ServerArgs.DEFAULT_DATA);
        String[] trust = line.getOptionValues("trust");
        String host = line.getOptionValue("host", "127.0.0.1");
        int mqtt = Args.port("--mqtt-port", line.getOptionValue("mqtt-port", "1883"));
        int http = Args.port("--http-port", line.getOptionValue("http-port", "8080"));
        String broker = line.getOptionValue("broker");
        if (broker != null && !broker.matches("tcp://[^:/]+:\\d{1,5}")) {
            throw new IllegalArgumentException("--broker: '" + broker + "' is not tcp://HOST:PORT");
        }
        FleetConfig d = FleetConfig.DEFAULTS;
        FleetConfig fleet = new FleetConfig(
                Args.whole("--chunk", line.getOptionValue("chunk", Integer.toString(d.chunkSize())), 1),
                Args.whole("--window", line.getOptionValue("window", Integer.toString(d.window())), 1),
                d.tickMillis(), d.cachedImages(), d.fullSync(),
                1000L * Args.whole("--nudge", line.getOptionValue("nudge", Long.toString(d.nudgeMillis() / 1000)), 0));
        String db = line.getOptionValue("db");
        PostgresUrl url = db == null ? null : PostgresUrl.parse(db);
        String passwordFile = line.getOptionValue("db-password-file");
        if (passwordFile != null && url == null) {
            throw new IllegalArgumentException("--db-password-file: only with --db postgresql://...");
        }
        String instance = line.getOptionValue("instance");
        if (instance != null) {
            Credentials.serverUser(instance); // checks the name
            if (url == null) {
                throw new IllegalArgumentException("--instance: only with --db postgresql://... (instances share a"
                        + " database; with SQLite in --data there is one server per directory)");
            }
        }
        return ctx -> serve(ctx, new OtaServer.Config(ctx.path(data), keys(ctx, trust), host, mqtt, http, broker, fleet,
                url == null ? null : url.withPassword(password(ctx, passwordFile)), instance));
    }

    /** The database password from --db-password-file or $MOTE_DB_PASSWORD (null: the URL's, or none). */
    private static String password(Context ctx, String file) throws IOException {
        if (file != null) {
            return Files.readString(ctx.path(file), StandardCharsets.UTF_8).strip();
        }
        String env = ctx.env().get("MOTE_DB_PASSWORD");
        return env == null || env.isEmpty() ? null : env;
    }

    private static List<VerifyKey> keys(Context ctx, String[] trust) throws IOException {
        if (trust == null) {
            List<VerifyKey> dev = BootChain.defaultKeys(ctx.cwd().resolve("x"), ctx.cwd(),
                    Path.of(System.getProperty("user.home")));
            ctx.err().println("mote: WARNING: trusting the DEVELOPMENT key (" + DevKey.PUB_FILE + ", key id "
                    + dev.get(0).shortId() + "): NOT FOR PRODUCTION; give --trust keys/fleet.pub");
            return dev;
        }
        List<VerifyKey> keys = new ArrayList<>();
        for (String t : trust) {
            keys.add(Keys.readPublic(ctx.path(t)));
        }
        return keys;
    }

    private static int serve(Context ctx, OtaServer.Config config) throws IOException {
        OtaServer server = OtaServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "mote-ota-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ctx.out().println("mote ota: serving; data in " + config.dataDir() + " (admin token: "
                + config.dataDir().resolve("admin.token") + ")");
        ctx.out().println("  MQTT  " + server.brokerUrl() + (config.externalBroker() == null ? " (embedded broker)"
                : " (external broker)"));
        ctx.out().println("  REST  " + server.restUri() + "/api/  (docs/ota-server.md)");
        ctx.out().println("  DB    " + (config.database() == null ? config.dataDir().resolve("ota.db") + " (SQLite)"
                : config.database() + " (PostgreSQL" + (config.instance() == null ? ""
                : ", instance " + config.instance()) + ")"));
        ctx.out().println("  trusted keys: " + config.trusted().stream().map(VerifyKey::shortId).toList());
        ctx.out().println("stop with Ctrl-C");
        ctx.out().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
