#!/usr/bin/env python3
"""bench/flash's measuring half: `mote flash` into a flash file beside dd + cmp, `mote flash` over
TCP into an emulated board in recovery mode beside a raw byte copy through the same QEMU serial
socket, and the reports (docs/BENCHMARKS.md: the block/file path between the bench/flash-block markers,
the links between the bench/flash ones; and stdout).

    flash.py block OUT.json --runs N --floor-cp CLASSPATH --case LABEL IMG BLANK [--case ...]
    flash.py link OUT.json --runs N --port P IMG BLANK SINK_IMG SINK_BYTES
    flash.py link-pty OUT.json --runs N ARGV IMG BLANK SINK_FLASH SINK_BYTES
    flash.py report-block BLOCK.json JVM-1M.json JVM-7M.json FACTS DOC
    flash.py report LINK.json FACTS DOC [PTY.json]
    flash.py codepad ELF N OUT.inc    (bench/apps/codepad's pad: ELF's .text repeated to N bytes)

BLANK: a blank flash file (mote mkflash) copied, untimed, to a fresh target before every timed
command. SINK_IMG: bench/apps/uartsink built with -D SINK_BYTES=SINK_BYTES; SINK_FLASH: a flash holding it.
ARGV: the QEMU command `mote run --serial-tcp` used, one argument a line (bench/lib/bench.sh,
bench_shim); only -serial (-> pty) and the -drive file= are replaced. CLASSPATH: where
dev.mote.bench.flash.Hello is, the JVM's floor.
Only 127.0.0.1; every QEMU (`mote run`) gets --timeout and is killed by its process group."""
import json, os, re, select, shlex, shutil, signal, socket, subprocess, sys, threading, time, tty

from benchlib import MOTE, REPO, facts, inspect, partition, stats, with_flash, write_section

MARK_BEGIN, MARK_END = "<!-- bench/flash begin -->", "<!-- bench/flash end -->"
QEMU_TIMEOUT = 120
PROFILE = "qemu-virt-arm64"


def timed(cmd, timeout=300, env=None):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout, env=env)
    t = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("bench/flash: %s: status %d:\n%s" % (shlex.join(cmd), p.returncode, p.stdout.decode()[-3000:]))
    return t, p.stdout.decode(errors="replace")


def events(out):
    return [json.loads(l[l.index("{"):]) for l in out.splitlines() if "{" in l]


BLOCK_VARIANTS = ["mote", "mote_nocds", "dd"]     # dd: dd then cmp


def block(out_path, runs, cases, floor_cp):
    """Per run and case, in an order rotated run by run: `mote flash` (as ./mote runs it, with its
    class-data archive), the same with MOTE_NO_CDS=1, and dd then cmp; and once per run the JVM
    floor, a hello-world main (`java -Xshare:auto -cp ... dev.mote.bench.flash.Hello`)."""
    res = {"runs": runs, "cases": {}, "floor": [],
           "floor_cmd": ["java", "-Xshare:auto", "-cp", floor_cp, "dev.mote.bench.flash.Hello"]}
    slot_a = partition(PROFILE, "slot_a")["offset"]     # where a blank target's image goes
    work = os.path.dirname(os.path.abspath(out_path))
    nocds = dict(os.environ, MOTE_NO_CDS="1")
    for label, img, blank in cases:
        size = os.path.getsize(img)
        tgt, tgt2 = os.path.join(work, "t-mote-%s.bin" % label), os.path.join(work, "t-dd-%s.bin" % label)
        res["cases"][label] = {
            "bytes": size, "samples": {k: [] for k in ("mote", "mote_inproc", "mote_nocds", "mote_nocds_inproc",
                                                       "dd", "cmp", "ddcmp")},
            "cmd": {"mote": [MOTE, "flash", img, "--target", tgt, "--json"],
                    "dd": ["dd", "if=" + img, "of=" + tgt2, "bs=64K", "seek=1", "conv=notrunc,fsync"],
                    "cmp": ["cmp", "-n", str(size), img, tgt2, "0", str(slot_a)]}}
    for i in range(runs):
        for label, c in res["cases"].items():
            k = i % len(BLOCK_VARIANTS)
            for v in BLOCK_VARIANTS[k:] + BLOCK_VARIANTS[:k]:
                s, cmd = c["samples"], c["cmd"]
                if v in ("mote", "mote_nocds"):
                    for _ in range(3):       # a sample in which ./mote rebuilt its jars (someone edited
                        shutil.copyfile(blank_of(cases, label), cmd["mote"][4])   # the sources) is redone
                        os.sync()
                        t, out = timed(cmd["mote"], env=nocds if v == "mote_nocds" else None)
                        if "mote: building" not in out:
                            break
                        res["rebuilds"] = res.get("rebuilds", 0) + 1
                        shutil.copyfile(blank_of(cases, label), cmd["mote"][4])   # after a build: warm up again
                        timed(cmd["mote"])
                    done = [e for e in events(out) if e["event"] == "done"]
                    if not done or done[0]["skipped"] != 0:
                        sys.exit("bench/flash: mote flash: no done event, or chunks skipped:\n" + out)
                    s[v].append(t)
                    s[v + "_inproc"].append(done[0]["seconds"])
                else:
                    tgt2 = cmd["dd"][2][3:]
                    shutil.copyfile(blank_of(cases, label), tgt2)
                    os.sync()
                    td, _ = timed(cmd["dd"])
                    tc, _ = timed(cmd["cmp"])
                    s["dd"].append(td)
                    s["cmp"].append(tc)
                    s["ddcmp"].append(td + tc)
        t, _ = timed(res["floor_cmd"])
        res["floor"].append(t)
        print("bench/flash: block run %d/%d done" % (i + 1, runs), file=sys.stderr)
    for c in res["cases"].values():
        c["stats"] = {k: stats(v) for k, v in c["samples"].items()}
    res["floor_stats"] = stats(res["floor"])
    json.dump(res, open(out_path, "w"), indent=1)


