#!/usr/bin/env python3
"""bench/ota's driver: fleet updates through a real `mote ota serve`, devices from a real
`mote ota simulate` in another process, and the broker's raw pub/sub rate for the same bytes
(OtaBench raw, bench/src), measured in the same run; the report goes to DOC (docs/BENCHMARKS.md)
between the bench/ota markers, and stdout. Usage (bench/ota/run calls it):

    ota.py WORK CLASSPATH --devices 100,1000,10000 --brokers embedded,mosquitto --mosquitto-max N
           --in-flight N --hold S --chunk BYTES --window N --port P --facts FACTS --doc DOC
    ota.py report WORK FACTS DOC      (the report again, from WORK/results.json)
"""
import json, os, resource, shutil, signal, subprocess, sys, threading, time, urllib.request

from benchlib import MOTE, REPO, facts, write_section
import pg
import kills

MARKS = ("<!-- bench/ota begin -->", "<!-- bench/ota end -->")
PROFILE = "qemu-virt-arm64"
LINK_IN_FLIGHT = 8 << 20   # the server link's limit of unacknowledged chunk bytes (MqttLink.Options)


def cpu_seconds(pid):
    """utime + stime of a process, from /proc (clock ticks)."""
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def vm_hwm_mib(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0


class Lines:
    """A child's stdout, read on a thread: the last line, and every line."""
    def __init__(self, proc):
        self.proc, self.lines, self.cond = proc, [], threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_for(self, pred, timeout, what):
        end = time.time() + timeout
        with self.cond:
            while True:
                for l in reversed(self.lines):
                    r = pred(l)
                    if r:
                        return r
                if self.proc.poll() is not None:
                    sys.exit("bench/ota: %s: the process exited (%s) before %s:\n%s"
                             % (self.proc.args[:4], self.proc.returncode, what, "\n".join(self.lines[-20:])))
                if time.time() > end:
                    sys.exit("bench/ota: no %s within %d s:\n%s" % (what, timeout, "\n".join(self.lines[-20:])))
                self.cond.wait(1)


def sim_json(line):
    try:
        j = json.loads(line)
        return j if "devices" in j else None
    except ValueError:
        return None


class Api:
    def __init__(self, port, token):
        self.base, self.token = "http://127.0.0.1:%d/api/" % port, token

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.base + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + self.token,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())


def stop(proc, timeout=60):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def vm_rss_mib(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def serve_cmd(data, work, mqtt, http, chunk, window, broker_url, db_url, instance, nudge=None, trust=None):
    cmd = [MOTE, "ota", "serve", "--data", data, "--trust", trust or os.path.join(work, "bench.pub"),
           "--mqtt-port", str(mqtt), "--http-port", str(http), "--chunk", str(chunk), "--window", str(window)]
    if broker_url:
        cmd += ["--broker", broker_url]
    if db_url:
        cmd += ["--db", db_url, "--instance", str(instance)]
    if nudge is not None:
        cmd += ["--nudge", str(nudge)]
    return cmd


def start_servers(work, name, data, mqtt, http0, chunk, window, broker_url, db_url, instances, nudge=None,
                  trust=None, first=1):
    """`mote ota serve` x instances named first, first+1, ... (ports http0, http0+1, ...); the database
    password from the environment."""
    env = dict(os.environ, MOTE_DB_PASSWORD=pg.PASSWORD)
    servers = []
    for i in range(instances):
        k = first + i
        log = open(os.path.join(work, "server-%s-%d.log" % (name, k)), "a")
        servers.append(subprocess.Popen(serve_cmd(data, work, mqtt, http0 + i, chunk, window, broker_url, db_url,
                                                  k, nudge, trust), cwd=REPO, stdout=subprocess.PIPE, stderr=log,
                                        text=True, env=env))
    for srv in servers:
        Lines(srv).wait_for(lambda l: "stop with Ctrl-C" in l, 120, "the server's 'serving' lines")
    return servers


def db_rows(db, data, pgc, dbname):
    """Rows of the jobs and history tables, and the database's size in bytes."""
    if db == "postgresql":
        jobs, history = (int(pgc.sql(dbname, "SELECT count(*) FROM " + t)[0][0]) for t in ("jobs", "history"))
        return {"jobs": jobs, "history": history, "bytes": pgc.stats(dbname)["bytes"]}
    import sqlite3
    c = sqlite3.connect("file:%s?mode=ro" % os.path.join(data, "ota.db"), uri=True)
    out = {t: c.execute("SELECT count(*) FROM " + t).fetchone()[0] for t in ("jobs", "history")}
    c.close()
    out["bytes"] = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data) if f.startswith("ota.db"))
    return out


