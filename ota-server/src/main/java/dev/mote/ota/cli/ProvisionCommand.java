package dev.mote.ota.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mote.ota.provision.Provision;
import dev.mote.sdk.cli.Command;
import dev.mote.sdk.flash.IdentityRecord;
import dev.mote.sdk.profile.Profile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `mote ota provision DEVICE --flash FILE -p PROFILE`: registers the device with the server and
 * writes its identity record (id, MQTT password, broker) into the flash file's persist partition
 * (creating a blank flash for the profile if the file does not exist; nothing else is touched).
 */
final class ProvisionCommand implements Command {
    private static final Pattern BROKER = Pattern.compile("[A-Za-z0-9.-]{1,128}(:\\d{1,5})?");

    @Override
    public String name() {
        return "provision";
    }

    @Override
    public String summary() {
        return "register a device and write its identity (id, MQTT password, broker) into its flash file";
    }

    @Override
    public String usage() {
        return "mote ota provision DEVICE --flash FILE -p PROFILE [--broker HOST[:PORT]] [--shell]"
                + " [--max-chunk BYTES] [--group G] [--tags T1,T2]";
    }

    @Override
    public String examples() {
        return "  mote ota provision sensor-1 --flash out/sensor-1.flash -p qemu-virt-arm64\n"
                + "  mote run --flash out/sensor-1.flash -p qemu-virt-arm64 --guestfwd 1883   # its broker: the host's\n"
                + "  mote ota provision pi-7 --flash /dev/sdb.img -p rpi4-arm64 --broker ota.example.com:1883\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options())
                .addOption(Option.builder().longOpt("flash").hasArg().argName("FILE")
                        .desc("the device's flash file (created blank for the profile if missing)").build())
                .addOption(Option.builder("p").longOpt("profile").hasArg().desc("the device's board (required)").build())
                .addOption(Option.builder().longOpt("broker").hasArg().argName("HOST[:PORT]")
                        .desc("where the device finds the broker (QEMU boards: " + Provision.QEMU_HOST
                                + ", the host under mote run --guestfwd; port: the server's MQTT port)").build())
                .addOption(Option.builder().longOpt("shell").desc("enable the remote shell over MQTT on the device").build())
                .addOption(Option.builder().longOpt("max-chunk").hasArg().argName("BYTES")
                        .desc("the largest image chunk the device takes (256..65536, default "
                                + Provision.DEFAULT_MAX_CHUNK + ")").build())
                .addOption(Option.builder().longOpt("group").hasArg().desc("put the device in this group").build())
                .addOption(Option.builder().longOpt("tags").hasArg().argName("T1,T2").desc("give the device these tags").build());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException("DEVICE: give exactly one device id, got " + positional);
        }
        String id = positional.get(0);
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("DEVICE: '" + id + "' is not a device id (1-64 of A-Z a-z 0-9 _ . -,"
                    + " starting with a letter or digit)");
        }
        String flash = line.getOptionValue("flash");
        if (flash == null) {
            throw new IllegalArgumentException("--flash: missing (the device's flash file, e.g. out/" + id + ".flash)");
        }
        String profile = line.getOptionValue("profile");
        if (profile == null) {
            throw new IllegalArgumentException("-p/--profile: missing (the device's board, e.g. qemu-virt-arm64)");
        }
        String broker = line.getOptionValue("broker");
        if (broker != null && !BROKER.matcher(broker).matches()) {
            throw new IllegalArgumentException("--broker: '" + broker + "' is not HOST or HOST:PORT");
        }
        if (broker != null && broker.contains(":")) {
            Args.port("--broker", broker.substring(broker.lastIndexOf(':') + 1));
        }
        int maxChunk = Args.whole("--max-chunk", line.getOptionValue("max-chunk",
                Integer.toString(Provision.DEFAULT_MAX_CHUNK)), 256);
        if (maxChunk > 65536) {
            throw new IllegalArgumentException("--max-chunk: must be 256..65536, got " + maxChunk);
        }
        boolean shell = line.hasOption("shell");
        String group = line.getOptionValue("group");
        List<String> tags = DevicesCommand.tags(line.getOptionValue("tags", ""));
        ServerArgs server = ServerArgs.from(line);
        return ctx -> {
            Profile p = ctx.profiles().resolve(profile);
            Provision.Result r = Provision.run(server.client(ctx),
                    new Provision.Request(id, ctx.path(flash), p, broker, shell, maxChunk, group, tags));
            IdentityRecord rec = r.record();
            if (server.json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("id", rec.deviceId());
                out.put("flash", r.flash().toString());
                out.put("created", r.created());
                out.put("host", rec.host());
                out.put("port", rec.port());
                out.put("maxChunk", rec.maxChunk());
                out.put("shell", rec.remoteShell());
                ctx.out().println(new ObjectMapper().writeValueAsString(out));
                return 0;
            }
            ctx.out().printf("provisioned %s: broker %s:%d, max chunk %d%s; identity written to %s%s%n", rec.deviceId(),
                    rec.host(), rec.port(), rec.maxChunk(), rec.remoteShell() ? ", remote shell on" : "", flash,
                    r.created() ? " (a new blank flash for " + p.name() + ")" : "");
            if (p.runnable() && rec.host().equals(Provision.QEMU_HOST)) {
                ctx.out().printf("  boot it with: mote run --flash %s -p %s --guestfwd %d%n", flash, p.name(), rec.port());
            }
            return 0;
        };
    }
}