def blank_of(cases, label):
    return [b for l, _, b in cases if l == label][0]


def start_board(args, port, log):
    """`mote run ARGS --serial-tcp PORT --timeout 120` in its own process group; returns once the
    port accepts a connection (the probe connection is closed again)."""
    p = subprocess.Popen([MOTE, "run"] + args + ["--serial-tcp", str(port), "--timeout", str(QEMU_TIMEOUT)],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    t0 = time.time()
    while time.time() - t0 < 60:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return p
        except OSError:
            if p.poll() is not None:
                sys.exit("bench/flash: mote run exited (%d) before its port accepted" % p.returncode)
            time.sleep(0.05)
    stop(p)
    sys.exit("bench/flash: port %d never accepted" % port)


def stop(p, wait=0):
    try:
        p.wait(wait)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def timed_flash(cmd):
    """Runs a `mote flash ... --json` whose board is up: (whole command s, connected -> done s, the
    done event), each event timestamped as its line is read from the pipe; None if ./mote rebuilt
    its jars meanwhile (the sample is redone)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen, out = {}, []
    for line in p.stdout:
        now = time.perf_counter() - t0
        s = line.decode(errors="replace")
        out.append(s)
        if "{" in s:
            e = json.loads(s[s.index("{"):])
            seen.setdefault(e["event"], (now, e))
    rc = p.wait(QEMU_TIMEOUT)
    t_all = time.perf_counter() - t0
    if "mote: building" in "".join(out):
        return None                                   # ./mote rebuilt its jars meanwhile: redo
    if rc != 0 or "done" not in seen or "connected" not in seen:
        sys.exit("bench/flash: %s: status %d:\n%s" % (shlex.join(cmd), rc, "".join(out)))
    return t_all, seen["done"][0] - seen["connected"][0], seen["done"][1]


def link_flash(img, blank, port, work, extra=()):
    """One `mote flash IMG --target tcp: [EXTRA]` into a blank board: (whole command s, connected->done
    s, done event). Event lines are timestamped as they are read from the pipe."""
    flash = os.path.join(work, "board.bin")
    shutil.copyfile(blank, flash)
    log = open(os.path.join(work, "board-%d.log" % port), "wb")
    board = start_board(["--flash", flash, "-p", PROFILE], port, log)
    try:
        cmd = [MOTE, "flash", img, "--target", "tcp:127.0.0.1:%d" % port, "--json"] + list(extra)
        r = timed_flash(cmd)
        return r and r + ({"cmd": cmd},)
    finally:
        stop(board, wait=5)
        log.close()


def link_raw(sink_img, n, port, work):
    """N bytes (no 0x00, no '!') through the same QEMU serial socket into bench/apps/uartsink:
    (host s from the first byte sent to the "uartsink done" line, the guest's own ms)."""
    log = open(os.path.join(work, "sink-%d.log" % port), "wb")
    board = start_board([sink_img], port, log)
    try:
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.settimeout(0.2)
        buf, t_hs = b"", time.time()
        while b"uartsink ready" not in buf:               # handshake: '!' every 200 ms until "ready"
            if time.time() - t_hs > 60:
                sys.exit("bench/flash: uartsink never said ready: %r" % buf)
            s.sendall(b"!")
            try:
                buf += s.recv(4096)
            except socket.timeout:
                pass
        while not buf.endswith(b"\n"):
            buf += s.recv(4096)
        pattern = bytes(b for b in range(1, 256) if b != ord("!"))
        data = (pattern * (n // len(pattern) + 1))[:n]
        s.settimeout(QEMU_TIMEOUT)
        t0 = time.perf_counter()
        s.sendall(data)
        buf = b""
        while not (b"uartsink done" in buf and buf.endswith(b"\n")):
            d = s.recv(4096)
            if not d:
                sys.exit("bench/flash: uartsink: connection closed: %r" % buf)
            buf += d
        t = time.perf_counter() - t0
        s.close()
        line = buf.decode(errors="replace").split("uartsink done:")[1].strip()
        got, guest_ms = int(line.split()[0]), float(line.split()[3])
        if got != n:
            sys.exit("bench/flash: uartsink counted %d of %d bytes" % (got, n))
        return t, guest_ms / 1e3
    finally:
        stop(board, wait=5)
        log.close()


LINK_VARIANTS = {"mote": [], "mote_nz": ["--no-compress"]}   # mote flash as it is, and uncompressed


def link_samples():
    s = {"raw": [], "raw_guest": []}
    for v in LINK_VARIANTS:
        for k in ("", "_xfer", "_wire", "_retx", "_frames", "_zframes", "_image", "_payload"):
            s[v + k] = []
    return s


def add_flash_sample(s, v, t_all, t_x, done):
    s[v].append(t_all)
    s[v + "_xfer"].append(t_x)
    s[v + "_wire"].append(done["wire_bytes"])
    s[v + "_retx"].append(done["retransmitted_frames"])
    s[v + "_frames"].append(done.get("data_frames", 0))
    s[v + "_zframes"].append(done.get("compressed_frames", 0))
    s[v + "_image"].append(done.get("data_image_bytes", 0))
    s[v + "_payload"].append(done.get("data_payload_bytes", 0))


def next_free(port):
    """PORT or the first port above it that nothing on 127.0.0.1 holds: another program's many
    connections (a load test) can hold loopback ports anywhere in the ephemeral range."""
    while True:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                port += 1


def rotated(i):
    """The variants of run i, the order rotated run by run (so none always goes first)."""
    order = list(LINK_VARIANTS) + ["raw"]
    return order[i % len(order):] + order[:i % len(order)]


def link_runs(out_path, runs, what, n, flash_one, raw_one):
    """RUNS runs of the link variants, interleaved (order rotated run by run), into OUT_PATH:
    flash_one(run, slot, attempt, extra) -> (whole s, transfer s, done event, {command lines})
    or None when ./mote rebuilt its jars meanwhile; raw_one(run, slot) -> (host s, guest s)."""
    s, info = link_samples(), None
    for i in range(runs):
        for j, v in enumerate(rotated(i)):
            if v != "raw":
                r = None
                for k in range(3):
                    r = flash_one(i, j, k, LINK_VARIANTS[v])
                    if r:
                        break
                if not r:
                    sys.exit("bench/flash: ./mote rebuilt its jars three times in a row")
                t_all, t_x, done, cmds = r
                info = info or cmds
                add_flash_sample(s, v, t_all, t_x, done)
            else:
                t, g = raw_one(i, j)
                s["raw"].append(t)
                s["raw_guest"].append(g)
        print("bench/flash: %s run %d/%d done" % (what, i + 1, runs), file=sys.stderr)
    res = {"runs": runs, "bytes": n, "samples": s, "stats": {k: stats(v) for k, v in s.items()}, **info}
    json.dump(res, open(out_path, "w"), indent=1)


def link(out_path, runs, port, img, blank, sink_img, sink_bytes):
    work = os.path.dirname(os.path.abspath(out_path))
    n = os.path.getsize(img)
    assert n == sink_bytes, "the sink must count the image's size"
    fresh = lambda i, j: next_free(port + 3 * i + j)      # a fresh port each run
    link_runs(out_path, runs, "link", n,
              lambda i, j, k, extra: link_flash(img, blank, next_free(fresh(i, j) + 100 * k), work, extra),
              lambda i, j: link_raw(sink_img, n, fresh(i, j), work))


def pty_board(argv, flash, log, timeout=QEMU_TIMEOUT):
    """QEMU with the arguments `mote run` gave it (argv: captured by bench/flash's PATH shim), its
    -serial tcp:... replaced by pty and its -drive file= by flash, in its own process group and
    killed after timeout. Returns (process, /dev/pts/N), once QEMU has said which pty it made."""
    cmd = open(argv).read().splitlines()
    cmd[cmd.index("-serial") + 1] = "pty"
    cmd = with_flash(cmd, flash)
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    def kill():
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    timer = threading.Timer(timeout, kill)
    timer.daemon = True
    timer.start()
    line = p.stdout.readline().decode(errors="replace")
    log.write(line.encode())
    m = re.search(r"(/dev/pts/\d+)", line)
    if not m:
        stop(p)
        sys.exit("bench/flash: QEMU did not say which pty: %r" % line)
    return p, m.group(1), cmd


def link_flash_pty(img, blank, argv, work, extra=()):
    flash = os.path.join(work, "board-pty.bin")
    shutil.copyfile(blank, flash)
    log = open(os.path.join(work, "board-pty.log"), "ab")
    board, pts, qcmd = pty_board(argv, flash, log)
    try:
        cmd = [MOTE, "flash", img, "--target", "serial:" + pts, "--json"] + list(extra)
        r = timed_flash(cmd)
        return r and r + ({"cmd": cmd, "qemu": qcmd},)
    finally:
        stop(board, wait=5)
        log.close()


def link_raw_pty(sink_flash, n, argv, work):
    flash = os.path.join(work, "sink-pty.bin")
    shutil.copyfile(sink_flash, flash)
    log = open(os.path.join(work, "sink-pty.log"), "ab")
    board, pts, _ = pty_board(argv, flash, log)
    fd = os.open(pts, os.O_RDWR | os.O_NOCTTY)
    try:
        tty.setraw(fd)
        def recv(t):
            r, _, _ = select.select([fd], [], [], t)
            return os.read(fd, 4096) if r else b""
        buf, t_hs = b"", time.time()
        while b"uartsink ready" not in buf:
            if time.time() - t_hs > 60:
                sys.exit("bench/flash: uartsink (pty) never said ready: %r" % buf)
            os.write(fd, b"!")
            buf += recv(0.2)
        while not buf.endswith(b"\n"):
            buf += recv(5)
        pattern = bytes(b for b in range(1, 256) if b != ord("!"))
        data = memoryview((pattern * (n // len(pattern) + 1))[:n])
        t0 = time.perf_counter()
        buf, sent = b"", 0
        while not (b"uartsink done" in buf and buf.endswith(b"\n")):
            if time.perf_counter() - t0 > QEMU_TIMEOUT:
                sys.exit("bench/flash: uartsink (pty): timed out: %r" % buf[-200:])
            r, w, _ = select.select([fd], [fd] if sent < n else [], [], 1)
            if w:
                sent += os.write(fd, data[sent:sent + 4096])
            if r:
                buf += os.read(fd, 4096)
        t = time.perf_counter() - t0
        line = buf.decode(errors="replace").split("uartsink done:")[1].strip()
        got, guest_ms = int(line.split()[0]), float(line.split()[3])
        if got != n:
            sys.exit("bench/flash: uartsink (pty) counted %d of %d bytes" % (got, n))
        return t, guest_ms / 1e3
    finally:
        os.close(fd)
        stop(board, wait=5)
        log.close()


def link_pty(out_path, runs, argv, img, blank, sink_flash, sink_bytes):
    work = os.path.dirname(os.path.abspath(out_path))
    n = os.path.getsize(img)
    assert n == sink_bytes, "the sink must count the image's size"
    link_runs(out_path, runs, "pty link", n,
              lambda i, j, k, extra: link_flash_pty(img, blank, argv, work, extra),
              lambda i, j: link_raw_pty(sink_flash, n, argv, work))


BLOCK_BEGIN, BLOCK_END = "<!-- bench/flash-block begin -->", "<!-- bench/flash-block end -->"


def report_block(block_json, jvm1, jvm7, facts_path, doc):
    """The block/file path's section (bench/flash-block begin/end, placed before the links' one)."""
    b = json.load(open(block_json))
    jvm = {}
    for label, path in zip(b["cases"], [jvm1, jvm7]):   # FlashBench: BlockTarget.flash() in one JVM
        j = json.load(open(path))
        jvm[label] = {"cold": j["cold"], "warm": stats(j["warm"])}
    f = facts(facts_path)
    ms = lambda v: "%.1f s" % v if v >= 1 else "%.0f ms" % (v * 1e3) if v >= 0.1 else "%.1f ms" % (v * 1e3)
    rng = lambda st: "%s (%s–%s)" % (ms(st["median"]), ms(st["min"]), ms(st["max"]))
    mib = lambda n: "%.2f MiB" % (n / 1048576)
    pf = lambda ok: "PASS" if ok else "**MISS**"
    short = lambda cmd: shlex.join(cmd).replace(REPO + "/", "").replace(f["work"], "$WORK")
    fl = b["floor_stats"]["median"]
    L = ["## Flashing: block/file path (bench/flash)", "",
         "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s. Every number below comes from that one run; "
         "times are median (min–max). The host was shared: load average %s when the run ended."
         % (f["command"], f["date"], f["nproc"], f["cpu"], f["java"], f.get("load", "?")), "",
         "Target (issue 4): block write+verify ≤ 1.2× `dd` + `cmp` of the same image to the same offset of the "
         "same kind of file. Three ways to time the `mote flash` side, each against the same dd + cmp:", "",
         "| image | `mote flash` measured as | time | dd + cmp | ratio | ≤ 1.2× |", "|---|---|---|---|---|---|"]
    for label, c in b["cases"].items():
        st = c["stats"]
        d = st["ddcmp"]["median"]
        for what, t in (("whole `./mote flash` command (JVM start-up included)", st["mote"]["median"]),
                        ("in-process, cold JVM: that command's `flash()` call", st["mote_inproc"]["median"]),
                        ("in-process, warm JVM: `flash()` in a JVM that ran it before",
                         jvm[label]["warm"]["median"])):
            L.append("| %s | %s | %s | %s | %.2f× | %s |" % (label, what, ms(t), ms(d), t / d, pf(t / d <= 1.2)))
    d1 = min(c["stats"]["ddcmp"]["median"] for c in b["cases"].values())
    d7 = max(c["stats"]["ddcmp"]["median"] for c in b["cases"].values())
    L += ["", "The whole command cannot meet the target while it is a JVM: starting one that runs a hello-world "
          "main (`java -Xshare:auto -cp ... dev.mote.bench.flash.Hello`) takes %s here, by itself %.1f× to %.1f× dd + cmp for these "
          "images; the in-process cold figure is the flasher's classes being loaded and JIT-compiled on first "
          "use, SHA-256 included (the JDK hashes with the CPU's SHA instructions only once C2 has compiled it)."
          % (rng(b["floor_stats"]), fl / d7, fl / d1), "",
          "### Whole command and in-process", "",
          "%d runs of each, interleaved (order rotated run by run). Before every timed command the target is a "
          "fresh copy of a blank 16 MiB flash file (`mote mkflash -p %s`), made untimed and followed by `sync`, "
          "so nothing is skipped as already written and both sides write the same bytes at the same offset (slot "
          "A, 64 KiB) of the same kind of file (regular files in $WORK, on %s). *In-process* is the `seconds` "
          "of the command's `--json` `done` event: the whole `flash()` call, reading and verifying the image "
          "included, JVM start-up, argument parsing and loading the profiles and keys not. *No archive* is the "
          "same command with `MOTE_NO_CDS=1`: without the class-data archive the build leaves beside each jar "
          "(docs/flasher.md, Speed). dd + cmp is the two commands' wall times added."
          % (b["runs"], PROFILE, f["workfs"]), "",
          "| image | `mote flash` | in-process | no archive | in-process | dd | cmp | dd + cmp | whole / (dd+cmp) "
          "| in-process / (dd+cmp) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for label, c in b["cases"].items():
        st = c["stats"]
        d = st["ddcmp"]["median"]
        L.append("| %s (%s) | %s | %s | %s | %s | %s | %s | %s | %.2f× | %.2f× |" % (
            label, mib(c["bytes"]), rng(st["mote"]), rng(st["mote_inproc"]), rng(st["mote_nocds"]),
            rng(st["mote_nocds_inproc"]), rng(st["dd"]), rng(st["cmp"]), rng(st["ddcmp"]),
            st["mote"]["median"] / d, st["mote_inproc"]["median"] / d))
    L += ["", "JVM floor, once per run, interleaved with the above: `%s` %s." % (short(b["floor_cmd"]),
                                                                             rng(b["floor_stats"])),
          "", "### In one warm JVM", "",
          "FlashBench (bench/src; `java -cp flasher/target/mote-flasher.jar:bench/target/mote-bench.jar:...`): "
          "`new BlockTarget(target, "
          "profile).flash(image, keys, FlashListener.NONE)` into a fresh copy of the blank flash (copied and "
          "synced untimed, as above), 20 warm-up calls (a 7 MiB flash is not at its steady speed after 5: the "
          "JIT and the heap's first pass over fresh memory) then %d timed, after the runs above (so not "
          "interleaved with dd); the first call is the cold one." % len(json.load(open(jvm1))["warm"]), "",
          "| image | first call (cold) | warm calls | warm / (dd+cmp) |", "|---|---|---|---|"]
    for label, c in b["cases"].items():
        L.append("| %s | %s | %s | %.2f× |" % (label, ms(jvm[label]["cold"]), rng(jvm[label]["warm"]),
                                              jvm[label]["warm"]["median"] / c["stats"]["ddcmp"]["median"]))
    L += ["", "What the two sides do differs beyond the copy: `mote flash` reads the image and verifies it "
          "(structure, Ed25519 signature, SHA-256 of the payload) before writing anything, reads the target's "
          "boot-state record and slot headers, compares the slot with the image to skip chunks already there, "
          "writes, fsyncs while reading the written chunks back and comparing, then writes the 64-byte "
          "boot-state record, fsyncs again and reads it back (docs/flasher.md); dd + cmp only copy, fsync and "
          "compare. For a flash file the reads are not O_DIRECT (`direct_read_back`: false), so, like cmp's, "
          "they are served from the page cache.", "", "### Command lines", ""]
    for label, c in b["cases"].items():
        for v in ("mote", "dd", "cmp"):
            L.append("- %s, %s: `%s`" % (label, v, short(c["cmd"][v])))
    L.append("- `$WORK` is a temporary directory. Samples in which `./mote` rebuilt its jars (other work was "
             "editing the sources meanwhile) were redone: %d in this run." % b.get("rebuilds", 0))
    txt = "\n".join(L) + "\n"
    write_section(doc, (BLOCK_BEGIN, BLOCK_END), txt, before=MARK_BEGIN)
    print(txt)


def paired(d, k):
    """The median over runs of raw time / flash time within each run, as a percentage."""
    r = [raw / t for raw, t in zip(d["samples"]["raw"], d["samples"][k])]
    return "%.0f%%" % (100 * stats(r)["median"])


def link_rows(d, rate, rng, mib, how):
    """The rows and the closing line of one link's table: compressed, --no-compress, raw."""
    st, n = d["stats"], d["bytes"]
    med = lambda k: st[k]["median"]
    z = sum(d["samples"]["mote_payload"]) / max(1, sum(d["samples"]["mote_image"]))
    rows = ["| | time | rate |", "|---|---|---|",
            "| `mote flash` whole command (JVM start-up, image check, connect included) | %s | %s |" % (
                rng(st["mote"]), rate(n, med("mote"))),
            "| `mote flash` transfer, `connected` → `done` (LZ4, the default) | %s | **%s** effective |" % (
                rng(st["mote_xfer"]), rate(n, med("mote_xfer"))),
            "| `mote flash --no-compress` transfer, `connected` → `done` | %s | **%s** effective |" % (
                rng(st["mote_nz_xfer"]), rate(n, med("mote_nz_xfer"))),
            "| raw copy, first byte %s → `done` line (host) | %s | **%s** raw |" % (
                how, rng(st["raw"]), rate(n, med("raw"))),
            "| raw copy, the guest's own clock (first byte read → last) | %s | %s |" % (
                rng(st["raw_guest"]), rate(n, med("raw_guest"))), "",
            "Effective / raw: **%.0f%%** with compression, **%.0f%%** without (`--no-compress`); run by run "
            "(each flash against the raw copy of the same run, which ran next to it) the median ratios are %s "
            "and %s. Compressed: "
            "%d of %d DATA frames went compressed, their payloads %.1f%% of the image bytes they carry, %s on "
            "the wire in all; uncompressed: %s on the wire (framing, COBS, CRC). Retransmitted frames: %d and %d "
            "(medians)." % (100 * med("raw") / med("mote_xfer"), 100 * med("raw") / med("mote_nz_xfer"),
                            paired(d, "mote_xfer"), paired(d, "mote_nz_xfer"),
                            med("mote_zframes"), med("mote_frames"), 100 * z, mib(med("mote_wire")),
                            mib(med("mote_nz_wire")), med("mote_retx"), med("mote_nz_retx")), ""]
    return rows


def report(link_json, facts_path, doc, pty_json=None):
    """The links' section (bench/flash begin/end); the block/file path has its own (report_block)."""
    l = json.load(open(link_json))
    pt = json.load(open(pty_json)) if pty_json and os.path.exists(pty_json) else None
    f = facts(facts_path)
    ms = lambda v: "%.1f s" % v if v >= 1 else "%.0f ms" % (v * 1e3) if v >= 0.1 else "%.1f ms" % (v * 1e3)
    rng = lambda st, fmt=ms: "%s (%s–%s)" % (fmt(st["median"]), fmt(st["min"]), fmt(st["max"]))
    mib = lambda n: "%.2f MiB" % (n / 1048576)
    rate = lambda n, t: "%.1f MB/s" % (n / t / 1e6) if n / t >= 1e6 else "%.0f KB/s" % (n / t / 1e3)
    pf = lambda ok: "PASS" if ok else "**MISS**"
    ratio = lambda d, k: d["stats"]["raw"]["median"] / d["stats"][k]["median"]
    def short(cmd):
        return shlex.join(cmd).replace(REPO + "/", "").replace(f["work"], "$WORK")
    L = ["## Flashing over a link: TCP and serial (bench/flash)", "",
         "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s; %s. Every number below comes from "
         "that one run; times are median (min–max). The host was shared: load average %s when the run "
         "ended, so the QEMU (TCG) link numbers carry that noise." % (f["command"], f["date"], f["nproc"], f["cpu"],
                                                                     f["qemu"], f["java"], f.get("load", "?")),
         "", "The image: %s, %s. Its pad is real machine code, not bench/apps/pad's 0xa5 bytes (which LZ4 "
         "would shrink to almost nothing): %s. The flasher compresses each DATA frame on its own (LZ4 HC, 4 KiB "
         "of image per frame) and sends a frame as it is when that is not smaller; this image's DATA payloads "
         "come to %.1f%% of its bytes. Effective = image bytes / transfer time, so compression counts (as in the "
         "issue's esptool figure); the uncompressed ratio is reported beside it."
         % (f.get("link_image", "?"), mib(l["bytes"]), f.get("link_pad", "?"),
            100 * sum(l["samples"]["mote_payload"]) / max(1, sum(l["samples"]["mote_image"]))),
         "", "| target | measured | |", "|---|---|---|"]
    L.append("| TCP link: effective ≥ 90%% of the raw link rate (compressed, the default) | %.0f%% | %s |" % (
        100 * ratio(l, "mote_xfer"), pf(ratio(l, "mote_xfer") >= 0.9)))
    L.append("| TCP link, uncompressed (`--no-compress`) | %.0f%% | %s |" % (
        100 * ratio(l, "mote_nz_xfer"), pf(ratio(l, "mote_nz_xfer") >= 0.9)))
    if pt:
        runs = "%d run%s" % (pt["runs"], "" if pt["runs"] == 1 else "s")
        L.append("| serial (pty) link: effective ≥ 90%% of the raw link rate (compressed) | %.0f%% (%s) | %s |" % (
            100 * ratio(pt, "mote_xfer"), runs, pf(ratio(pt, "mote_xfer") >= 0.9)))
        L.append("| serial (pty) link, uncompressed (`--no-compress`) | %.0f%% (%s) | %s |" % (
            100 * ratio(pt, "mote_nz_xfer"), runs, pf(ratio(pt, "mote_nz_xfer") >= 0.9)))
    else:
        L.append("| serial (pty) link | not measured (see below) | — |")
    L += ["", "### 1. Link path over TCP: an emulated board's serial socket", "",
          "%d run%s of each, interleaved (the order rotated run by run). Flash: a blank board (`mote run --flash "
          "BLANK -p %s --serial-tcp PORT --timeout %d`, a fresh copy of the blank flash each run) waits in "
          "recovery mode; once its port accepts, `mote flash IMG --target tcp:127.0.0.1:PORT --json` runs, "
          "with and without `--no-compress`; the transfer is timed from the `connected` event to the `done` "
          "event as the lines arrive on the command's stdout (BEGIN, every DATA frame and its ACKs, END with "
          "the device's verification of the image, and the reboot request). Raw: bench/apps/uartsink "
          "(`-D SINK_BYTES=%d`, the image's size) booted with `mote run SINK.img --serial-tcp PORT`; after a "
          "one-byte handshake, %d bytes holding neither 0x00 nor `!` are written to the socket, timed from the "
          "first byte sent to the sink's `uartsink done` line read back on the same socket. The sink reads the "
          "UART through the same console driver as the bootloader. QEMU's PL011 takes a byte from the socket "
          "only when its FIFO has room, one byte per trip through QEMU's main loop, so the raw rate is that "
          "loop's rate (TCG)." % (l["runs"], "" if l["runs"] == 1 else "s", PROFILE, QEMU_TIMEOUT, l["bytes"],
                                  l["bytes"]), ""]
    L += link_rows(l, rate, rng, mib, "sent")
    L += ["### 2. Serial (pty) link", ""]
    if pt:
        L += ["%d run%s of each, interleaved. The same measurements as in 1, with QEMU started directly "
              "with the arguments `mote run --serial-tcp` gave it (captured by a PATH shim, as bench/boot does) "
              "but `-serial pty`, and `mote flash IMG --target serial:/dev/pts/N --json` (which puts the pty in "
              "raw mode with stty); the raw copy writes the pty (raw mode, `tty.setraw`) and reads the `done` "
              "line from it. The sink boots from a flash holding uartsink in slot A (`mote mkflash --slot-a "
              "--active a`)." % (pt["runs"], "" if pt["runs"] == 1 else "s"), ""]
        L += link_rows(pt, rate, rng, mib, "written")
    else:
        L += ["Not measured in this run (`bench/flash --pty-runs 0`).", ""]
    L += ["### Command lines", ""]
    L.append("- link: `%s` (PORT fresh per run), and the same with `--no-compress`" % short(l["cmd"]))
    if pt:
        L.append("- pty link: `%s`; QEMU: `%s`" % (short(pt["cmd"]).replace(pt["cmd"][4], "serial:/dev/pts/N"),
                                                  short(pt["qemu"])))
    if f.get("link_build"):
        L.append("- the image: %s" % f["link_build"])
    L.append("- `$WORK` is a temporary directory.")
    block_txt = "\n".join(L) + "\n"
    write_section(doc, (MARK_BEGIN, MARK_END), block_txt)
    print(block_txt)


def codepad(elf, n, out):
    """pad.inc for bench/apps/codepad: the .text of ELF (where `mote inspect --json` says it is in
    the file) repeated to N bytes, as comma-separated bytes; prints the .text size."""
    sec = next((c for c in inspect(elf)["sections"] if c["name"] == ".text"), None)
    if not sec or not sec["size"]:
        sys.exit("bench/flash: no .text in " + elf)
    with open(elf, "rb") as f:
        f.seek(sec["offset"])
        text = f.read(sec["size"])
    data = (text * (n // len(text) + 1))[:n]
    with open(out, "w") as o:
        for i in range(0, n, 32):
            o.write(",".join(str(x) for x in data[i:i + 32]) + ",\n")
    print(len(text))


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "block":
        cases = [a[i + 1:i + 4] for i, x in enumerate(a) if x == "--case"]
        block(a[1], int(a[a.index("--runs") + 1]), cases, a[a.index("--floor-cp") + 1])
    elif a and a[0] == "link":
        r = a[a.index("--runs") + 1]
        p = a[a.index("--port") + 1]
        rest = [x for x in a[2:] if x not in ("--runs", "--port", r, p)]
        link(a[1], int(r), int(p), rest[0], rest[1], rest[2], int(rest[3]))
    elif a and a[0] == "link-pty":
        r = a[a.index("--runs") + 1]
        rest = [x for x in a[2:] if x not in ("--runs", r)]
        link_pty(a[1], int(r), rest[0], rest[1], rest[2], rest[3], int(rest[4]))
    elif a and a[0] == "report-block":
        report_block(*a[1:])
    elif a and a[0] == "report":
        report(*a[1:])
    elif a and a[0] == "codepad":
        codepad(a[1], int(a[2]), a[3])
    else:
        sys.exit(__doc__)