def one(work, cp, broker, n, in_flight, hold, port, chunk, window, db="sqlite", instances=1, pgc=None):
    """One fleet of n devices: hold, roll out, then the raw reference on the same broker."""
    name = "%s-%s-%d-%d" % (broker, db, instances, n)
    data = os.path.join(work, "data-" + name)
    shutil.rmtree(data, ignore_errors=True)   # a fresh server: no rollout or device from an earlier run
    prefix, group = "b%d" % n, "bench-%d" % n
    mqtt, http = port, port + 1
    log = open(os.path.join(work, "server-%s.log" % name), "w")
    mosq, db_url, dbname = None, None, None
    if db == "postgresql":
        dbname = "bench_" + name.replace("-", "_")
        db_url = pgc.create(dbname)
    broker_url = None
    if broker == "mosquitto":
        # the documented set-up: mote ota mosquitto-config, then mosquitto, then serve --broker
        conf = os.path.join(work, "mosq-" + name)
        subprocess.run([MOTE, "ota", "mosquitto-config", "--out", conf, "--data", data, "--port", str(mqtt),
                        "--prefix", prefix, "--count", str(n), "--instances", str(instances)], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
        mosq = subprocess.Popen(["mosquitto", "-c", os.path.join(conf, "mosquitto.conf")], stdout=log, stderr=log)
        broker_url = "tcp://127.0.0.1:%d" % mqtt
    servers = start_servers(work, name, data, mqtt, http, chunk, window, broker_url, db_url, instances)
    server = servers[0]
    broker_pid = mosq.pid if mosq else server.pid
    sim = None
    try:
        api = Api(http, open(os.path.join(data, "admin.token")).read().strip())
        apis = [Api(http + k, api.token) for k in range(instances)]
        with open(os.path.join(work, "bench.img"), "rb") as f:
            req = urllib.request.Request(api.base + "images", data=f.read(), method="POST",
                                         headers={"Authorization": "Bearer " + api.token,
                                                  "Content-Type": "application/octet-stream"})
        image = json.loads(urllib.request.urlopen(req, timeout=60).read())
        size = image["size"]
        sim_log = open(os.path.join(work, "sim-%s.log" % name), "w")
        idle_rss, idle_heap = vm_rss_mib(broker_pid), sum(a.call("GET", "stats")["heapUsed"] for a in apis)
        sim = subprocess.Popen([MOTE, "ota", "simulate", "--devices", str(n), "-p", PROFILE, "--group", group,
                                "--prefix", prefix, "--broker", "tcp://127.0.0.1:%d" % mqtt,
                                "--trust", os.path.join(work, "bench.pub"), "--server", "http://127.0.0.1:%d" % http,
                                "--token", api.token, "--json", "--every", "1s", "--connect-rate", "1000"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=sim_log, text=True)
        out = Lines(sim)
        t0 = time.time()
        before = out.wait_for(lambda l: (lambda j: j if j and j["online"] == n else None)(sim_json(l)), 600,
                              "all %d devices online" % n)
        t_online = time.time() - t0
        time.sleep(hold)
        held = out.wait_for(sim_json, 10, "a status line")   # the newest one
        held_rss, held_heap = vm_rss_mib(broker_pid), sum(a.call("GET", "stats")["heapUsed"] for a in apis)
        stats0 = [a.call("GET", "stats") for a in apis]
        cpu0, sim_cpu0 = sum(cpu_seconds(p.pid) for p in servers), cpu_seconds(sim.pid)
        bcpu0 = cpu_seconds(broker_pid)
        pg0 = pgc.stats(dbname) if dbname else None
        pgcpu0 = pg.cpu_snapshot(pgc.pids()) if dbname else None
        t1 = time.time()
        if held.get("firstOfferAt"):
            sys.exit("bench/ota: a device was offered an update before the rollout: not a fresh server?")
        r = api.call("POST", "rollouts", {"name": "bench-%d" % n, "image": image["sha256"], "group": group,
                                          "phases": ["100%"], "maxInFlight": in_flight, "deadlineSeconds": 1800,
                                          "successThreshold": 1.0, "failureThreshold": 0.0})
        heap, state, polls = 0, r["state"], 0
        while state not in ("completed", "paused", "cancelled"):
            time.sleep(0.1)
            state = api.call("GET", "rollouts/%d" % r["id"])["state"]
            polls += 1
            if polls % 10 == 0:
                heap = max(heap, api.call("GET", "stats")["heapUsed"])
            for p, what in [(srv, "server") for srv in servers] + [(sim, "simulator")]:
                if p.poll() is not None:
                    sys.exit("bench/ota: the %s exited (%s) during the rollout; see its log in %s (BENCH_KEEP=1)"
                             % (what, p.returncode, work))
            if time.time() - t1 > 3600:
                sys.exit("bench/ota: the rollout of %d devices did not end within an hour" % n)
        secs = time.time() - t1
        cpu_rollout, sim_cpu = sum(cpu_seconds(p.pid) for p in servers) - cpu0, cpu_seconds(sim.pid) - sim_cpu0
        broker_cpu = cpu_seconds(broker_pid) - bcpu0
        db_cpu = pg.cpu_delta(pgcpu0, pg.cpu_snapshot(pgc.pids())) if dbname else None
        pg1 = pgc.stats(dbname) if dbname else None
        stats1 = [a.call("GET", "stats") for a in apis]
        heap = max(heap, stats1[0]["heapUsed"])
        info = api.call("GET", "rollouts/%d" % r["id"])
        time.sleep(1.5)   # one more status line from the simulator, after the last confirm
        s = sim_json(out.lines[-1])
        stop(sim)
        sim = None
        rss = vm_hwm_mib(server.pid)
        rows = db_rows(db, data, pgc, dbname)
        per = [{k: s1[k] - s0[k] for k in ("chunksOut", "messagesIn", "bytesIn", "messagesOut", "bytesOut",
                                            "dbCommits", "dbWriteCommits")} for s0, s1 in zip(stats0, stats1)]
        if mosq:
            for srv in servers:
                stop(srv)   # Mosquitto names clients by user name: the raw publisher would take over its session
        # the broker alone, same bytes, same device accounts, same server account
        cpu2, kids = cpu_seconds(broker_pid), resource.getrusage(resource.RUSAGE_CHILDREN)
        raw = subprocess.run(["java", "-Xmx2g", "-cp", cp, "dev.mote.bench.ota.OtaBench", "raw", data, "tcp://127.0.0.1:%d" % mqtt,
                              prefix, str(n), str(size), str(chunk), str(LINK_IN_FLIGHT)],
                             capture_output=True, text=True, timeout=1800)
        try:
            rawj = json.loads(raw.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            rawj = {"error": "exit %d: %s" % (raw.returncode, raw.stderr.strip().splitlines()[-1:]), "bytes": 0,
                    "expected": n * size, "seconds": 1, "connectSeconds": 0, "connectRetries": 0}
            print("bench/ota: the raw pub/sub run failed:\n" + raw.stderr[-3000:], file=sys.stderr)
        cpu_raw, kids2 = cpu_seconds(broker_pid) - cpu2, resource.getrusage(resource.RUSAGE_CHILDREN)
        raw_client_cpu = kids2.ru_utime + kids2.ru_stime - kids.ru_utime - kids.ru_stime
        return {"broker": broker, "db": db, "instances": instances, "devices": n, "state": state,
                "broker_cpu": broker_cpu, "counts": info["counts"], "seconds": secs, "online_seconds": t_online,
                "hold_seconds": hold, "held": {"online": held["online"], "connects": held["connects"], "connects_before": before["connects"]},
                "sim": s, "image": size, "server_cpu": cpu_rollout, "sim_cpu": sim_cpu, "server_heap_mib": heap / 2**20,
                "server_rss_mib": rss, "link_bytes_out": sum(p["bytesOut"] for p in per), "per_instance": per,
                "db_cpu": db_cpu, "pg": None if not dbname else {k: pg1[k] - pg0[k] for k in pg1 if k != "bytes"},
                "rows": rows, "broker_rss_per_device_kib": (held_rss - idle_rss) * 1024 / n,
                "server_heap_per_device_kib": (held_heap - idle_heap) / 1024 / n,
                "synchronous_commit": pgc.synchronous_commit if dbname else None,
                "raw": rawj, "server_cpu_raw": cpu_raw, "raw_client_cpu": raw_client_cpu, "in_flight": in_flight,
                "chunk": chunk, "window": window}
    finally:
        if sim:
            stop(sim)
        for srv in servers:
            stop(srv)
        if mosq:
            stop(mosq)


def label(r):
    return "%s | %s | %d" % (r["broker"], r.get("db", "sqlite"), r.get("instances", 1))


def report(everything, facts, doc):
    results = [r for r in everything if "kills" not in r]
    killed = [r["kills"] for r in everything if "kills" in r]
    r0 = results[0]
    L = ["## OTA: fleet updates over MQTT (bench/ota)", "",
         "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s. Every number below comes from that one "
         "run." % (facts["command"], facts["date"], facts["nproc"], facts["cpu"], facts["java"]), "",
         "Each fleet: a real `mote ota serve` (its database SQLite in a fresh data directory, or a fresh database "
         "of a PostgreSQL cluster the run starts from Debian's package, synchronous_commit=%s; its embedded Moquette "
         "broker, or Debian's Mosquitto set up with `mote ota mosquitto-config` and `serve --broker`; with 2 "
         "instances, two `serve --instance K` processes on the same database and Mosquitto) in "
         "one process each; `mote ota simulate --devices N` in another (each simulated device verifies the "
         "signature of what it downloads for real, \"reboots\" and confirms); a %d-byte signed image (a "
         "1 MiB payload) uploaded through the REST API. All devices connect and are held for %d s; then "
         "one rollout to them all (`phases 100%%`, max in flight %d, chunks of %d B, window %d) is timed "
         "from its POST to the state `completed`, which needs every device confirmed after its reboot. "
         "Then the simulator stops and OtaBench (bench/src), in a third process, has the server's account "
         "publish the same bytes (the image in the same chunk-sized messages, header included, QoS 1, at "
         "most %d MiB published but not yet received, as the server's link allows unacknowledged) to the "
         "same N device accounts through the same broker: the broker's raw pub/sub rate." % (
             next((r["synchronous_commit"] for r in results if r.get("synchronous_commit")), "off"), r0["image"],
             r0["hold_seconds"], r0["in_flight"], r0["chunk"], r0["window"], LINK_IN_FLIGHT >> 20),
         "", "| broker | database | instances | devices | rollout: POST → completed | confirmed | delivery rate (first "
         "offer → last byte) | raw pub/sub rate | delivery / raw | MQTT bytes in per device / image |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        s, n, img = r["sim"], r["devices"], r["image"]
        span = (s["lastDownloadedAt"] - s["firstOfferAt"]) / 1e3
        r["delivery"] = n * img / span / 1e6
        failed = "error" in r["raw"]
        if not failed and r["raw"]["bytes"] < 0.99 * r["raw"]["expected"]:
            # the broker lost messages and the publisher stopped: a rate over what came would flatter it
            failed, r["raw"]["error"] = True, "incomplete, the broker lost messages (%.1f%% arrived)" % (
                100 * r["raw"]["bytes"] / r["raw"]["expected"])
        r["raw_rate"] = None if failed else r["raw"]["bytes"] / r["raw"]["seconds"] / 1e6
        r["wire"] = s["wireIn"] / n / img
        L.append("| %s | %d | %.1f s | %d of %d | %.1f MB/s (%.1f s) | %s | %s | %.4f× |" % (
            label(r), n, r["seconds"], s["statuses"].get("confirmed", 0), n, r["delivery"], span,
            "no rate: %s" % r["raw"]["error"] if failed else "%.1f MB/s (%.1f s)" % (r["raw_rate"], r["raw"]["seconds"]),
            "—" if failed else "%.0f%%" % (100 * r["delivery"] / r["raw_rate"]), r["wire"]))
    L += ["", "CPU (utime + stime from /proc, seconds over the rollout; the embedded broker runs inside the "
          "server; server CPU is all instances together; database CPU is PostgreSQL's processes, SQLite's is in "
          "the server), memory, and what the devices saw:", "",
          "| broker | database | instances | devices | server CPU | database CPU | broker CPU | simulator CPU | server heap "
          "(max used) | server RSS (peak) | restarts (5 s timeouts) | chunks dropped | confirm after offer, "
          "median / max |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        s = r["sim"]
        L.append("| %s | %d | %.1f s | %s | %s | %.1f s | %.0f MiB | %.0f MiB | %d | %d | %.1f s / %.1f s |" % (
            label(r), r["devices"], r["server_cpu"], "%.1f s" % r["db_cpu"] if r.get("db_cpu") is not None else "(in the server)",
            "(in the server)" if r["broker"] == "embedded" else "%.1f s" % r["broker_cpu"], r["sim_cpu"],
            r["server_heap_mib"], r["server_rss_mib"], s["restarts"], s["droppedChunks"],
            s["medianConfirmMillis"] / 1e3, s["maxConfirmMillis"] / 1e3))
    L += ["", "Connections held, and the raw run:", "",
          "| broker | database | instances | devices | all connected in | connects until all online | held | online "
          "after the hold | connects during the hold | raw: bytes received / sent | raw: subscribers connected in "
          "(retries) | broker CPU in the raw run |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        h = r["held"]
        L.append("| %s | %d | %.1f s | %d | %d s | %d | %d | %d / %d | %.1f s (%d) | %.1f s |" % (
            label(r), r["devices"], r["online_seconds"], h["connects_before"], r["hold_seconds"], h["online"],
            h["connects"] - h["connects_before"], r["raw"]["bytes"], r["raw"]["expected"],
            r["raw"]["connectSeconds"], r["raw"].get("connectRetries", 0), r["server_cpu_raw"]))
        if r["raw"].get("unsubscribed"):
            L.append("| | | | | | | | | | %d devices never subscribed: left out of the raw run | | |" % r["raw"]["unsubscribed"])
    L += ["", "What one device update cost (the rollout's totals divided by its devices; docs/SCALING.md works "
          "from these):", "",
          "| broker | database | instances | devices | server CPU | database CPU | broker CPU | write transactions "
          "(all) | rows written (PostgreSQL: inserted + updated) | rows kept (jobs + history) | database size "
          "after | device ↔ broker bytes (in + out) | server ↔ broker bytes (in + out) | broker RSS per connected "
          "device | chunk requests answered, per instance |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        n, s, per = r["devices"], r["sim"], r.get("per_instance", [])
        w = sum(p["dbWriteCommits"] for p in per)
        c = sum(p["dbCommits"] for p in per)
        pgs = r.get("pg")
        rows = r.get("rows", {})
        chunks = [p["chunksOut"] for p in per]
        L.append("| %s | %d | %.1f ms | %s | %s | %.1f (%.1f) | %s | %.1f | %.1f MiB | %.0f + %.0f KiB | %.0f + %.0f "
                 "KiB | %s | %s |" % (
            label(r), n, 1000 * r["server_cpu"] / n,
            "%.1f ms" % (1000 * r["db_cpu"] / n) if r.get("db_cpu") is not None else "(in the server)",
            "(in the server)" if r["broker"] == "embedded" else "%.1f ms" % (1000 * r["broker_cpu"] / n),
            w / n, c / n, "%.1f" % ((pgs["inserted"] + pgs["updated"]) / n) if pgs else "—",
            (rows.get("jobs", 0) + rows.get("history", 0)) / n, rows.get("bytes", 0) / 2**20,
            s["wireIn"] / n / 1024, s.get("wireOut", 0) / n / 1024,
            sum(p["bytesIn"] for p in per) / n / 1024, sum(p["bytesOut"] for p in per) / n / 1024,
            "%.0f KiB" % r["broker_rss_per_device_kib"] if r["broker"] != "embedded" else "(in the server)",
            " / ".join("%d (%.0f%%)" % (x, 100 * x / max(1, sum(chunks))) for x in chunks)))
    for k in killed:
        L += ["", "Kill mode: %d rollouts of a new 1 MiB image to %d devices on %d instances (PostgreSQL, Mosquitto, "
              "`--nudge %d`); during each, `kill -9` of a random instance 0.5-2.5 s after the POST, started again at "
              "once under its name. Counted from the database after each rollout ended: *lost* = jobs not in a final "
              "state, *twice* = jobs with more than one final entry in the history; *take-over* = from the kill to "
              "another instance reporting that it runs the engine (GET /api/stats), when the killed one ran it." % (
                  k["kills"], k["devices"], k["instances"], k["nudge"]), "",
              "| rollout | killed instance | it ran the engine | take-over | rollout: POST → end | state | jobs | lost "
              "| twice | not confirmed |", "|---|---|---|---|---|---|---|---|---|---|"]
        for x in k["runs"]:
            L.append("| %d | %d | %s | %s | %.1f s | %s | %d | %d | %d | %d |" % (
                x["rollout"], x["victim"], "yes" if x["was_leader"] else "no",
                "%.1f s" % x["takeover"] if x["takeover"] is not None else ("**none in 60 s**" if x["was_leader"] else "—"),
                x["seconds"], x["state"], x["jobs"], x["lost"], x["twice"], x["not_confirmed"]))
    pf = lambda ok: "PASS" if ok else "**MISS**"
    L += ["", "| target | broker | measured | |", "|---|---|---|---|"]
    for r in results:
        n, b = r["devices"], r["broker"]
        if n == 1000 and r.get("db", "sqlite") == "sqlite":
            L.append("| 1,000 devices × 1 MiB complete (issue 5) | %s | %s in %.1f s | %s |" % (b, r["state"], r["seconds"], pf(
                r["state"] == "completed" and r["sim"]["statuses"].get("confirmed") == 1000)))
            L.append("| ≤ 1.05× the image on the wire per device (issue 5) | %s | %.4f× | %s |" % (b, r["wire"], pf(r["wire"] <= 1.05)))
            ratio = r["delivery"] / r["raw_rate"] if r["raw_rate"] else 0
            L.append("| delivery ≥ 50%% of the broker's raw throughput (issue 5) | %s | %s | %s |" % (
                b, "%.0f%%" % (100 * ratio) if ratio else "no raw rate", pf(ratio >= 0.5)))
        if n == 10000:
            h = r["held"]
            ok = h["online"] == n and h["connects"] == h["connects_before"]
            L.append("| 10,000 connected devices held with no errors (issue 5) | %s | %d online after %d s, %d reconnects | %s |"
                     % (b, h["online"], r["hold_seconds"], h["connects"] - h["connects_before"], pf(ok)))
        if r.get("db") == "postgresql" and n == 1000:
            base = [q for q in results if q["broker"] == b and q.get("db", "sqlite") == "sqlite"
                    and q["devices"] == n and q.get("instances", 1) == 1]
            if base:
                ratio = r["delivery"] / base[0]["delivery"]
                if r.get("instances", 1) == 1:
                    L.append("| PostgreSQL: 1,000 × 1 MiB at ≥ 90%% of SQLite's delivery rate (issue 17) | %s | %.1f "
                             "against %.1f MB/s: %.0f%% | %s |" % (b, r["delivery"], base[0]["delivery"], 100 * ratio,
                                                                 pf(ratio >= 0.9 and r["state"] == "completed")))
                else:
                    L.append("| (not a target) PostgreSQL, %d instances on this one host, against one on SQLite | %s "
                             "| %.1f against %.1f MB/s: %.0f%% | |" % (r["instances"], b, r["delivery"],
                                                                     base[0]["delivery"], 100 * ratio))
    for k in killed:
        takes = [x["takeover"] for x in k["runs"] if x["was_leader"]]
        worst = max((t if t is not None else 1e9) for t in takes) if takes else None
        L.append("| take-over after the engine's holder is killed ≤ 10 s (issue 17) | mosquitto | %s | %s |" % (
            "%d take-overs, longest %.1f s" % (len(takes), worst) if takes else "the holder was never killed",
            pf(worst is not None and worst <= 10)))
        bad = sum(x["lost"] + x["twice"] for x in k["runs"])
        ended = all(x["state"] == "completed" for x in k["runs"])
        L.append("| zero lost or duplicated jobs across %d kills (issue 17) | mosquitto | %d lost, %d twice, %d rollouts "
                 "completed | %s |" % (k["kills"], sum(x["lost"] for x in k["runs"]), sum(x["twice"] for x in k["runs"]),
                                       sum(x["state"] == "completed" for x in k["runs"]), pf(bad == 0 and ended)))
    L += ["", "Definitions: *delivery rate* = devices × image bytes / (the last device's download end − the "
          "first device's offer), from the simulator's clock; *MQTT bytes in per device* counts every MQTT "
          "packet a device received during the whole run (PUBLISH with its fixed header and topic, CONNACK, "
          "SUBACK, PUBACK; the reconnect after the reboot included), not TCP/IP; heap is `GET /api/stats`'s "
          "heapUsed sampled every second; RSS is VmHWM; *write transactions* are the server's commits that "
          "wrote (all commits in brackets, `GET /api/stats` dbWriteCommits / dbCommits); *broker RSS per connected "
          "device* is Mosquitto's VmRSS with all devices connected and idle, less before they connected, over N. "
          "The simulator shares the 2 cores with the server(s), database and broker during the rollout, as the raw "
          "subscribers do during the raw run. *Connects until all online* above N: devices that had to reconnect "
          "while the fleet came up."]
    write_section(doc, MARKS, "\n".join(L) + "\n")


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "report":
        report(json.load(open(os.path.join(a[1], "results.json"))), facts(a[2]), a[3])
        sys.exit(0)
    work, cp = a[0], a[1]
    opt = dict(zip(a[2::2], a[3::2]))
    res, port = [], int(opt["--port"])
    dbs, counts = opt["--db"].split(","), [int(x) for x in opt["--instances"].split(",")]
    pgc = None
    if "postgresql" in dbs or int(opt["--kills"]) > 0:
        pgc = pg.Cluster(work, port + 9, opt["--sync-commit"])
    try:
        # smaller fleets first: what one set-up costs against another is soonest in
        runs = [(b, d, i, int(x)) for x in opt["--devices"].split(",") for b in opt["--brokers"].split(",")
                for d in dbs for i in counts]
        for j, (broker, db, inst, n) in enumerate(runs):
            if broker == "mosquitto" and n > int(opt["--mosquitto-max"]):
                continue
            if inst > 1 and (db != "postgresql" or broker != "mosquitto"):
                continue   # several instances share a PostgreSQL database and an external broker
            print("bench/ota: %d devices, %s broker, %s, %d instance(s)..." % (n, broker, db, inst), file=sys.stderr,
                  flush=True)
            r = one(work, cp, broker, n, int(opt["--in-flight"]), int(opt["--hold"]), port + 10 * (j + 1),
                    int(opt["--chunk"]), int(opt["--window"]), db, inst, pgc)
            print(json.dumps(r), file=sys.stderr, flush=True)
            res.append(r)
            json.dump(res, open(os.path.join(work, "results.json"), "w"), indent=1)
        if int(opt["--kills"]) > 0:
            print("bench/ota: kill mode: %s kills..." % opt["--kills"], file=sys.stderr, flush=True)
            k = kills.run(sys.modules[__name__], work, cp, pgc, int(opt["--kill-devices"]), int(opt["--kills"]),
                          max(2, max(counts)), port + 10 * (len(runs) + 2), int(opt["--chunk"]), int(opt["--window"]),
                          int(opt["--nudge"]))
            res.append({"kills": k})
            json.dump(res, open(os.path.join(work, "results.json"), "w"), indent=1)
    finally:
        if pgc:
            pgc.close()
    doc = opt["--doc"]
    report(res, facts(opt["--facts"]), doc)
    print(open(doc).read().split(MARKS[0])[1].split(MARKS[1])[0])
