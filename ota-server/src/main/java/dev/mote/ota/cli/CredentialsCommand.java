package dev.mote.ota.cli;

import dev.mote.sdk.cli.Command;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote ota credentials ID...`: the MQTT password of each device (to put on it at the factory),
 * registering the devices with a group and tags on the way.
 */
final class CredentialsCommand implements Command {
    @Override
    public String name() {
        return "credentials";
    }

    @Override
    public String summary() {
        return "print devices' MQTT credentials for provisioning (and preset their group and tags)";
    }

    @Override
    public String usage() {
        return "mote ota credentials ID... [--group G] [--tags T1,T2] [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota credentials sensor-0001 sensor-0002 --group lab\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options())
                .addOption(Option.builder().longOpt("group").hasArg().desc("put the devices in this group").build())
                .addOption(Option.builder().longOpt("tags").hasArg().argName("T1,T2").desc("give the devices these tags").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (positional.isEmpty()) {
            throw new IllegalArgumentException("ID: give at least one device id");
        }
        Map<String, Object> body = new HashMap<>();
        body.put("ids", List.copyOf(positional));
        body.put("group", line.getOptionValue("group"));
        body.put("tags", DevicesCommand.tags(line.getOptionValue("tags", "")));
        ServerArgs server = ServerArgs.from(line);
        return ctx -> Print.reply(ctx.out(), server, server.client(ctx).post("api/devices/provision", body),
                (out, list) -> list.forEach(p -> out.println(p.get("id").asText() + " " + p.get("password").asText())));
    }
}
