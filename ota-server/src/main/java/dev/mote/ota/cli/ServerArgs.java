package dev.mote.ota.cli;

import dev.mote.ota.rest.OtaClient;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.cli.Context;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * The options every client command shares: where the server is and how to log in. Defaults
 * suit a server started in this directory: http://127.0.0.1:8080 and ota-data/admin.token.
 */
record ServerArgs(String server, String token, String data, boolean json) {
    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";
    static final String DEFAULT_DATA = "ota-data";

    static Options add(Options o) {
        return o.addOption(Option.builder().longOpt("server").hasArg().argName("URL")
                        .desc("the OTA server's REST address (default $MOTE_OTA_SERVER or " + DEFAULT_SERVER + ")").build())
                .addOption(Option.builder().longOpt("token").hasArg().argName("TOKEN")
                        .desc("the admin token (default $MOTE_OTA_TOKEN, else DIR/admin.token of --data)").build())
                .addOption(Option.builder().longOpt("data").hasArg().argName("DIR")
                        .desc("the server's data directory, to read its admin.token (default " + DEFAULT_DATA + ")").build())
                .addOption(Option.builder().longOpt("json").desc("print the server's JSON reply").build());
    }

    static ServerArgs from(CommandLine line) {
        return new ServerArgs(line.getOptionValue("server"), line.getOptionValue("token"),
                line.getOptionValue("data"), line.hasOption("json"));
    }

    OtaClient client(Context ctx) throws IOException {
        String url = server != null ? server : ctx.env().getOrDefault("MOTE_OTA_SERVER", DEFAULT_SERVER);
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--server: '" + url + "' is not a URL (e.g. " + DEFAULT_SERVER + ")");
        }
        return new OtaClient(base, token(ctx));
    }

    private String token(Context ctx) throws IOException {
        if (token != null) {
            return token;
        }
        String env = ctx.env().get("MOTE_OTA_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Path file = ctx.cwd().resolve(data != null ? data : DEFAULT_DATA).resolve("admin.token");
        if (!Files.isRegularFile(file)) {
            throw new MoteException("no admin token: " + file + " does not exist",
                    "give --token, set MOTE_OTA_TOKEN, or --data DIR for the directory 'mote ota serve' uses");
        }
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
}
