package dev.mote.flasher.cli;

import dev.mote.flasher.link.LinkTarget;
import dev.mote.flasher.protocol.ProtocolMessages.Info;
import dev.mote.flasher.protocol.ProtocolMessages;
import dev.mote.flasher.protocol.TransferListener;
import dev.mote.flasher.protocol.TransferOptions;
import dev.mote.flasher.protocol.TransferResult;
import dev.mote.sdk.cli.Context;
import dev.mote.sdk.cli.Json;
import dev.mote.sdk.image.VerifyKey;
import dev.mote.sdk.profile.Numbers;
import dev.mote.sdk.profile.Profile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * `mote flash IMAGE --target tcp:...|serial:...`: the recovery-protocol transfer with progress
 * as text (every 10%) or JSON lines, and a summary that says what the board will boot.
 */
final class LinkFlash implements TransferListener {
    private final PrintStream out;
    private final boolean json;
    private int lastTenth = -1;

    private LinkFlash(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /**
     * {@code board}: the image's profile when known here (its limits are checked before anything
     * is sent), else null; {@code compress}: LZ4-compress DATA where the device takes it
     * (--no-compress turns it off).
     */
    static int run(Context ctx, LinkTarget target, Path image, List<VerifyKey> keys, Profile board, boolean json,
            boolean compress) throws IOException {
        LinkFlash l = new LinkFlash(ctx.out(), json);
        TransferOptions o = TransferOptions.defaults().withReboot(true).withCompression(compress);
        TransferResult r = target.flash(image, keys, board, o, l);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", "done");
            m.put("target", target.toString());
            m.put("slot", slotName(r.device().targetSlot()));
            m.put("resumed_from", r.resumedFrom());
            m.put("image_bytes", r.imageSize());
            m.put("wire_bytes", r.bytesSent());
            m.put("retransmitted_frames", r.retransmitted());
            m.put("data_frames", r.dataFrames());
            m.put("compressed_frames", r.compressedFrames());
            m.put("data_image_bytes", r.dataImageBytes());
            m.put("data_payload_bytes", r.dataPayloadBytes());
            m.put("device_message", r.deviceMessage());
            l.out.println(Json.write(m));
        } else {
            l.out.printf("done: %s written to slot %s of %s (%s on the wire%s%s); it boots next, in TEST%n",
                    Numbers.human(r.imageSize()), slotName(r.device().targetSlot()), target,
                    Numbers.human(r.bytesSent()), r.compressedFrames() > 0 ? String.format(", compressed to %.0f%%",
                    100 * r.compressionRatio()) : "", r.resumedFrom() > 0 ? ", resumed at " + r.resumedFrom() : "");
        }
        return 0;
    }

    private static String slotName(int slot) {
        return slot == 0 ? "A" : slot == 1 ? "B" : "?";
    }

    @Override
    public void connected(Info d) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", "connected");
            m.put("profile", d.profile());
            m.put("security_counter", d.securityCounter());
            m.put("target_slot", slotName(d.targetSlot()));
            m.put("resume_offset", d.resumeOffset());
            m.put("compression", (d.flags() & ProtocolMessages.INFO_COMPRESSION) != 0);
            out.println(Json.write(m));
        } else {
            out.printf("connected: %s, security counter %d, writing slot %s%s%n", d.profile(), d.securityCounter(),
                    slotName(d.targetSlot()), d.resumeOffset() > 0 ? " (resuming)" : "");
        }
    }

    @Override
    public void progress(long acked, long total) {
        int tenth = total == 0 ? 10 : (int) (acked * 10 / total);
        if (tenth == lastTenth) {
            return;
        }
        lastTenth = tenth;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", "progress");
            m.put("done", acked);
            m.put("total", total);
            out.println(Json.write(m));
        } else {
            out.printf("  %3d%% %s of %s%n", tenth * 10, Numbers.human(acked), Numbers.human(total));
        }
    }

    @Override
    public void retransmit(long offset, String why) {
        if (!json) {
            out.printf("  resending from %d: %s%n", offset, why);
        }
    }
}
