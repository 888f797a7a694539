"""bench/shell's measuring half (bench/shell/run calls it):

    shell.py relink LINK_FILE LIBMOTE OUT.elf   (a `mote build -v` link line, with another libmote.a)
    shell.py report WORK DOC RUNS
    shell.py real WORK DOC KERNEL_OUT           (5.: RealShellBench's JSON, one file per profile)
"""
import json, os, re, shlex, statistics, subprocess, sys

from benchlib import MOTE, REPO, facts, inspect, qemu_cmd, run, stats, write_section

MARKS = ("<!-- bench/shell begin -->", "<!-- bench/shell end -->")
REAL_MARKS = ("<!-- bench/shell-real begin -->", "<!-- bench/shell-real end -->")
PROFILES = ("qemu-virt-arm64", "qemu-microvm-x86_64")
PARTS = {  # the shell's objects by what they are for (kernel/shell/)
    "shell": ["shell/line.o", "shell/shell.o", "shell/console.o", "shell/cmd_sys.o", "shell/cmd_net.o"],
    "trace": ["shell/trace.o", "shell/tracefmt.o"],
    "log": ["shell/log.o", "shell/logring.o"],
    "crash records + metrics": ["shell/crash.o", "shell/crashrec.o", "shell/metrics.o", "shell/netinfo.o"],
    "over MQTT (remote.c)": ["shell/remote.o"],
}


def relink(link_file, lib, out):
    """Rerun a `mote build -v` link ("(cd DIR && ld.lld ... libmote.a)") with `lib` as libmote.a."""
    line = open(link_file).read().strip()
    m = re.match(r"^\(cd (\S+) && (.*)\)$", line)
    if not m:
        sys.exit("bench/shell: not a link line: " + line)
    cmd = shlex.split(m.group(2))
    cmd = [lib if a.endswith("/libmote.a") else a for a in cmd]
    cmd[cmd.index("-o") + 1] = os.path.abspath(out)
    subprocess.run(cmd, cwd=m.group(1), check=True)


def sections(obj):
    """(code, read-only data) bytes of an object file, from `size -A`."""
    code = ro = 0
    for line in subprocess.run(["size", "-A", obj], stdout=subprocess.PIPE, check=True,
                               text=True).stdout.splitlines():
        f = line.split()
        if len(f) >= 2 and f[1].isdigit():
            if f[0].startswith(".text"):
                code += int(f[1])
            elif f[0].startswith(".rodata"):
                ro += int(f[1])
    return code, ro


def kib(n):
    return "%.1f KiB" % (n / 1024)


def tracecost(cmd, runs):
    """{mode: {queue_ns: [...], switch_ns: [...]}} over `runs` boots of a tracecost ELF."""
    out = {}
    for _ in range(runs):
        _, _, rc, text = run(cmd, timeout=60)
        for m in re.finditer(r"tracecost (\w+) queue_ns=(\d+) switch_ns=(\d+)", text):
            d = out.setdefault(m.group(1), {"queue_ns": [], "switch_ns": []})
            d["queue_ns"].append(int(m.group(2)))
            d["switch_ns"].append(int(m.group(3)))
    return out


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def publish_bytes(topic, payload):
    """An MQTT 3.1.1 PUBLISH at QoS 0: fixed header, remaining length, topic, payload."""
    rest = 2 + len(topic) + payload
    return 1 + (1 if rest < 128 else 2 if rest < 16384 else 3) + rest


