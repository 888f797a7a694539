package dev.mote.ota.cli;

import dev.mote.ota.fleet.Limits;
import dev.mote.sdk.MoteException;
import dev.mote.sdk.cli.Command;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.image.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** `mote ota upload IMAGE`: the server checks the signature and stores it by its SHA-256. */
final class UploadCommand implements Command {
    @Override
    public String name() {
        return "upload";
    }

    @Override
    public String summary() {
        return "add a signed image to the server's repository (it verifies the signature first)";
    }

    @Override
    public String usage() {
        return "mote ota upload <image.img> [--server URL] [--json]";
    }

    @Override
    public String examples() {
        return "  mote ota upload out/hello.img\n  mote ota upload out/hello.img --json | jq -r .sha256\n";
    }

    @Override
    public Options options() {
        return ServerArgs.add(new Options());
    }

    @Override
    public Invocation parse(CommandLine line, List<String> positional) {
        if (positional.size() != 1) {
            throw new IllegalArgumentException(positional.isEmpty() ? "<image>: missing (the signed .img to upload)"
                    : "one image at a time, got " + positional.size());
        }
        ServerArgs server = ServerArgs.from(line);
        String image = positional.get(0);
        return ctx -> upload(ctx, server, ctx.path(image));
    }

    private static int upload(Context ctx, ServerArgs server, Path image) throws IOException {
        if (!Files.isRegularFile(image)) {
            throw new MoteException(image + ": no such file", "build one with 'mote build APP -p PROFILE -o OUT.img'");
        }
        Image.checkSize(image); // a file that is not what its header says is refused unread, here
        if (Files.size(image) > Limits.MAX_IMAGE_BODY) {
            throw new MoteException(image + " is " + Files.size(image) + " bytes, above the OTA server's limit of "
                    + Limits.MAX_IMAGE_BODY + " (docs/ota-server.md)", "no board's slot holds an image that large");
        }
        byte[] bytes = Files.readAllBytes(image);
        return Print.reply(ctx.out(), server, server.client(ctx).postBytes("api/images", bytes), (out, r) ->
                out.printf("uploaded %s: %s %s for %s (security counter %d), %d bytes, key %s%n",
                        r.get("sha256").asText(), r.get("app").asText(), r.get("version").asText(),
                        r.get("profile").asText(), r.get("securityCounter").asLong(), r.get("size").asLong(),
                        Print.text(r.get("keyId"))));
    }
}
