package dev.mote.ota.cli;

import dev.mote.sdk.cli.Command;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** `mote ota images`: what the repository holds. */
final class ImagesCommand implements Command {
    @Override
    public String name() {
        return "images";
    }

    @Override
    public String summary() {
        return "list the uploaded images";
    }

    @Override
    public String usage() {
        return "mote ota images [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota images\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (!positional.isEmpty()) {
            throw new IllegalArgumentException("images takes no arguments, got " + positional);
        }
        ServerArgs server = ServerArgs.from(line);
        return ctx -> Print.reply(ctx.out(), server, server.client(ctx).get("api/images"), (out, list) -> {
            out.printf("%-12s  %-20s %-10s %-22s %7s %10s  %s%n", "SHA256", "APP", "VERSION", "PROFILE", "COUNTER",
                    "BYTES", "UPLOADED (UTC)");
            list.forEach(i -> out.printf("%-12s  %-20s %-10s %-22s %7d %10d  %s%n", Print.shortSha(i.get("sha256")),
                    i.get("app").asText(), i.get("version").asText(), i.get("profile").asText(),
                    i.get("securityCounter").asLong(), i.get("size").asLong(), Print.time(i.get("uploadedAt"))));
        });
    }
}
