#!/usr/bin/env python3
"""docs/SCALING.md's arithmetic, from a bench/ota run (BENCH_KEEP=1 keeps WORK/results.json):

    python3 bench/ota/scaling.py WORK/results.json [--devices 1000000] [--image-mib 1] [--hours 24,1]

Prints two tables: what one device update cost in each measured fleet (per device, the rollout's
totals divided by its devices), and, from the measured fleet named by --from (default: the
largest PostgreSQL fleet with the most instances), what a fleet of --devices needs to update in
--hours. Every input of the second table is a measured figure from the first or an assumption
printed with it; nothing else goes in."""
import json, math, sys


def per_update(r):
    n, s, per = r["devices"], r["sim"], r.get("per_instance", [])
    pgs = r.get("pg") or {}
    return {
        "label": "%s, %s, %d instance(s), %d devices" % (r["broker"], r.get("db", "sqlite"), r.get("instances", 1), n),
        "db": r.get("db", "sqlite"), "instances": r.get("instances", 1), "devices": n,
        "server_cpu_ms": 1000 * r["server_cpu"] / n,
        "db_cpu_ms": 1000 * r["db_cpu"] / n if r.get("db_cpu") is not None else None,
        "broker_cpu_ms": 1000 * r["broker_cpu"] / n,
        "write_tx": sum(p["dbWriteCommits"] for p in per) / n,
        "rows_written": (pgs["inserted"] + pgs["updated"]) / n if pgs else None,
        "rows_kept": (r["rows"]["jobs"] + r["rows"]["history"]) / n,
        "db_kib": r["rows"]["bytes"] / n / 1024,
        "device_bytes": (s["wireIn"] + s.get("wireOut", 0)) / n,
        "server_bytes": sum(p["bytesIn"] + p["bytesOut"] for p in per) / n,
        "image": r["image"], "db_bytes": r["rows"]["bytes"], "broker": r["broker"],
        "broker_rss_kib": r.get("broker_rss_per_device_kib"),
        "delivery_mbs": n * r["image"] / ((s["lastDownloadedAt"] - s["firstOfferAt"]) / 1e3) / 1e6,
    }


def main():
    a = sys.argv[1:]
    results = [r for r in json.load(open(a[0])) if "kills" not in r]
    opt = dict(zip(a[1::2], a[2::2]))
    big_n = int(opt.get("--devices", "1000000"))
    mib = float(opt.get("--image-mib", "1"))
    hours = [float(h) for h in opt.get("--hours", "24,1").split(",")]
    rows = [per_update(r) for r in results]
    print("| fleet | server CPU | PostgreSQL CPU | broker CPU | write transactions | rows written | rows kept "
          "| database | bytes device ↔ broker | bytes server ↔ broker | broker memory per connection |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for u in rows:
        print("| %s | %.1f ms | %s | %.1f ms | %.1f | %s | %.1f | %.1f KiB | %.3f MiB | %.3f MiB | %s |" % (
            u["label"], u["server_cpu_ms"], "%.1f ms" % u["db_cpu_ms"] if u["db_cpu_ms"] is not None else "(in the server)",
            u["broker_cpu_ms"], u["write_tx"], "%.1f" % u["rows_written"] if u["rows_written"] is not None else "—",
            u["rows_kept"], u["db_kib"], u["device_bytes"] / 2**20, u["server_bytes"] / 2**20,
            "%.1f KiB" % u["broker_rss_kib"] if u["broker_rss_kib"] is not None else "—"))
    pgs = [u for u in rows if u["db"] == "postgresql"]
    base = max(pgs or rows, key=lambda u: (u["devices"], u["instances"]))
    print()
    print("From: %s (image %d bytes); scaled to %d devices and a %.0f MiB image." % (
        base["label"], base["image"], big_n, mib))
    scale = mib * 2**20 / base["image"]   # byte-proportional costs (chunks) grow with the image
    print()
    print("| whole fleet in | updates/s | server CPU | PostgreSQL CPU | PostgreSQL write transactions/s | rows "
          "written/s | broker CPU | broker traffic (in + out) | server instances (image bytes/s over one instance's "
          "best measured delivery rate, + 1 spare) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for h in hours:
        rate = big_n / (h * 3600)
        server = rate * base["server_cpu_ms"] / 1000 * scale
        dbc = rate * (base["db_cpu_ms"] or 0) / 1000
        broker = rate * base["broker_cpu_ms"] / 1000 * scale
        traffic = rate * (base["device_bytes"] + base["server_bytes"]) * scale / 1e6
        # what one instance delivered alone, at best (on this host it shared 2 cores with the simulator,
        # broker and database: a floor for a machine of its own)
        per_instance = max(u["delivery_mbs"] for u in rows if u["instances"] == 1 and u["db"] == base["db"])
        instances = max(2, math.ceil(rate * mib * 2**20 / 1e6 / per_instance) + 1)
        print("| %.0f h | %.0f | %.1f cores | %.1f cores | %.0f | %s | %.1f cores | %.0f MB/s | %d |" % (
            h, rate, server, dbc, rate * base["write_tx"],
            "%.0f" % (rate * base["rows_written"]) if base["rows_written"] is not None else "—", broker, traffic,
            instances))
    # the database's size per device: the growth between two fleets of the same set-up (what an
    # empty database and the image take cancels out); else the whole size over the devices
    same = sorted((u for u in rows if (u["broker"], u["db"], u["instances"]) == (base["broker"], base["db"],
                                                                                   base["instances"])),
                  key=lambda u: u["devices"])
    per_dev = base["db_kib"]
    how = "its size over its devices (an empty database and the image included)"
    if len(same) >= 2 and same[-1]["devices"] > same[0]["devices"]:
        per_dev = (same[-1]["db_bytes"] - same[0]["db_bytes"]) / (same[-1]["devices"] - same[0]["devices"]) / 1024
        how = "the growth from %d to %d devices" % (same[0]["devices"], same[-1]["devices"])
    print()
    print("Database after one rollout to all: %.1f GiB (%.1f KiB per device: %s); rows kept: %.0f million." % (
        big_n * per_dev / 2**20, per_dev, how, big_n * base["rows_kept"] / 1e6))
    if base["broker_rss_kib"] is not None:
        print("Broker memory for %d idle connections: %.1f GiB (%.1f KiB each, measured on Mosquitto)." % (
            big_n, big_n * base["broker_rss_kib"] / 2**20, base["broker_rss_kib"]))


if __name__ == "__main__":
    main()
