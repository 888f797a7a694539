package dev.mote.ota.fleet;

import dev.mote.ota.auth.Credentials;
import dev.mote.ota.fleet.Records.DeviceFilter;
import dev.mote.ota.fleet.Records.DeviceInfo;
import dev.mote.ota.fleet.Records.HistoryEntry;
import dev.mote.ota.protocol.Hello;
import dev.mote.ota.protocol.Topics;
import dev.mote.ota.store.DeviceRow;
import dev.mote.ota.store.DeviceStore;
import dev.mote.ota.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The device registry: devices appear on their first hello (or earlier, when provisioned with
 * a group and tags), and each hello updates what they run. History records what an operator
 * wants to read back: first seen, a new version or counter seen, job state changes (written
 * by the rollout side), not every connect or progress report.
 */
final class Registry {
    /** Groups and tags: one word, so they fit a URL, a CLI list ("a,b") and a log line. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:=/-]{0,63}");
    static final long HELLO_GRACE_MILLIS = 2_000;
    private final Store store;
    private final DeviceStore devices;
    private final ActiveJobs active;
    private final Clock clock;

    Registry(Store store, ActiveJobs active, Clock clock) {
        this.store = store;
        this.devices = store.devices();
        this.active = active;
        this.clock = clock;
    }

    /** Records a hello (inside the caller's transaction). */
    void hello(String id, Hello h, long now) {
        DeviceRow before = devices.find(id);
        if (before == null) {
            devices.insert(id, null);
        }
        String slot = String.valueOf(h.slot());
        devices.hello(id, h.profile(), h.version(), h.counter(), slot, h.maxChunk(), now);
        String running = h.profile() + " " + h.version() + " (counter " + h.counter() + ", slot " + slot + ")";
        if (before == null || !before.seen()) {
            devices.addHistory(id, now, "first seen", null, running);
        } else if (!h.version().equals(before.version()) || h.counter() != before.counter()
                || !h.profile().equals(before.profile())) {
            devices.addHistory(id, now, "version", null, before.version() + " -> " + running);
        }
    }

    /**
     * The device's will (or it said "offline"). With several instances, a will can be handled after
     * the hello of the device's next connection, by another instance: one within
     * {@link #HELLO_GRACE_MILLIS} of a hello is not taken as the truth.
     */
    void offline(String id, long now) {
        devices.offline(id, now, store.shared() ? now - HELLO_GRACE_MILLIS : Long.MAX_VALUE);
    }

    DeviceInfo provision(String id, String group, List<String> tags) {
        return provision(List.of(id == null ? "" : id), group, tags).get(0);
    }