def report(work, doc, runs):
    f = facts(os.path.join(work, "facts"))
    L = ["## The debug shell: size, trace, heartbeat, remote shell (bench/shell)", "",
         "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s; %s; TCG only. Baseline for \"off\": the "
         "kernel of %s (before kernel/shell/), relinked with the same app objects." % (
             f["command"], f["date"], f["nproc"], f["cpu"], f["qemu"], f["java"], f["baseline"]), ""]
    targets, size_rows, part_rows, trace_rows, boot_rows, beat_rows = [], [], [], [], [], []
    for p in PROFILES:
        arch = "arm64" if "arm64" in p else "x86_64"
        plain = inspect(os.path.join(work, "size-plain-%s.elf" % p))["loadable_size"]
        shell = inspect(os.path.join(work, "size-shell-%s.elf" % p))["loadable_size"]
        size_rows.append("| %s | %s | %s | %s |" % (p, kib(plain), kib(shell), kib(shell - plain)))
        parts = {}
        for name, objs in PARTS.items():
            c = r = 0
            for o in objs:
                oc, orr = sections(os.path.join(work, "k", arch, o))
                c, r = c + oc, r + orr
            parts[name] = (c, r)
        stl = [parts[k] for k in ("shell", "trace", "log")]
        code, ro = sum(x[0] for x in stl), sum(x[1] for x in stl)
        for name, (c, r) in parts.items():
            part_rows.append("| %s | %s | %s | %s |" % (p, name, kib(c), kib(r)))
        part_rows.append("| %s | **shell + trace + log** | **%s** | %s |" % (p, kib(code), kib(ro)))
        targets.append(("%s: shell + trace + log code ≤ 12 KiB" % p, kib(code), code <= 12 * 1024))

        argv = os.path.join(work, "argv-%s" % p)
        tc = tracecost(qemu_cmd(argv, os.path.join(work, "tracecost-%s.elf" % p)), runs)
        base = tracecost(qemu_cmd(argv, os.path.join(work, "tracecost-base-%s.elf" % p)), runs)
        off, on, b = tc.get("off", {}), tc.get("on", {}), base.get("off", {})
        q_ev = (med(on.get("queue_ns", [])) - med(off.get("queue_ns", []))) / 1   # one event per call
        s_ev = (med(on.get("switch_ns", [])) - med(off.get("switch_ns", []))) / 4  # 2 switches + 2 waits
        trace_rows.append("| %s | %d ns | %d ns | %d ns | **%d ns** | %d ns | %d ns | %d ns | **%d ns** |" % (
            p, med(b.get("queue_ns", [])), med(off.get("queue_ns", [])), med(on.get("queue_ns", [])), q_ev,
            med(b.get("switch_ns", [])), med(off.get("switch_ns", [])), med(on.get("switch_ns", [])), s_ev))

        # hello, launch -> hello line: baseline and this kernel, interleaved
        t = {"base": [], "this": []}
        booted = {"base": [], "this": []}
        for i in range(runs):
            for k in (("base", "this") if i % 2 == 0 else ("this", "base")):
                elf = os.path.join(work, "hello-%s%s.elf" % ("base-" if k == "base" else "", p))
                seen, _, rc, text = run(qemu_cmd(argv, elf), until="Hello", kill_at_line=False)
                if seen is not None:
                    t[k].append(seen)
                m = re.search(r"booted in (\d+) us", text)
                if m:
                    booted[k].append(int(m.group(1)))
        sb, st = stats(t["base"]), stats(t["this"])
        ratio = st["median"] / sb["median"]
        boot_rows.append("| %s | %.1f ms (%.1f–%.1f) | %.1f ms (%.1f–%.1f) | %.2f× | %d us | %d us |" % (
            p, sb["median"] * 1e3, sb["min"] * 1e3, sb["max"] * 1e3, st["median"] * 1e3, st["min"] * 1e3,
            st["max"] * 1e3, ratio, med(booted["base"]), med(booted["this"])))

        _, _, _, text = run(qemu_cmd(os.path.join(work, "argv-net-%s" % p),
                                     os.path.join(work, "heartbeat-%s.elf" % p)), timeout=60)
        m = re.search(r"heartbeat: (metrics [^\r\n]*)", text)
        line = m.group(1) if m else ""
        topic = "mote/dev/sensor-042/up/metrics"
        per = publish_bytes(topic, len(line))
        beat_rows.append("| %s | %d | %d | %s | %s | %s |" % (
            p, len(line), per, kib(per * 86400 / 60), kib(per * 86400 / 300), kib((per + 80) * 86400 / 300)))
        if p == PROFILES[0]:
            sample = line

    sim = json.load(open(os.path.join(work, "shellbench.json")))
    rtt, crash = sim["rtt_ms"], sim["crash_ms"]
    pct = lambda xs, q: xs[min(len(xs) - 1, int(len(xs) * q))]
    targets.append(("remote shell round trip ≤ 50 ms (simulated device)", "%.1f ms median" % med(rtt),
                    med(rtt) <= 50))
    targets.append(("crash record on the server ≤ 5 s after the reboot (simulated device)",
                    "%.0f ms median" % med(crash), med(crash) <= 5000))
    L += ["| target | result | |", "|---|---|---|"]
    L += ["| %s | %s | %s |" % (n, r, "PASS" if ok else "**MISS**") for n, r, ok in targets]
    L += ["", "### 1. Code size", "",
          "What the shell adds to an app: bench/apps/shellsize with `-D SHELL` (it starts the console shell and "
          "logs a line) and without, loadable bytes from `mote inspect --json`. Linked in with the shell: its "
          "commands, the trace's dump, the log ring, crash records and the metrics line, and the flash driver, "
          "boot-state and image-header code that crash records and `boot` read (about 9 KiB, which an app that "
          "uses the flash or the OTA agent has anyway); the network's commands link nothing of the stack into an "
          "image that does not network.", "",
          "| profile | app without | with the shell | the shell costs |", "|---|---|---|---|"] + size_rows
    L += ["", "By part, as the kernel build makes the objects (`size -A`; code = `.text*`, read-only data = "
          "`.rodata*`, strings included; the objects' unreferenced functions are dropped at link time). The "
          "target counts code.", "",
          "| profile | part | code | read-only data |", "|---|---|---|---|"] + part_rows
    L += ["", "### 2. The trace: cost per event on, and off", "",
          "bench/apps/tracecost, median of %d boots, each the best of 5 rounds of 20,000 queue operations "
          "(one api event each) and 5,000 hand-overs between two threads through two semaphores (two context "
          "switches and two semaphore waits: four events). \"baseline\" is the same app relinked with the "
          "baseline kernel: the difference to \"off\" is what the hooks, the scheduler's CPU accounting and "
          "thread ids cost with the trace off. Per event: (on − off) / events. TCG: a clock read (the event's "
          "timestamp) is far dearer than on hardware." % runs, "",
          "| profile | queue op, baseline | off | on | per event | hand-over, baseline | off | on | per event |",
          "|---|---|---|---|---|---|---|---|---|"] + trace_rows
    L += ["", "examples/hello, QEMU launch → hello line, median (min–max) of %d runs each, interleaved; and the "
          "guest's own `booted in`: the trace off costs nothing measurable at boot." % runs, "",
          "| profile | baseline kernel | this kernel | ratio | booted in, baseline | this |",
          "|---|---|---|---|---|---|"] + boot_rows
    L += ["", "### 3. The metrics heartbeat", "",
          "A real heartbeat line (bench/apps/shellsize `-D SHELL -D NET`, on qemu-virt-arm64):", "",
          "```", sample, "```", "",
          "as an MQTT PUBLISH at QoS 0 on `mote/dev/sensor-042/up/metrics` (a 10-character id); per day at "
          "the heartbeat intervals 60 s and 300 s (the default), and at 300 s with 80 bytes of IPv4 and TCP "
          "headers for the segment and its ACK.", "",
          "| profile | line | PUBLISH | per day, 60 s | per day, 300 s | 300 s with TCP/IP |",
          "|---|---|---|---|---|---|"] + beat_rows
    L += ["", "### 4. The server side (simulated device)", "",
          "ShellBench (bench/src): the OTA server with its embedded broker and one simulated device "
          "(dev.mote.ota.sim, which speaks the same messages as the device), on loopback. %d remote shell "
          "commands through `POST /api/devices/ID/shell` (what `mote ota shell` does: audit row, MQTT "
          "down/shell, the device's up/shell, the audit's exit status), after 20 for warm-up: median %.1f ms, "
          "10%% %.1f ms, 90%% %.1f ms, max %.1f ms. %d crashes: from the device back online after its reboot "
          "to `GET /api/crashes` listing the record: median %.0f ms, max %.0f ms." % (
              len(rtt), med(rtt), pct(rtt, 0.1), pct(rtt, 0.9), rtt[-1], len(crash), med(crash), crash[-1]),
          ""]
    block = "\n".join(L) + "\n"
    write_section(doc, MARKS, block)
    print(block)


