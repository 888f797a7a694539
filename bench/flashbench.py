#!/usr/bin/env python3
"""bench/flash's measuring half: `mote flash` into a flash file beside dd + cmp, `mote flash` over
TCP into an emulated board in recovery mode beside a raw byte copy through the same QEMU serial
socket, and the report (docs/BENCHMARKS.md between the bench/flash markers, and stdout).

    flashbench.py block OUT.json --runs N --case LABEL IMG BLANK [--case ...]
    flashbench.py link OUT.json --runs N --port P IMG BLANK SINK_IMG SINK_BYTES
    flashbench.py link-pty OUT.json --runs N ARGV IMG BLANK SINK_FLASH SINK_BYTES
    flashbench.py report BLOCK.json LINK.json FACTS DOC JVM-1M.json JVM-7M.json [PTY.json]

BLANK: a blank flash file (mote mkflash) copied, untimed, to a fresh target before every timed
command. SINK_IMG: bench/apps/uartsink built with -D SINK_BYTES=SINK_BYTES; SINK_FLASH: a flash holding it.
ARGV: the QEMU command `mote run --serial-tcp` used, one argument a line (bench/flash's PATH shim,
as bench/boot's); only -serial (-> pty) and the -drive file= are replaced.
Only 127.0.0.1; every QEMU (`mote run`) gets --timeout and is killed by its process group."""
import json, os, re, select, shlex, shutil, signal, socket, subprocess, sys, threading, time, tty

sys.dont_write_bytecode = True      # no bench/__pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootbench import REPO, stats   # noqa: E402

MARK_BEGIN, MARK_END = "<!-- bench/flash begin -->", "<!-- bench/flash end -->"
MOTE = os.path.join(REPO, "mote")
QEMU_TIMEOUT = 120
SLOT_A = 64 << 10                 # qemu-virt-arm64's slot_a offset: where a blank target's image goes
PROFILE = "qemu-virt-arm64"


def timed(cmd, timeout=300):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    t = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("bench/flash: %s: status %d:\n%s" % (shlex.join(cmd), p.returncode, p.stdout.decode()[-3000:]))
    return t, p.stdout.decode(errors="replace")


def events(out):
    return [json.loads(l[l.index("{"):]) for l in out.splitlines() if "{" in l]


def block(out_path, runs, cases):
    res = {"runs": runs, "cases": {}}
    work = os.path.dirname(os.path.abspath(out_path))
    for label, img, blank in cases:
        size = os.path.getsize(img)
        tgt, tgt2 = os.path.join(work, "t-mote-%s.bin" % label), os.path.join(work, "t-dd-%s.bin" % label)
        res["cases"][label] = {
            "bytes": size, "samples": {"mote": [], "mote_inproc": [], "dd": [], "cmp": [], "ddcmp": []},
            "cmd": {"mote": [MOTE, "flash", img, "--target", tgt, "--json"],
                    "dd": ["dd", "if=" + img, "of=" + tgt2, "bs=64K", "seek=1", "conv=notrunc,fsync"],
                    "cmp": ["cmp", "-n", str(size), img, tgt2, "0", str(SLOT_A)]}}
    for i in range(runs):                       # interleaved: each case, each variant, order rotated
        for label, c in res["cases"].items():
            order = ["mote", "dd"] if i % 2 == 0 else ["dd", "mote"]
            for v in order:
                s, cmd = c["samples"], c["cmd"]
                if v == "mote":
                    shutil.copyfile(blank_of(cases, label), cmd["mote"][4])
                    os.sync()
                    for _ in range(3):       # a sample in which ./mote rebuilt its jars (someone edited
                        shutil.copyfile(blank_of(cases, label), cmd["mote"][4])   # the sources) is redone
                        os.sync()
                        t, out = timed(cmd["mote"])
                        if "mote: building" not in out:
                            break
                        res["rebuilds"] = res.get("rebuilds", 0) + 1
                    done = [e for e in events(out) if e["event"] == "done"]
                    if not done or done[0]["skipped"] != 0:
                        sys.exit("bench/flash: mote flash: no done event, or chunks skipped:\n" + out)
                    s["mote"].append(t)
                    s["mote_inproc"].append(done[0]["seconds"])
                else:
                    tgt2 = cmd["dd"][2][3:]
                    shutil.copyfile(blank_of(cases, label), tgt2)
                    os.sync()
                    td, _ = timed(cmd["dd"])
                    tc, _ = timed(cmd["cmp"])
                    s["dd"].append(td)
                    s["cmp"].append(tc)
                    s["ddcmp"].append(td + tc)
        print("bench/flash: block run %d/%d done" % (i + 1, runs), file=sys.stderr)
    for c in res["cases"].values():
        c["stats"] = {k: stats(v) for k, v in c["samples"].items()}
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


