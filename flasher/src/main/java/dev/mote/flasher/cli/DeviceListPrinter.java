package dev.mote.flasher.cli;

import dev.mote.flasher.disk.BlockDisk;
import dev.mote.flasher.disk.DeviceList;
import dev.mote.flasher.disk.DiskGuard;
import dev.mote.flasher.link.SerialPort;
import dev.mote.sdk.cli.Json;
import dev.mote.sdk.profile.Numbers;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Prints `mote flash --list`: a table for people, or one JSON object per device with --json. */
final class DeviceListPrinter {
    private final PrintStream out;
    private final boolean json;

    DeviceListPrinter(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** "29.7 GiB" for cards, else the SDK's KiB/MiB. */
    static String size(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : Numbers.human(bytes);
    }

    void print(DeviceList list, DiskGuard guard) {
        var ports = list.serialPorts();
        var disks = list.disks();
        if (!json) {
            out.println("serial ports" + (ports.isEmpty() ? ": none" : ":"));
        }
        for (SerialPort p : ports) {
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "serial");
                m.put("device", p.device());
                m.put("vid_pid", p.vidPid());
                m.put("serial", p.serial());
                m.put("manufacturer", p.manufacturer());
                m.put("product", p.product());
                m.put("driver", p.driver());
                out.println(Json.write(m));
            } else {
                StringBuilder sb = new StringBuilder(String.format("  %-16s", p.device()));
                sb.append(p.usb() ? "USB " + p.vidPid() : "not USB");
                if (p.serial() != null) {
                    sb.append("  serial ").append(p.serial());
                }
                String name = ((p.manufacturer() == null ? "" : p.manufacturer()) + " "
                        + (p.product() == null ? "" : p.product())).trim();
                if (!name.isEmpty()) {
                    sb.append("  ").append(name);
                }
                if (p.driver() != null) {
                    sb.append("  (").append(p.driver()).append(')');
                }
                out.println(sb);
            }
        }
        if (!json) {
            out.println("removable disks" + (disks.isEmpty() ? ": none" : ":"));
        }
        for (BlockDisk d : disks) {
            String refusal = guard.refusal(d, true);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "disk");
                m.put("device", d.device());
                m.put("size", d.size());
                m.put("vendor", d.vendor());
                m.put("model", d.model());
                m.put("removable", d.removable());
                m.put("usb", d.usb());
                m.put("refused", refusal);
                out.println(Json.write(m));
            } else {
                out.println(String.format("  %-16s %9s  %s%s%s", d.device(), size(d.size()),
                        d.label(), d.removable() ? "" : "  (USB, not marked removable: needs --force)",
                        refusal == null ? "" : "  REFUSED: " + refusal));
            }
        }
    }
}