def real(work, doc, kernel_out):
    """5.: the real-device runs of RealShellBench, into their own section after bench/shell's."""
    f = facts(os.path.join(work, "facts"))
    pct = lambda xs, q: xs[min(len(xs) - 1, int(len(xs) * q))]
    targets, rows = [], []
    for p in PROFILES:
        path = os.path.join(work, "realshell-%s.json" % p)
        try:
            r = json.load(open(path))
        except (OSError, ValueError):
            sys.exit("bench/shell: no result from RealShellBench for %s (see %s)" % (
                p, path.replace(".json", ".log")))
        rtt, fault, boot = r["rtt_ms"], r["crash_from_fault_ms"], r["crash_from_boot_ms"]
        arch = "arm64" if "arm64" in p else "x86_64"
        code, ro = sections(os.path.join(kernel_out, arch, "shell", "remote.o"))
        rows.append("| %s | %d | %.1f ms | %.1f ms | %.1f ms | %d | %.0f ms (max %.0f) | %.0f ms (max %.0f) | %s |"
                    % (p, len(rtt), med(rtt), pct(rtt, 0.9), rtt[-1], len(boot), med(boot), boot[-1], med(fault),
                       fault[-1], kib(code)))
        targets.append(("%s: remote shell round trip ≤ 50 ms (real device)" % p,
                        "%.1f ms median, 90%% %.1f ms" % (med(rtt), pct(rtt, 0.9)), med(rtt) <= 50))
        targets.append(("%s: crash record on the server ≤ 5 s after the reboot (real device)" % p,
                        "%.0f ms median, max %.0f ms" % (med(boot), boot[-1]), boot[-1] <= 5000))
    L = ["## The debug shell on real devices (bench/shell --real)", "",
         "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s; %s; TCG only, other QEMU benchmarks running "
         "on the same cores." % (f["command"], f["date"], f["nproc"], f["cpu"], f["qemu"], f["java"]), "",
         "| target | result | |", "|---|---|---|"]
    L += ["| %s | %s | %s |" % (n, x, "PASS" if ok else "**MISS**") for n, x, ok in targets]
    L += ["", "RealShellBench (bench/src): `mote ota serve`'s server in-process with its embedded broker, and one "
          "QEMU device per profile running examples/telemetry built with `-D TELEMETRY_SHELL=1`, its flash "
          "provisioned as `mote ota provision --shell` does and booted by the Mote bootloader, its broker port "
          "forwarded into the guest (`--guestfwd`). Round trip: `uptime` through `POST /api/devices/ID/shell` "
          "(what `mote ota shell` does: audit row, MQTT down/shell, the device runs it, up/shell, the audit's "
          "exit status), after 10 for warm-up. Crash: the app's `fault` command makes its sampling thread write "
          "through a null pointer; timed from the next boot's kernel line (`booted in`: QEMU restarted, the "
          "bootloader checked the image) and from the fault report on the console, to `GET /api/crashes` "
          "counting the record (the device reconnects, sends it, the server stores and groups it). Polled "
          "every 2 ms. remote.c: the device end of crash records, logs, metrics and the remote shell "
          "(`size -A` code), linked into every app that calls `mote_ota_start` and not counted in the 12 KiB "
          "of shell + trace + log.", "",
          "| profile | round trips | median | 90% | max | crashes | reboot → stored | fault → stored | "
          "remote.c code |", "|---|---|---|---|---|---|---|---|---|"] + rows + [""]
    L += ["Where the time went before (first run of this benchmark, 2026-12-07): the round trip was 89 ms "
          "(arm64) and 90 ms (x86_64) median, the record 1.1 s after the reboot. The device's trace "
          "(`RealShellBench` with `-Drealshell.trace=true`: `trace on net api sched` around one command) "
          "showed it answering 0.2 ms after the command arrived, and two ~40 ms gaps outside it: Nagle's "
          "algorithm behind a delayed ACK on the loopback TCP pair between libslirp and the guestfwd relay "
          "(the device's PUBACK and its reply, two small writes in a row; the broker's PUBACK and the next "
          "command likewise). Fixed by TCP_NODELAY on the relay's slirp end (socat `FD:0,nodelay`) and the "
          "server sending `down/shell` at QoS 0 (no PUBACK before the reply). The record waited for the "
          "device's observe thread to notice the new session at its next poll (up to 1 s); the connection "
          "now wakes it.", ""]
    block = "\n".join(L) + "\n"
    write_section(doc, REAL_MARKS, block, after=MARKS[1])
    print(block)


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "relink":
        relink(a[1], a[2], a[3])
    elif len(a) == 4 and a[0] == "report":
        report(a[1], a[2], int(a[3]))
    elif len(a) == 4 and a[0] == "real":
        real(a[1], a[2], a[3])
    else:
        sys.exit(__doc__)