def link_flash(img, blank, port, work):
    """One `mote flash IMG --target tcp:` into a blank board: (whole command s, connected->done s,
    done event). Event lines are timestamped as they are read from the pipe."""
    flash = os.path.join(work, "board.bin")
    shutil.copyfile(blank, flash)
    log = open(os.path.join(work, "board-%d.log" % port), "wb")
    board = start_board(["--flash", flash, "-p", PROFILE], port, log)
    try:
        cmd = [MOTE, "flash", img, "--target", "tcp:127.0.0.1:%d" % port, "--json"]
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
            return None                               # ./mote rebuilt its jars meanwhile: redo
        if rc != 0 or "done" not in seen or "connected" not in seen:
            sys.exit("bench/flash: %s: status %d:\n%s" % (shlex.join(cmd), rc, "".join(out)))
        return t_all, seen["done"][0] - seen["connected"][0], seen["done"][1], cmd
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


def link(out_path, runs, port, img, blank, sink_img, sink_bytes):
    work = os.path.dirname(os.path.abspath(out_path))
    n = os.path.getsize(img)
    assert n == sink_bytes, "the sink must count the image's size"
    s = {"mote": [], "mote_xfer": [], "raw": [], "raw_guest": [], "wire": [], "retx": []}
    cmd = None
    for i in range(runs):
        for v in (["mote", "raw"] if i % 2 == 0 else ["raw", "mote"]):
            port_i = port + 2 * i + (v == "raw")      # a fresh port each run
            if v == "mote":
                r = None
                for k in range(3):
                    r = link_flash(img, blank, port_i + 100 * k, work)
                    if r:
                        break
                if not r:
                    sys.exit("bench/flash: ./mote rebuilt its jars three times in a row")
                t_all, t_x, done, cmd = r
                s["mote"].append(t_all)
                s["mote_xfer"].append(t_x)
                s["wire"].append(done["wire_bytes"])
                s["retx"].append(done["retransmitted_frames"])
            else:
                t, g = link_raw(sink_img, n, port_i, work)
                s["raw"].append(t)
                s["raw_guest"].append(g)
        print("bench/flash: link run %d/%d done" % (i + 1, runs), file=sys.stderr)
    res = {"runs": runs, "bytes": n, "samples": s, "stats": {k: stats(v) for k, v in s.items()},
           "cmd": cmd}
    json.dump(res, open(out_path, "w"), indent=1)


def pty_board(argv, flash, log, timeout=QEMU_TIMEOUT):
    """QEMU with the arguments `mote run` gave it (argv: captured by bench/flash's PATH shim), its
    -serial tcp:... replaced by pty and its -drive file= by flash, in its own process group and
    killed after timeout. Returns (process, /dev/pts/N), once QEMU has said which pty it made."""
    cmd = open(argv).read().splitlines()
    cmd[cmd.index("-serial") + 1] = "pty"
    i = cmd.index("-drive") + 1
    cmd[i] = re.sub(r"^file=[^,]*", "file=" + flash, cmd[i])
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


def link_flash_pty(img, blank, argv, work):
    flash = os.path.join(work, "board-pty.bin")
    shutil.copyfile(blank, flash)
    log = open(os.path.join(work, "board-pty.log"), "ab")
    board, pts, qcmd = pty_board(argv, flash, log)
    try:
        cmd = [MOTE, "flash", img, "--target", "serial:" + pts, "--json"]
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
            return None                               # ./mote rebuilt its jars meanwhile: redo
        if rc != 0 or "done" not in seen or "connected" not in seen:
            sys.exit("bench/flash: %s: status %d:\n%s" % (shlex.join(cmd), rc, "".join(out)))
        return t_all, seen["done"][0] - seen["connected"][0], seen["done"][1], cmd, qcmd
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
    s = {"mote": [], "mote_xfer": [], "raw": [], "raw_guest": [], "wire": [], "retx": []}
    cmd = qcmd = None
    for i in range(runs):
        for v in (["mote", "raw"] if i % 2 == 0 else ["raw", "mote"]):
            if v == "mote":
                r = None
                for k in range(3):
                    r = link_flash_pty(img, blank, argv, work)
                    if r:
                        break
                if not r:
                    sys.exit("bench/flash: ./mote rebuilt its jars three times in a row")
                t_all, t_x, done, cmd, qcmd = r
                s["mote"].append(t_all)
                s["mote_xfer"].append(t_x)
                s["wire"].append(done["wire_bytes"])
                s["retx"].append(done["retransmitted_frames"])
            else:
                t, g = link_raw_pty(sink_flash, n, argv, work)
                s["raw"].append(t)
                s["raw_guest"].append(g)
        print("bench/flash: pty link run %d/%d done" % (i + 1, runs), file=sys.stderr)
    res = {"runs": runs, "bytes": n, "samples": s, "stats": {k: stats(v) for k, v in s.items()},
           "cmd": cmd, "qemu": qcmd}
    json.dump(res, open(out_path, "w"), indent=1)


