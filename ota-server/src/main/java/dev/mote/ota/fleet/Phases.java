package dev.mote.ota.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rollout's phases (see {@link Records.RolloutSpec#phases}): cumulative sizes, each a device
 * count ("10") or a percentage ("50%") of the devices the rollout will update. Counts must grow
 * among counts and percentages among percentages; a mix is resolved against the fleet and a
 * phase that adds nobody there (a canary of 10, then 5% of 100 devices) is simply empty, so one
 * spec fits small and large fleets alike.
 */
final class Phases {
    static final int MAX_PHASES = 100;
    private static final Pattern ENTRY = Pattern.compile("(\\d{1,7})|(\\d{1,3}(?:\\.\\d{1,3})?)%");

    /** One phase as written: a count, or a percentage (count -1). */
    private record Entry(String text, long count, double percent) {
    }

    private Phases() {
    }

    /** Checks the phases as written; 400 with the faulty phase otherwise. Returns them trimmed. */
    static List<String> check(List<String> phases) {
        List<String> out = new ArrayList<>();
        for (Entry e : parse(phases)) {
            out.add(e.text());
        }
        return List.copyOf(out);
    }

    /**
     * The phase (1-based) of each of {@code n} devices in plan order: the first cumulative[0]
     * devices are phase 1, and so on. 400 if the last phase does not reach every device.
     */
    static int[] assign(List<String> phases, int n) {
        int[] ends = cumulative(phases, n);
        int[] phase = new int[n];
        int p = 0;
        for (int i = 0; i < n; i++) {
            while (i >= ends[p]) {
                p++;
            }
            phase[i] = p + 1;
        }
        return phase;
    }

    /** Cumulative device counts per phase for {@code n} devices; the last is n. */
    static int[] cumulative(List<String> phases, int n) {
        List<Entry> entries = parse(phases);
        int[] ends = new int[entries.size()];
        int prev = 0;
        for (int i = 0; i < ends.length; i++) {
            Entry e = entries.get(i);
            long raw = e.count() >= 0 ? e.count() : (long) Math.ceil(n * e.percent() / 100.0 - 1e-9);
            ends[i] = (int) Math.max(prev, Math.min(n, raw));
            prev = ends[i];
        }
        if (ends[ends.length - 1] < n) {
            Entry last = entries.get(ends.length - 1);
            throw FleetException.badRequest("phases: the last phase ('" + last.text() + "') covers "
                    + ends[ends.length - 1] + " of the " + n + " devices to update; it must reach all of them"
                    + " (make it '100%')");
        }
        return ends;
    }

    private static List<Entry> parse(List<String> phases) {
        if (phases == null || phases.isEmpty()) {
            throw FleetException.badRequest("phases: at least one is needed, e.g. [\"100%\"] or [\"10\", \"100%\"]");
        }
        if (phases.size() > MAX_PHASES) {
            throw FleetException.badRequest("phases: at most " + MAX_PHASES + ", got " + phases.size());
        }
        List<Entry> out = new ArrayList<>();
        Entry lastCount = null;
        Entry lastPercent = null;
        for (int i = 0; i < phases.size(); i++) {
            String text = phases.get(i) == null ? "" : phases.get(i).trim();
            Matcher m = ENTRY.matcher(text);
            String where = "phases: phase " + (i + 1) + " '" + text + "'";
            if (!m.matches()) {
                throw FleetException.badRequest(where + " is neither a device count (\"10\") nor a percentage"
                        + " (\"50%\")");
            }
            Entry e = m.group(1) != null ? new Entry(text, Long.parseLong(m.group(1)), -1)
                    : new Entry(text, -1, Double.parseDouble(m.group(2)));
            if (e.count() == 0 || e.count() < 0 && (e.percent() <= 0 || e.percent() > 100)) {
                throw FleetException.badRequest(where + ": a count must be at least 1, a percentage 0-100% above 0");
            }
            if (lastPercent != null && lastPercent.percent() >= 100) {
                throw FleetException.badRequest(where + " comes after '100%', which already covers every device");
            }
            Entry same = e.count() >= 0 ? lastCount : lastPercent;
            if (same != null && (e.count() >= 0 ? e.count() <= same.count() : e.percent() <= same.percent())) {
                throw FleetException.badRequest(where + " does not grow beyond '" + same.text() + "' before it: phases"
                        + " are cumulative (e.g. \"10\", \"50%\", \"100%\")");
            }
            if (e.count() >= 0) {
                lastCount = e;
            } else {
                lastPercent = e;
            }
            out.add(e);
        }
        return out;
    }
}
