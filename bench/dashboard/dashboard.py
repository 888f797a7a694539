#!/usr/bin/env python3
"""bench/dashboard's driver (bench/dashboard/run calls it): the device list's latency at fleet
size, the page's weight in a real browser, and the CPU that live updates cost during a rollout.
The report goes to DOC (docs/BENCHMARKS.md) between the bench/dashboard markers, and stdout.

    dashboard.py WORK CLASSPATH --devices N --rollout R --repeats K --port P --facts FACTS --doc DOC
    dashboard.py report WORK FACTS DOC      (the report again, from WORK/results.json)
"""
import json, os, shutil, signal, statistics, subprocess, sys, threading, time, urllib.request

from benchlib import MOTE, REPO, facts, write_section
import webdriver

MARKS = ("<!-- bench/dashboard begin -->", "<!-- bench/dashboard end -->")
AFTER = "<!-- bench/ota end -->"
PROFILE = "qemu-virt-arm64"
WARMUP, TIMED = 30, 50


def cpu_seconds(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def stop(proc, timeout=60):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Server:
    """A real `mote ota serve` on a data directory, and its REST API (bearer token)."""

    def __init__(self, work, data, key, port, name):
        self.http = port + 1
        self.log = open(os.path.join(work, "server-%s.log" % name), "w")
        self.proc = subprocess.Popen([MOTE, "ota", "serve", "--data", data, "--trust", key, "--mqtt-port", str(port),
                                      "--http-port", str(self.http)], cwd=REPO, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        for line in self.proc.stdout:
            if "stop with Ctrl-C" in line:
                break
        else:
            sys.exit("bench/dashboard: the server did not start; see %s (BENCH_KEEP=1)" % self.log.name)
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()
        self.url = "http://127.0.0.1:%d/" % self.http
        self.token = open(os.path.join(data, "admin.token")).read().strip()
        self.broker = "tcp://127.0.0.1:%d" % port

    def api(self, method, path, body=None, raw=None):
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + "api/" + path, method=method, data=data, headers={
            "Authorization": "Bearer " + self.token,
            "Content-Type": "application/octet-stream" if raw is not None else "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    def sign_in(self):
        """A dashboard session's cookie, as the page gets it."""
        req = urllib.request.Request(self.url + "ui/login", method="POST", data=json.dumps(
            {"token": self.token}).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.headers["Set-Cookie"].split(";")[0]

    def close(self):
        stop(self.proc)


def timed_get(url, cookie):
    t = time.perf_counter()
    req = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(req, timeout=30) as r:
        body = r.read()
    return (time.perf_counter() - t) * 1000, body


def listing(work, cp, n, port):
    """Part 1 and 2: the device list's latency at n devices, and the page's weight."""
    data = os.path.join(work, "list-data")
    subprocess.run(["java", "-cp", cp, "dev.mote.bench.dashboard.DashboardBench", "fleet", data, str(n)],
                   check=True, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "fleet.log"), "w"))
    srv = Server(work, data, os.path.join(work, "bench.pub"), port, "list")
    try:
        cookie = srv.sign_in()
        queries = [("first page", "limit=50"),
                   ("search text (`q=0123`)", "limit=50&q=0123"),
                   ("group", "limit=50&group=site-07"),
                   ("tag", "limit=50&tag=beta"),
                   ("version and profile", "limit=50&version=0.9.0&profile=rpi4-arm64"),
                   ("online=false", "limit=50&online=false"),
                   ("update state (`state=cancelled`)", "limit=50&state=cancelled"),
                   ("update state (`state=none`)", "limit=50&state=none"),
                   ("last page (`offset=%d`)" % (n - 50), "limit=50&offset=%d" % (n - 50))]
        base = srv.url + "api/device-page?"
        cold, body = timed_get(base + queries[0][1], cookie)
        total = json.loads(body)["total"]
        rows = []
        for name, q in queries + [("overview (`GET /api/overview`)", None)]:
            url = base + q if q else srv.url + "api/overview"
            for _ in range(WARMUP):
                timed_get(url, cookie)
            ms = sorted(timed_get(url, cookie)[0] for _ in range(TIMED))
            _, body = timed_get(url, cookie)
            j = json.loads(body)
            rows.append({"name": name, "query": q, "median": statistics.median(ms),
                         "p95": ms[int(0.95 * len(ms)) - 1], "max": ms[-1], "bytes": len(body),
                         "matches": j.get("total", j.get("devices"))})
        weight = page_weight(work, srv)
        return {"devices": total, "cold_ms": cold, "rows": rows, "weight": weight}
    finally:
        srv.close()


def page_weight(work, srv):
    """Chromium signs in and shows the overview; what it transferred, from Resource Timing."""
    b = webdriver.Browser(open(os.path.join(work, "chromedriver-weight.log"), "w"))
    try:
        b.open(srv.url)
        b.type("#token", srv.token)
        b.click("#signin")
        b.wait("return document.querySelector('#by-groups') !== null", 30, "the overview")
        time.sleep(1)
        entries = b.js("""
            const out = [];
            for (const e of performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')))
              out.push({name: new URL(e.name).pathname, transfer: e.transferSize, body: e.encodedBodySize,
                        decoded: e.decodedBodySize});
            return out;""")
    finally:
        b.close()
    static = [e for e in entries if not e["name"].startswith(("/api/", "/ui/"))]
    data = [e for e in entries if e["name"].startswith(("/api/", "/ui/")) and e["name"] != "/ui/events"]
    s = lambda xs, k: sum(x[k] for x in xs)
    return {"static_files": len(static), "static_transfer": s(static, "transfer"), "static_body": s(static, "body"),
            "static_decoded": s(static, "decoded"), "data_requests": len(data), "data_transfer": s(data, "transfer"),
            "entries": entries}


def live(work, cp, n, repeats, port):
    """Part 3: a fleet of n simulated devices, rollouts with and without a live page."""
    plan = [("warm-up", False)] + [("without page", False), ("with page", True)] * repeats
    data = os.path.join(work, "live-data")
    srv = Server(work, data, os.path.join(work, "bench.pub"), port, "live")
    sim, browser = None, None
    try:
        shas = [srv.api("POST", "images", raw=open(os.path.join(work, "v%d.img" % (i + 1)), "rb").read())["sha256"]
                for i in range(len(plan))]
        sim_log = open(os.path.join(work, "sim.log"), "w")
        sim = subprocess.Popen([MOTE, "ota", "simulate", "--devices", str(n), "-p", PROFILE, "--group", "live",
                                "--prefix", "lv", "--broker", srv.broker, "--trust", os.path.join(work, "bench.pub"),
                                "--server", srv.url.rstrip("/"), "--token", srv.token, "--every", "1s",
                                "--connect-rate", "1000"], cwd=REPO, stdout=sim_log, stderr=sim_log)
        end = time.time() + 300
        while srv.api("GET", "overview")["online"] < n:
            if time.time() > end or sim.poll() is not None:
                sys.exit("bench/dashboard: the %d devices did not come online; see %s" % (n, sim_log.name))
            time.sleep(0.5)
        runs = []
        for i, (name, page) in enumerate(plan):
            if page:
                # a browser for this run only: without a page, no browser runs at all
                browser = webdriver.Browser(open(os.path.join(work, "chromedriver-live-%d.log" % i), "w"))
                browser.open(srv.url + "#/rollouts")
                browser.type("#token", srv.token)
                browser.click("#signin")
                browser.wait("return document.querySelector('#rollout-list') !== null"
                             " && document.getElementById('live').textContent === 'live'", 30, "the live page")
            d0, cpu0, t0 = srv.api("GET", "stats")["dashboard"], cpu_seconds(srv.proc.pid), time.time()
            r = srv.api("POST", "rollouts", {"name": "live %d" % i, "image": shas[i], "group": "live",
                                             "phases": ["100%"], "maxInFlight": n, "deadlineSeconds": 1800,
                                             "successThreshold": 1.0, "failureThreshold": 0.0})
            if page:
                browser.js("location.hash = arguments[0]", "#/rollouts/%d" % r["id"])
            state = r["state"]
            while state not in ("completed", "paused", "cancelled"):
                time.sleep(0.2)
                state = srv.api("GET", "rollouts/%d" % r["id"])["state"]
                if time.time() - t0 > 1800 or sim.poll() is not None:
                    sys.exit("bench/dashboard: rollout %d did not end (simulator: %s)" % (r["id"], sim.poll()))
            secs, cpu = time.time() - t0, cpu_seconds(srv.proc.pid) - cpu0
            shown = None
            if page:
                browser.wait("return document.getElementById('rollout-state')"
                             " && document.getElementById('rollout-state').textContent === 'completed'", 30,
                             "the rollout completed, live")
                shown = browser.js("return document.querySelector('#total-confirmed .n').textContent")
            d1 = srv.api("GET", "stats")["dashboard"]
            if page:
                browser.close()
                browser = None
                time.sleep(2)   # the stream's close reaches the server
            info = srv.api("GET", "rollouts/%d" % r["id"])
            runs.append({"name": name, "page": page, "state": state, "confirmed": info["counts"]["confirmed"],
                         "seconds": secs, "server_cpu": cpu, "web_cpu": d1["cpuSeconds"] - d0["cpuSeconds"],
                         "events": d1["events"] - d0["events"], "event_bytes": d1["eventBytes"] - d0["eventBytes"],
                         "requests": d1["requests"] - d0["requests"], "shown": shown})
            print("bench/dashboard: %s" % json.dumps(runs[-1]), file=sys.stderr, flush=True)
        return {"devices": n, "runs": runs}
    finally:
        if browser:
            browser.close()
        stop(sim)
        srv.close()


def report(res, f, doc):
    L, lst, w, lv = [], res["list"], res["list"]["weight"], res["live"]
    pf = lambda ok: "PASS" if ok else "**MISS**"
    first = lst["rows"][0]
    L += ["## Dashboard: the device list, the page, live updates (bench/dashboard)", "",
          "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s; %s. Every number below comes from that one run."
          % (f["command"], f["date"], f["nproc"], f["cpu"], f["java"], f.get("chromium", "Chromium")), "",
          "**The device list at %s devices.** DashboardBench (bench/src) records the fleet through the fleet "
          "logic's own calls into a fresh data directory (hello with one of three versions and two profiles, 20 "
          "groups, one or two tags each, a fifth gone offline, 10 cancelled rollouts); a real `mote ota serve` "
          "on it; a client signed in with a session cookie times each request over loopback (a new connection "
          "each, request to last byte), %d times after %d of warm-up. 50 devices a page, as the dashboard asks. "
          "The very first request, before any warm-up, took %.0f ms (class loading and JIT)."
          % ("{:,}".format(lst["devices"]), TIMED, WARMUP, lst["cold_ms"]), "",
          "| request | devices matching | median | p95 | max | reply |", "|---|---|---|---|---|---|"]
    for r in lst["rows"]:
        L.append("| %s | %s | %.1f ms | %.1f ms | %.1f ms | %.1f KB |" % (
            r["name"], "{:,}".format(r["matches"]) if isinstance(r["matches"], int) else "—", r["median"], r["p95"],
            r["max"], r["bytes"] / 1000))
    L += ["", "**The page.** Headless Chromium (Debian's, driven by chromedriver over WebDriver) signs in and shows "
          "the overview of that fleet; Resource Timing counts what crossed the wire (gzip, headers included): "
          "%d files (HTML, CSS, %d JavaScript modules, icon) in %.1f KB (%.1f KB of bodies, %.1f KB unpacked), plus "
          "%d JSON requests of data in %.1f KB. Nothing comes from another host."
          % (w["static_files"], w["static_files"] - 3, w["static_transfer"] / 1000, w["static_body"] / 1000,
             w["static_decoded"] / 1000, w["data_requests"], w["data_transfer"] / 1000), "",
          "**Live updates during a %s-device rollout.** A fresh server; `mote ota simulate --devices %d` in "
          "another process; rollouts of a 1 MiB image to all of them, one after the other (each to the next "
          "version), max in flight %s: a warm-up, then alternately without a page and with Chromium showing the "
          "rollout's page live from its creation to `completed` (the page opens the event stream, the server "
          "sends a pulse at most every %d ms while anything changes). Server CPU: utime + stime of the server "
          "process over the rollout (the embedded broker runs inside it); dashboard CPU: what was spent on the "
          "dashboard's behalf, measured per thread (live ticks, writing events on the connections' I/O threads, "
          "the page's requests on the REST workers), from `GET /api/stats`. A page that closes is seen at once, "
          "so a run without a page counts no event." % ("{:,}".format(lv["devices"]), lv["devices"], "{:,}".format(lv["devices"]),
                                             500), "",
          "| rollout | live page | POST → completed | confirmed (page showed) | server CPU | dashboard CPU | share | "
          "events (bytes) | page requests |", "|---|---|---|---|---|---|---|---|---|"]
    for r in lv["runs"]:
        L.append("| %s | %s | %.1f s | %d (%s) | %.2f s | %.3f s | %.2f%% | %d (%.0f KB) | %d |" % (
            r["name"], "yes" if r["page"] else "no", r["seconds"], r["confirmed"], r["shown"] or "—", r["server_cpu"],
            r["web_cpu"], 100 * r["web_cpu"] / r["server_cpu"], r["events"], r["event_bytes"] / 1000, r["requests"]))
    with_p = [r for r in lv["runs"] if r["page"]]
    without = [r for r in lv["runs"] if not r["page"] and r["name"] != "warm-up"]
    share = max(100 * r["web_cpu"] / r["server_cpu"] for r in with_p)
    diff = (statistics.mean(r["server_cpu"] for r in with_p) / statistics.mean(r["server_cpu"] for r in without) - 1) * 100
    cpus = [r["server_cpu"] for r in lv["runs"] if r["name"] != "warm-up"]
    L += ["", "With a page, the server's whole CPU over a rollout was %+.1f%% of the runs without one (means of %d "
          "and %d runs). The rollouts' own CPU varies far more than that from run to run (%.1f to %.1f s here), "
          "so this difference is noise; the per-thread share above is the measurement."
          % (diff, len(with_p), len(without), min(cpus), max(cpus)), "",
          "| target (issue 16) | measured | |", "|---|---|---|",
          "| the device list's first page at %s devices ≤ 100 ms | %.1f ms median, %.1f ms p95 | %s |" % (
              "{:,}".format(lst["devices"]), first["median"], first["p95"], pf(first["p95"] <= 100 and lst["devices"] >= 10000)),
          "| the whole page ≤ 200 KB transferred | %.1f KB (files) + %.1f KB (data) | %s |" % (
              w["static_transfer"] / 1000, w["data_transfer"] / 1000,
              pf(w["static_transfer"] + w["data_transfer"] <= 200 * 1000)),
          "| live updates during a %s-device rollout ≤ 5%% of the server's CPU | %.2f%% (the larger of the runs "
          "with a page) | %s |" % ("{:,}".format(lv["devices"]), share, pf(share <= 5 and lv["devices"] >= 1000)), ""]
    write_section(doc, MARKS, "\n".join(L), after=AFTER)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "report":
        report(json.load(open(os.path.join(a[1], "results.json"))), facts(a[2]), a[3])
        sys.exit(0)
    work, cp = a[0], a[1]
    opt = dict(zip(a[2::2], a[3::2]))
    port = int(opt["--port"])
    # the live part's images (1 MiB payloads, versions 1.1.0, 1.2.0, ...) and the key the servers trust
    subprocess.run(["java", "-cp", cp, "dev.mote.bench.dashboard.DashboardBench", "images", work, PROFILE,
                    str(1 + 2 * int(opt["--repeats"])), str(1 << 20)], check=True)
    print("bench/dashboard: the device list at %s devices, and the page..." % opt["--devices"], file=sys.stderr)
    res = {"list": listing(work, cp, int(opt["--devices"]), port)}
    json.dump(res, open(os.path.join(work, "results.json"), "w"), indent=1)
    print("bench/dashboard: live updates during %s-device rollouts..." % opt["--rollout"], file=sys.stderr)
    res["live"] = live(work, cp, int(opt["--rollout"]), int(opt["--repeats"]), port + 2)
    json.dump(res, open(os.path.join(work, "results.json"), "w"), indent=1)
    doc = opt["--doc"]
    report(res, facts(opt["--facts"]), doc)
    print(open(doc).read().split(MARKS[0])[1].split(MARKS[1])[0])