def report(block_json, link_json, facts_path, doc, jvm1, jvm7, pty_json=None):
    b, l = json.load(open(block_json)), json.load(open(link_json))
    jvm_jsons = [jvm1, jvm7]
    pt = json.load(open(pty_json)) if pty_json and os.path.exists(pty_json) else None
    jvm = {}
    for label, path in zip(b["cases"], jvm_jsons):      # bench/FlashBench.java: warm BlockTarget.flash()
        j = json.load(open(path))
        jvm[label] = {"cold": j["cold"], "warm": stats(j["warm"])}
    f = dict(x.rstrip("\n").split("=", 1) for x in open(facts_path) if "=" in x)
    ms = lambda v: "%.1f s" % v if v >= 1 else "%.0f ms" % (v * 1e3) if v >= 0.1 else "%.1f ms" % (v * 1e3)
    rng = lambda st, fmt=ms: "%s (%s–%s)" % (fmt(st["median"]), fmt(st["min"]), fmt(st["max"]))
    mib = lambda n: "%.2f MiB" % (n / 1048576)
    rate = lambda n, t: "%.1f MB/s" % (n / t / 1e6) if n / t >= 1e6 else "%.0f KB/s" % (n / t / 1e3)
    pf = lambda ok: "PASS" if ok else "**MISS**"
    def short(cmd):
        return shlex.join(cmd).replace(REPO + "/", "").replace(f["work"], "$WORK")
    L = ["## Flashing: block/file path and TCP link (bench/flash)", "",
         "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s; %s. Every number below comes from "
         "that one run; times are median (min–max). The host was shared: load average %s when the run "
         "ended, so the QEMU (TCG) link numbers carry that noise." % (f["command"], f["date"], f["nproc"], f["cpu"],
                                                                     f["qemu"], f["java"], f.get("load", "?")),
         "", "| target | measured | |", "|---|---|---|"]
    for label, c in b["cases"].items():
        st = c["stats"]
        r_cmd = st["mote"]["median"] / st["ddcmp"]["median"]
        r_in = st["mote_inproc"]["median"] / st["ddcmp"]["median"]
        r_w = jvm[label]["warm"]["median"] / st["ddcmp"]["median"]
        L.append("| %s image: block write+verify ≤ 1.2× dd + cmp | %.1f× whole command, %.1f× in-process "
                 "(cold JVM), %.1f× warm JVM | %s |" % (label, r_cmd, r_in, r_w, pf(r_w <= 1.2)))
    ls = l["stats"]
    eff = l["bytes"] / ls["mote_xfer"]["median"]
    raw = l["bytes"] / ls["raw"]["median"]
    L.append("| TCP link: effective ≥ 90%% of the raw link rate | %.0f%% | %s |" % (100 * eff / raw, pf(eff / raw >= 0.9)))
    if pt:
        pe = pt["bytes"] / pt["stats"]["mote_xfer"]["median"]
        pr = pt["bytes"] / pt["stats"]["raw"]["median"]
        L.append("| serial (pty) link: effective ≥ 90%% of the raw link rate | %.0f%% (%d run%s) | %s |" % (
            100 * pe / pr, pt["runs"], "" if pt["runs"] == 1 else "s", pf(pe / pr >= 0.9)))
    else:
        L.append("| serial (pty) link | not measured (see below) | — |")
    L += ["", "### 1. Block/file path: `mote flash IMG --target FILE` vs `dd` + `cmp`", "",
          "%d runs of each, interleaved (order alternating). Before every timed command the target is a "
          "fresh copy of a blank 16 MiB flash file (`mote mkflash -p %s`), made untimed, so nothing is "
          "skipped as already written and both write the same bytes at the same offset (slot A, 64 KiB) "
          "of the same kind of file (regular files in $WORK, on %s). `mote flash` does verify (signature + "
          "hash), write, fsync, read back, compare, boot-state record, fsync; its in-process time is the "
          "`seconds` of its `--json` `done` event (the whole `flash()` call: verify included, JVM start-up "
          "and argument parsing not). dd + cmp is the two commands' wall times added."
          % (b["runs"], PROFILE, f["workfs"]), "",
          "| image | `mote flash` (whole) | in-process (`done.seconds`) | dd | cmp | dd + cmp | whole / (dd+cmp) | in-process / (dd+cmp) |",
          "|---|---|---|---|---|---|---|---|"]
    rows_jvm = ["", "In one warm JVM (bench/FlashBench.java, `java -cp flasher/target/mote-flasher.jar:...`): "
                "`new BlockTarget(target, profile).flash(image, keys, FlashListener.NONE)` into a fresh copy "
                "of the blank flash (copied untimed), 5 warm-up calls then %d timed, after the interleaved "
                "runs above (so not interleaved with dd); the first call is the cold one." % b["runs"], "",
                "| image | first call (cold) | warm calls | warm / (dd+cmp) |", "|---|---|---|---|"]
    for label, c in b["cases"].items():
        rows_jvm.append("| %s | %s | %s | %.2f× |" % (label, ms(jvm[label]["cold"]), rng(jvm[label]["warm"]),
                                                     jvm[label]["warm"]["median"] / c["stats"]["ddcmp"]["median"]))
    for label, c in b["cases"].items():
        st = c["stats"]
        L.append("| %s (%s) | %s | %s | %s | %s | %s | %.2f× | %.2f× |" % (
            label, mib(c["bytes"]), rng(st["mote"]), rng(st["mote_inproc"]), rng(st["dd"]), rng(st["cmp"]),
            rng(st["ddcmp"]), st["mote"]["median"] / st["ddcmp"]["median"],
            st["mote_inproc"]["median"] / st["ddcmp"]["median"]))
    L += rows_jvm
    L += ["", "What the two sides do differs beyond the copy: `mote flash` first verifies the image (structure, "
          "signature, SHA-256 of the payload), reads the target's boot-state and slot headers, and after the "
          "slot's read-back writes the 64-byte boot-state record with a second fsync and reads it back; dd + "
          "cmp do none of that. For a flash file the read-back is not O_DIRECT (`direct_read_back`: false), "
          "so, like cmp's, it is served from the page cache."]
    L += ["", "### 2. Link path over TCP: an emulated board's serial socket", "",
          "%d runs of each, interleaved. Flash: a blank board (`mote run --flash BLANK -p %s --serial-tcp "
          "PORT --timeout %d`, a fresh copy of the blank flash each run) waits in recovery mode; once its port "
          "accepts, `mote flash IMG --target tcp:127.0.0.1:PORT --json` runs; the transfer is timed from the "
          "`connected` event to the `done` event as the lines arrive on the command's stdout (BEGIN, every "
          "DATA frame and its ACKs, END with the device's verification of the image, and the reboot request). "
          "Raw: bench/apps/uartsink (`-D SINK_BYTES=%d`, the image's size) booted with `mote run SINK.img "
          "--serial-tcp PORT`; after a one-byte handshake, %d bytes holding neither 0x00 nor `!` are written "
          "to the socket, timed from the first byte sent to the sink's `uartsink done` line read back on the "
          "same socket. QEMU's PL011 takes a byte from the socket only when the guest has read the last, so "
          "the raw rate is the guest's read loop's rate (TCG)."
          % (l["runs"], PROFILE, QEMU_TIMEOUT, l["bytes"], l["bytes"]), "",
          "| | time | rate |", "|---|---|---|",
          "| `mote flash` whole command (JVM start-up, image check, connect included) | %s | %s |" % (
              rng(ls["mote"]), rate(l["bytes"], ls["mote"]["median"])),
          "| `mote flash` transfer, `connected` → `done` | %s | **%s** effective |" % (
              rng(ls["mote_xfer"]), rate(l["bytes"], ls["mote_xfer"]["median"])),
          "| raw copy, first byte sent → `done` line (host) | %s | **%s** raw |" % (
              rng(ls["raw"]), rate(l["bytes"], ls["raw"]["median"])),
          "| raw copy, the guest's own clock (first byte read → last) | %s | %s |" % (
              rng(ls["raw_guest"]), rate(l["bytes"], ls["raw_guest"]["median"])),
          "", "Effective / raw: **%.0f%%** (image %s; %s on the wire (framing, COBS, CRC), %s retransmitted "
          "frames, medians)." % (100 * eff / raw, mib(l["bytes"]), mib(ls["wire"]["median"]),
                                 "%d" % ls["retx"]["median"]),
          ""]
    L += ["### 3. Serial (pty) link", ""]
    if pt:
        ps = pt["stats"]
        L += ["%d run%s of each, interleaved. The same two measurements as in 2, with QEMU started directly "
              "with the arguments `mote run --serial-tcp` gave it (captured by a PATH shim, as bench/boot does) "
              "but `-serial pty`, and `mote flash IMG --target serial:/dev/pts/N --json` (which puts the pty in "
              "raw mode with stty); the raw copy writes the pty (raw mode, `tty.setraw`) and reads the `done` "
              "line from it. The sink boots from a flash holding uartsink in slot A (`mote mkflash --slot-a "
              "--active a`)." % (pt["runs"], "" if pt["runs"] == 1 else "s"), "",
              "| | time | rate |", "|---|---|---|",
              "| `mote flash` whole command | %s | %s |" % (rng(ps["mote"]), rate(pt["bytes"], ps["mote"]["median"])),
              "| `mote flash` transfer, `connected` → `done` | %s | **%s** effective |" % (
                  rng(ps["mote_xfer"]), rate(pt["bytes"], ps["mote_xfer"]["median"])),
              "| raw copy, first byte written → `done` line (host) | %s | **%s** raw |" % (
                  rng(ps["raw"]), rate(pt["bytes"], ps["raw"]["median"])),
              "| raw copy, the guest's own clock | %s | %s |" % (
                  rng(ps["raw_guest"]), rate(pt["bytes"], ps["raw_guest"]["median"])),
              "", "Effective / raw: **%.0f%%** (%s on the wire, %d retransmitted frames)." % (
                  100 * pe / pr, mib(ps["wire"]["median"]), ps["retx"]["median"]), ""]
    else:
        L += ["Not measured in this run (`bench/flash --pty-runs 0`).", ""]
    L += ["### Command lines", ""]
    for label, c in b["cases"].items():
        for v in ("mote", "dd", "cmp"):
            L.append("- %s, %s: `%s`" % (label, v, short(c["cmd"][v])))
    L.append("- link: `%s` (PORT fresh per run)" % short(l["cmd"]))
    if pt:
        L.append("- pty link: `%s`; QEMU: `%s`" % (short(pt["cmd"]).replace(pt["cmd"][4], "serial:/dev/pts/N"),
                                                  short(pt["qemu"])))
    L.append("- `$WORK` is a temporary directory. Block samples in which `./mote` rebuilt its jars (other work "
             "was editing the sources meanwhile) were redone: %d in this run." % (b.get("rebuilds", 0)))
    block_txt = "\n".join(L) + "\n"
    text = open(doc).read()
    if MARK_BEGIN not in text or MARK_END not in text:
        text = text.rstrip("\n") + "\n\n" + MARK_BEGIN + "\n" + MARK_END + "\n"
    head, rest = text.split(MARK_BEGIN, 1)
    text = head + MARK_BEGIN + "\n" + block_txt + MARK_END + rest.split(MARK_END, 1)[1]
    open(doc, "w").write(text)
    print(block_txt)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "block":
        cases = [a[i + 1:i + 4] for i, x in enumerate(a) if x == "--case"]
        block(a[1], int(a[a.index("--runs") + 1]), cases)
    elif a and a[0] == "link":
        r = a[a.index("--runs") + 1]
        p = a[a.index("--port") + 1]
        rest = [x for x in a[2:] if x not in ("--runs", "--port", r, p)]
        link(a[1], int(r), int(p), rest[0], rest[1], rest[2], int(rest[3]))
    elif a and a[0] == "link-pty":
        r = a[a.index("--runs") + 1]
        rest = [x for x in a[2:] if x not in ("--runs", r)]
        link_pty(a[1], int(r), rest[0], rest[1], rest[2], rest[3], int(rest[4]))
    elif a and a[0] == "report":
        report(*a[1:])
    else:
        sys.exit(__doc__)