    /**
     * Provisions every device of {@code ids} with the same group and tags, all or nothing:
     * everything is checked before the one transaction that writes them.
     */
    List<DeviceInfo> provision(List<String> ids, String group, List<String> tags) {
        if (ids == null || ids.isEmpty() || ids.size() > Limits.MAX_PROVISION) {
            throw FleetException.badRequest(ids == null || ids.isEmpty() ? "ids: list at least one device id"
                    : "ids: at most " + Limits.MAX_PROVISION + " device ids per request, got " + ids.size());
        }
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            checkId(id);
            if (!seen.add(id)) {
                throw FleetException.badRequest("ids: '" + id + "' is listed twice");
            }
        }
        List<String> t = checkLabels(group, tags);
        return store.db().tx(() -> {
            List<DeviceInfo> out = new ArrayList<>();
            long now = clock.millis();
            for (String id : ids) {
                DeviceRow d = devices.find(id);
                if (d == null) {
                    devices.insert(id, group);
                    devices.addHistory(id, now, "provisioned", null, labels(group, t));
                } else {
                    devices.setGroup(id, group);
                }
                devices.setTags(id, t);
                out.add(info(devices.find(id), t));
            }
            return out;
        });
    }

    DeviceInfo label(String id, String group, List<String> tags) {
        checkId(id);
        List<String> t = checkLabels(group, tags);
        return store.db().tx(() -> {
            if (devices.find(id) == null) {
                throw unknown(id);
            }
            devices.setGroup(id, group);
            devices.setTags(id, t);
            return info(devices.find(id), devices.tags(id));
        });
    }

    List<DeviceInfo> devices(DeviceFilter f) {
        DeviceFilter filter = f == null ? DeviceFilter.ALL : f;
        return store.db().tx(() -> {
            Map<String, List<String>> tags = devices.allTags();
            Map<String, Long> jobs = store.shared() ? store.jobs().inFlightByDevice() : null;
            List<DeviceInfo> out = new ArrayList<>();
            for (DeviceRow d : devices.list(filter.group(), filter.tag(), filter.profile(), filter.online())) {
                out.add(info(d, tags.getOrDefault(d.id(), List.of()), jobs == null ? active.jobOf(d.id())
                        : jobs.get(d.id())));
            }
            return out;
        });
    }

    DeviceInfo device(String id) {
        checkId(id);
        return store.db().tx(() -> {
            DeviceRow d = devices.find(id);
            if (d == null) {
                throw unknown(id);
            }
            return info(d, devices.tags(id));
        });
    }

    List<HistoryEntry> history(String id) {
        checkId(id);
        return store.db().tx(() -> {
            if (devices.find(id) == null) {
                throw unknown(id);
            }
            return devices.history(id);
        });
    }

    /**
     * The device as the API shows it, with its job in flight: from memory alone, or with other
     * instances on the database (which offer and end jobs too), from the database.
     */
    private DeviceInfo info(DeviceRow d, List<String> tags) {
        Long job;
        if (store.shared()) {
            Records.JobInfo j = store.jobs().inFlightOf(d.id());
            job = j == null ? null : j.id();
        } else {
            job = active.jobOf(d.id());
        }
        return info(d, tags, job);
    }

    private static DeviceInfo info(DeviceRow d, List<String> tags, Long job) {
        return new DeviceInfo(d.id(), d.group(), List.copyOf(tags), d.profile(), d.version(), d.counter(), d.slot(),
                d.online(), d.firstSeen(), d.lastSeen(), job);
    }

    static FleetException unknown(String id) {
        return FleetException.notFound("device " + id + ": no such device");
    }

    private static void checkId(String id) {
        if (!Topics.validDeviceId(id) || Credentials.isServerUser(id)) {
            String shown = id == null ? "null" : id.length() > 80 ? id.substring(0, 80) + "..." : id;
            throw FleetException.badRequest("device id '" + shown + "': 1-64 letters, digits, '_', '.' or '-',"
                    + " starting with a letter or digit (and not '" + Credentials.SERVER_USER + "' or '"
                    + Credentials.SERVER_USER + "-NAME')");
        }
    }

    /** Checks the group and tags; returns the tags sorted, without repeats. */
    private static List<String> checkLabels(String group, List<String> tags) {
        if (group != null && !LABEL.matcher(group).matches()) {
            throw FleetException.badRequest("group '" + shorten(group) + "': " + labelRule());
        }
        if (tags != null && tags.size() > Limits.MAX_TAGS) {
            throw FleetException.badRequest("tags: at most " + Limits.MAX_TAGS + " per device, got " + tags.size());
        }
        TreeSet<String> out = new TreeSet<>();
        for (String t : tags == null ? List.<String>of() : tags) {
            if (t == null || !LABEL.matcher(t).matches()) {
                throw FleetException.badRequest("tag '" + shorten(t) + "': " + labelRule());
            }
            out.add(t);
        }
        return List.copyOf(out);
    }

    /** A value quoted in an error: never the whole of a huge one. */
    private static String shorten(String s) {
        return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static String labelRule() {
        return "1-64 letters, digits or _ . : = / -, starting with a letter or digit";
    }

    private static String labels(String group, List<String> tags) {
        return "group " + (group == null ? "(none)" : group) + ", tags " + (tags.isEmpty() ? "(none)"
                : String.join(",", tags));
    }
}
