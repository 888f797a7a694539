"""bench/agent's measurements (bench/agent/run says what and why). Devices are QEMU processes started
with the command `mote run --flash` uses (captured by bench/lib's shim), so a power cut is a SIGKILL
of QEMU and a launch is timed from QEMU's spawn; everything else goes through `mote` itself."""
import argparse, json, os, random, re, signal, socket, struct, subprocess, sys, threading, time, urllib.request

from benchlib import MOTE, REPO, facts, inspect, qemu_cmd, run_marks, stats, with_flash, write_section

ARM, X86 = "qemu-virt-arm64", "qemu-microvm-x86_64"
MARKS = ("<!-- bench/agent: begin -->", "<!-- bench/agent: end -->")
CONNECTED = "[mote] mqtt: connected"


def say(*a):
    print("bench/agent:", *a, file=sys.stderr, flush=True)


def mote(*args, env=None, out=subprocess.DEVNULL):
    subprocess.run([MOTE] + [str(a) for a in args], cwd=REPO, check=True, stdin=subprocess.DEVNULL,
                   stdout=out, env=env, timeout=900)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`mote ota serve` and its REST API."""

    def __init__(self, work, mqtt, http):
        self.work, self.mqtt, self.http = work, mqtt, http
        self.data = os.path.join(work, "ota-data")
        log = open(os.path.join(work, "server.log"), "w")
        self.p = subprocess.Popen([MOTE, "ota", "serve", "--data", self.data, "--trust",
                                   os.path.join(work, "fleet.pub"), "--mqtt-port", str(mqtt),
                                   "--http-port", str(http)], cwd=REPO, stdout=log, stderr=log)
        for _ in range(120):
            try:
                self.token = open(os.path.join(self.data, "admin.token")).read().strip()
                self.get("api/health")
                return
            except (OSError, ValueError):
                time.sleep(0.5)
        sys.exit("bench/agent: mote ota serve did not come up (see %s/server.log)" % work)

    def call(self, method, path, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request("http://127.0.0.1:%d/%s" % (self.http, path), data=data, method=method,
                                     headers={"Authorization": "Bearer " + self.token,
                                              "Content-Type": "application/octet-stream" if raw
                                              else "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    def get(self, path):
        return self.call("GET", path)

    def upload(self, image):
        return self.call("POST", "api/images", raw=open(image, "rb").read())["sha256"]

    def rollout(self, sha, group, phases=("100%",), failure=0.99):
        spec = {"name": "bench", "image": sha, "group": group, "tag": None, "phases": list(phases),
                "maxInFlight": 100, "deadlineSeconds": 1800, "successThreshold": 0.95,
                "failureThreshold": failure}
        return self.call("POST", "api/rollouts", spec)["id"]

    def wait_rollout(self, rid, timeout=600):
        end = time.time() + timeout
        while time.time() < end:
            r = self.get("api/rollouts/%d" % rid)
            if r["state"] != "running":
                return r
            time.sleep(0.25)
        return self.get("api/rollouts/%d" % rid)

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(30)
        except subprocess.TimeoutExpired:
            self.p.kill()


class Device:
    """A QEMU device: its console lines with the time they came; power cuts are SIGKILLs."""

    def __init__(self, name, cmd, log):
        self.name, self.cmd, self.lines, self.p = name, cmd, [], None
        self.log = open(log, "a")
        self.boots = 0

    def on(self):
        self.boots += 1
        self.p = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        threading.Thread(target=self._read, args=(self.p,), daemon=True).start()
        return self

    def _read(self, p):
        for raw in p.stdout:
            s = raw.decode(errors="replace").rstrip("\n")
            self.lines.append((time.time(), s))
            self.log.write(s + "\n")

    def cut(self):
        if self.p and self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.log.write("=== power cut\n")

    def count(self, text):
        return sum(1 for _, s in list(self.lines) if text in s)

    def wait(self, text, n=1, timeout=120):
        end = time.time() + timeout
        while time.time() < end:
            if self.count(text) >= n:
                return True
            if self.p.poll() is not None:
                self.on()           # it stopped (a panic, an exit): switch it on again
            time.sleep(0.05)
        return False


def build(work, profile, version, counter, name, *defines, app="examples/telemetry"):
    out = os.path.join(work, "%s-%s-%s.img" % (name, version, profile))
    args = ["build", app, "-p", profile, "--key", os.path.join(work, "fleet.key"), "--version", version,
            "--security-counter", counter, "-o", out]
    for d in defines:
        args += ["-D", d]
    mote(*args)
    return out


def provision(work, srv, did, profile, image, group):
    flash = os.path.join(work, did + ".flash")
    mote("mkflash", "-p", profile, "--slot-a", image, "-o", flash)
    mote("ota", "provision", did, "--flash", flash, "-p", profile, "--group", group,
         "--server", "http://127.0.0.1:%d" % srv.http, "--token", srv.token)
    return flash


def capture(work, profile, flash, fwd, relay, name):
    """The QEMU command of `mote run --flash FLASH -p PROFILE --guestfwd FWD` (bench/lib's shim)."""
    argv = os.path.join(work, "argv-%s-%s" % (name, profile))
    env = dict(os.environ, MOTE_BENCH_ARGV=argv, PATH=os.path.join(work, "shim") + ":" + os.environ["PATH"],
               MOTE_GUEST_RELAY=relay)
    subprocess.run([MOTE, "run", "--flash", flash, "-p", profile, "--pub", os.path.join(work, "fleet.pub"),
                    "--guestfwd", fwd, "--timeout", "3", "--accel", "tcg"], cwd=REPO, env=env,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return open(argv).read().splitlines()


def with_mem(cmd, mem):
    cmd = list(cmd)
    cmd[cmd.index("-m") + 1] = mem
    return cmd


def shares(elf):
    """Text + read-only data of the ELF by kernel folder (nm -S -l: sizes and source files)."""
    out = subprocess.run(["nm", "-S", "-l", "--defined-only", elf], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    by = {}
    for line in out.splitlines():
        p = line.split()
        if len(p) < 4 or p[2] not in "tTrRdD":
            continue
        src = p[4] if len(p) > 4 else ""
        m = re.search(r"/kernel/([a-z]+)/", src)
        key = m.group(1) if m else ("port" if "kernel-" in src else "other")
        by[key] = by.get(key, 0) + int(p[1], 16)
    return by


def tcp_payload_from(pcap, port):
    """TCP payload bytes in a capture (pcap, Ethernet) sent from source port `port`: what the
    device's NIC received from the broker. Every segment counts, retransmissions too."""
    total = 0
    try:
        data = open(pcap, "rb").read()
    except OSError:
        return 0
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
            continue
        ihl = (frame[14] & 15) * 4
        ip_len = struct.unpack(">H", frame[16:18])[0]
        tcp = frame[14 + ihl:]
        if len(tcp) < 20 or struct.unpack(">H", tcp[0:2])[0] != port:
            continue
        total += ip_len - ihl - (tcp[12] >> 4) * 4
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("--devices", type=int, default=8)
    ap.add_argument("--cuts", type=int, default=100)
    ap.add_argument("--download-cuts", type=int, default=20)
    ap.add_argument("--launches", type=int, default=5)
    ap.add_argument("--facts")
    ap.add_argument("--doc")
    a = ap.parse_args()
    work, res = a.work, {}
    mote("keygen", "--out", os.path.join(work, "fleet"))
    mqtt, http, raw_port = free_port(), free_port(), free_port()
    say("building examples/telemetry (1.0.0, 2.0.0 and a 4 MiB one) and bench/apps/tcpget")
    v1 = {p: build(work, p, "1.0.0", 0, "telemetry") for p in (ARM, X86)}
    v2 = build(work, ARM, "2.0.0", 1, "telemetry")
    big = [build(work, ARM, "3.0.%d" % i, 1, "big", "TELEMETRY_PAD=%d" % (4194304 - i)) for i in range(2)]
    tcpget = build(work, ARM, "1.0.0", 0, "tcpget", "TCPGET_PORT=5001", app="bench/apps/tcpget")
    srv = Server(work, mqtt, http)
    try:
        # ---- 4. sizes ----
        for p in (ARM, X86):
            elf = v1[p][:-4] + ".elf"
            res.setdefault("size", {})[p] = {"loadable": inspect(v1[p])["payload_size"], "shares": shares(elf)}
        # ---- 3. launch -> CONNACK against the floor ----
        say("launch -> MQTT connected, and the empty-kernel floor")
        cmds = {}
        for p in (ARM, X86):
            flash = provision(work, srv, "launch-" + p[5:9], p, v1[p], "launch")
            floor = qemu_cmd(os.path.join(work, "argv-hello-" + p), os.path.join(work, "empty-%s.elf" % p))
            r = {"floor": [], "native": [], "socat": [], "java": []}
            for _ in range(a.launches):
                r["floor"].append(run_marks(floor, [], 30)[1])
            for relay in ("native", "socat", "java"):
                cmd = capture(work, p, flash, str(mqtt), relay, "launch")
                cmds[p] = cmd if relay == "native" else cmds.get(p, cmd)
                cmds[p, relay] = cmd
                for _ in range(a.launches):
                    seen = run_marks(cmd, [CONNECTED], 60, kill_on=CONNECTED)[0]
                    if CONNECTED in seen:
                        r[relay].append(seen[CONNECTED])
            res.setdefault("launch", {})[p] = {k: stats(v) for k, v in r.items() if v}
            # ---- 5. the smallest RAM that connects ----
            lo, hi = 1024, 8192           # KiB
            while hi - lo > 256:
                mid = (lo + hi) // 2 // 256 * 256
                seen = run_marks(with_mem(cmds[p], "%dK" % mid), [CONNECTED], 40, kill_on=CONNECTED)[0]
                lo, hi = (lo, mid) if CONNECTED in seen else (mid, hi)
            res.setdefault("ram", {})[p] = hi
        # ---- 1. OTA download rate beside raw TCP on the same path, through each relay ----
        say("download rate: raw TCP through guestfwd, then the OTA agent (native relay, JVM relay, socat)")
        tflash = os.path.join(work, "tcpget.flash")
        mote("mkflash", "-p", ARM, "--slot-a", tcpget, "-o", tflash)
        # captured before anything listens on raw_port: capturing boots the board for a moment
        tcmds = {relay: capture(work, ARM, tflash, "5001:%d" % raw_port, relay, "tcpget-" + relay)
                 for relay in ("native", "java", "socat")}
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", raw_port))
        ls.listen(1)

        def send():
            c, _ = ls.accept()
            chunk = b"\x5a" * 65536
            for _ in range(64):
                c.sendall(chunk)
            time.sleep(5)
            c.close()
        sha = srv.upload(big[0])
        res["download"] = {}
        for relay in ("native", "java", "socat"):
            threading.Thread(target=send, daemon=True).start()
            out = run_marks(tcmds[relay], [], 60)[3]
            m = re.search(r"tcpget: (\d+) bytes in (\d+) us", out)
            raw = int(m.group(1)) / (int(m.group(2)) / 1e6) if m else None
            flash = provision(work, srv, "dl-" + relay, ARM, v1[ARM], "dl-" + relay)
            d = Device("dl-" + relay, with_flash(cmds[ARM, relay], flash),
                       os.path.join(work, "dl-%s.console" % relay)).on()
            d.wait(CONNECTED)
            srv.wait_rollout(srv.rollout(sha, "dl-" + relay))
            m = re.search(r"all (\d+) bytes in slot . after (\d+) ms", "\n".join(s for _, s in d.lines))
            ota = int(m.group(1)) / (int(m.group(2)) / 1e3) if m else None
            d.cut()
            res["download"][relay] = {"raw": raw, "ota": ota}
        # ---- 7. one download cut N times, every cut inside the download ----
        # Each cut comes once the device's NIC has received a random 16-160 KiB more since it
        # connected again (its capture file's growth, read without a request: polling the
        # server's counters overshot by ~100 KiB at 10 MB/s and the download finished after 13
        # of 20 cuts). Counted twice: what reached the device (its NIC's frames, captured per
        # boot by QEMU's filter-dump, as `mote run --pcap` does) and what the server sent.
        say("a download cut %d times" % a.download_cuts)
        flash = provision(work, srv, "dcut", ARM, v1[ARM], "dcut")
        base = with_flash(cmds[ARM], flash)
        d = Device("dcut", base, os.path.join(work, "dcut.console"))
        boots = []

        def boot():
            boots.append(os.path.join(work, "dcut-%d.pcap" % len(boots)))
            d.cmd = base + ["-object", "filter-dump,id=dump0,netdev=net0,file=" + boots[-1]]
            d.on()

        def captured():
            try:
                return os.path.getsize(boots[-1])
            except OSError:
                return 0
        boot()
        d.wait(CONNECTED)
        before = srv.get("api/stats")["bytesOut"]
        rid = srv.rollout(srv.upload(big[1]), "dcut")
        d.wait("downloading into slot")
        cuts = 0
        for i in range(a.download_cuts):
            mark = captured() + random.randint(16, 160) * 1024
            end = time.time() + 60
            while captured() < mark and time.time() < end and not d.count("; checking them"):
                time.sleep(0.0005)
            if d.count("; checking them"):
                break               # finished before this cut
            d.cut()
            cuts += 1
            boot()
            d.wait(CONNECTED, i + 2)
        r = srv.wait_rollout(rid)
        sent = srv.get("api/stats")["bytesOut"] - before
        d.cut()
        received = sum(tcp_payload_from(f, mqtt) for f in boots)
        res["dcuts"] = {"cuts": cuts, "sent": sent, "received": received, "size": os.path.getsize(big[1]),
                        "state": r["state"]}
        # ---- 6. power cuts at random points of whole updates ----
        say("%d power cuts at random points of whole updates" % a.cuts)
        flash = provision(work, srv, "cut", ARM, v1[ARM], "cut")
        d = Device("cut", with_flash(cmds[ARM], flash), os.path.join(work, "cut.console")).on()
        d.wait(CONNECTED)
        images = [build(work, ARM, "5.0.%d" % i, 1, "cut", "TELEMETRY_PAD=%d" % (1048576 - i)) for i in range(2)]
        shas = [srv.upload(x) for x in images]
        versions, unbootable, wrong, current = ["5.0.0", "5.0.1"], 0, 0, "1.0.0"
        t0 = time.time()
        srv.wait_rollout(srv.rollout(shas[0], "cut"))   # an uncut update: how long one takes
        whole = time.time() - t0
        current = srv.get("api/devices/cut")["version"]
        for i in range(a.cuts):
            new = versions[(i + 1) % 2]
            rid = srv.rollout(shas[(i + 1) % 2], "cut")
            time.sleep(random.uniform(0, whole))
            d.cut()
            d.on()
            d.wait(CONNECTED, timeout=120)
            r = srv.wait_rollout(rid, 300)
            booted = [s for _, s in d.lines if s.startswith("[boot]")]
            if any("no bootable image" in s for s in booted):
                unbootable += 1
            now = srv.get("api/devices/cut")["version"]
            if now not in (current, new):
                wrong += 1
            current = now
        res["cuts"] = {"cuts": a.cuts, "unbootable": unbootable, "wrong": wrong, "whole_s": whole}
        d.cut()
        # ---- 2. N devices, one rollout ----
        say("%d devices, one rollout" % a.devices)
        fleet = []
        for i in range(a.devices):
            flash = provision(work, srv, "fleet-%02d" % i, ARM, v1[ARM], "fleet")
            fleet.append(Device("fleet-%02d" % i, with_flash(cmds[ARM], flash),
                                os.path.join(work, "fleet-%02d.console" % i)).on())
        for f in fleet:
            f.wait(CONNECTED, timeout=300)
        cpu0 = srv.get("api/stats").get("cpuSeconds", 0)
        t0 = time.time()
        r = srv.wait_rollout(srv.rollout(srv.upload(v2), "fleet"), 900)
        res["fleet"] = {"devices": a.devices, "seconds": time.time() - t0, "confirmed": r["counts"]["confirmed"],
                        "cpu": srv.get("api/stats").get("cpuSeconds", 0) - cpu0, "state": r["state"]}
        for f in fleet:
            f.cut()
    finally:
        srv.stop()
    json.dump(res, open(os.path.join(work, "results.json"), "w"), indent=1)
    report(res, facts(a.facts), a.doc)


def report(res, f, doc):
    kib = lambda n: "%.1f KiB" % (n / 1024)
    lines = ["## Device OTA agent (bench/agent)", "",
             "Produced by `%s` on %s (%s cores, %s; %s; load %s). QEMU TCG, examples/telemetry, "
             "`mote ota serve` with its embedded broker." % (f["command"], f["date"], f["nproc"], f["cpu"],
                                                              f["qemu"], f["load"]), "",
             "| | qemu-virt-arm64 | qemu-microvm-x86_64 | target |", "|---|---|---|---|"]
    s = res["size"]
    lines.append("| telemetry loadable | %s | %s | ≤ 96 KiB |" % (kib(s[ARM]["loadable"]), kib(s[X86]["loadable"])))
    for part in ("ota", "mqtt", "net"):
        lines.append("| of which kernel/%s | %s | %s | |" % (part, kib(s[ARM]["shares"].get(part, 0)),
                                                           kib(s[X86]["shares"].get(part, 0))))
    lines.append("| smallest RAM that connects | %d KiB | %d KiB | runs in 4 MiB |" % (res["ram"][ARM], res["ram"][X86]))
    for relay in ("native", "socat", "java"):
        cells = []
        for p in (ARM, X86):
            l = res["launch"][p]
            cells.append("%.0f ms (%.1f× the floor's %.0f ms)" % (l[relay]["median"] * 1e3, l[relay]["median"]
                                                                 / l["floor"]["median"], l["floor"]["median"] * 1e3)
                         if relay in l else "-")
        lines.append("| launch → MQTT connected, %s relay (median) | %s | %s | ≤ 3× |" % (relay, cells[0], cells[1]))
    for relay, dl in res["download"].items():
        lines.append("| one device's OTA download / raw TCP, same path (%s relay) | %s / %s (%s) | | ≥ 50%% |" % (
            relay, "%.1f MB/s" % (dl["ota"] / 1e6) if dl["ota"] else "-",
            "%.1f MB/s" % (dl["raw"] / 1e6) if dl["raw"] else "-",
            "%.0f%%" % (100 * dl["ota"] / dl["raw"]) if dl["ota"] and dl["raw"] else "-"))
    c = res["dcuts"]
    lines.append("| bytes the device received across a 4 MiB download cut %d times | %.2f× the image | | ≤ 1.1× |"
                 % (c["cuts"], c["received"] / c["size"]))
    lines.append("| bytes the server sent for it | %.2f× the image | | |" % (c["sent"] / c["size"]))
    c = res["cuts"]
    lines.append("| %d power cuts at random points of whole updates | %d unbootable, %d on a wrong version | | 0, 0 |"
                 % (c["cuts"], c["unbootable"], c["wrong"]))
    fl = res["fleet"]
    lines.append("| %d devices, one rollout: all confirmed after | %.0f s (%d confirmed), server CPU %.1f s | | |" % (
        fl["devices"], fl["seconds"], fl["confirmed"], fl["cpu"]))
    block = "\n".join(lines) + "\n\n"
    print(block)
    if doc:
        write_section(doc, MARKS, block)


if __name__ == "__main__":
    main()
