#!/usr/bin/env python3
"""bench/boot's measuring half: ELF sizes, the RAM probe, interleaved boot timings, build
timings, and the report (docs/BENCHMARKS.md between the bench/boot markers, and stdout).

    boot.py measure OUT.json --runs N [--mems "64M 2M ..."] --target PROFILE HELLO EMPTY VMLINUZ INITRD ARGV ...
    boot.py buildtime OUT.json PROFILE N
    boot.py report BOOT.json BUILD.json FACTS DOC

ARGV: the QEMU command `mote run` used, one argument a line (bench/lib/bench.sh, bench_shim).

Every QEMU gets a timeout; no network device is ever configured."""
import json, os, re, shlex, sys

from benchlib import MOTE, REPO, facts, inspect, ok_exit, profile, qemu_cmd, run, stats, write_section

MEMS = "64M 16M 8M 4M 3M 2M 1536K 1M 768K 512K".split()
DEBIAN_MEM = "256M"               # the Debian kernel needs more RAM than Mote's 128M default
MARK_BEGIN, MARK_END = "<!-- bench/boot begin -->", "<!-- bench/boot end -->"


def probe_mem(name, elf, argv, mems):
    """Smallest size of MEMS (descending, stopping at the first failure) that prints the
    greeting and exits 0: through `mote run --mem`, and with QEMU's -m given the exact size."""
    hello = "Hello from Mote on %s!" % name
    res = {}
    for how in ("mote", "qemu"):
        best, failed = None, None
        for m in mems:
            if how == "mote":
                cmd = [MOTE, "run", elf, "--mem", m, "--accel", "tcg",
                       "--timeout", "10"]
                _, _, rc, out = run(cmd, timeout=600)   # 600: room for an SDK rebuild
                good = rc == 0 and hello in out
            else:
                _, _, rc, out = run(qemu_cmd(argv, elf, mem=m), timeout=10)
                good = rc == ok_exit(name) and hello in out
            if not good:
                err = re.search(r"(?:mote: error|qemu-system-\w+): (.*)", out)
                why = ("hung, killed after 10 s" if rc == -9 or "timed out" in out
                       else "rejected: " + err.group(1) if how == "mote" and rc == 2 and err
                       else "exit %d%s" % (rc, ": " + err.group(1) if err else ""))
                failed = "%s (%s)" % (m, why)
                break
            best = m
        res[how] = {"smallest": best, "first_failure": failed}
    return res


def measure(out_path, runs, targets, mems=MEMS):
    res = {"runs": runs, "mems": mems, "targets": {}}
    for name, hello, empty, vmlinuz, initrd, argv in targets:
        console = "ttyAMA0" if profile(name)["console_type"] == "pl011" else "ttyS0"   # Linux's name for it
        file_size, loadable = os.path.getsize(hello), inspect(hello)["loadable_size"]
        img = os.path.splitext(hello)[0] + ".img"      # the signed image, where `mote build` makes one
        t = res["targets"][name] = {
            "elf": file_size, "loadable": loadable, "mem": probe_mem(name, hello, argv, mems),
            "img": os.path.getsize(img) if os.path.exists(img) else None,
            "cmd": {"mote": qemu_cmd(argv, hello), "floor": qemu_cmd(argv, empty),
                    "debian": qemu_cmd(argv, vmlinuz, mem=DEBIAN_MEM, extra=[
                        "-initrd", initrd, "-append", "console=%s quiet" % console])},
            "samples": {"mote": [], "mote_exit": [], "floor": [], "debian": [], "booted_us": []}}
        print("bench/boot: %s: %d B ELF, %d B loadable, RAM %s" %
              (name, file_size, loadable, t["mem"]), file=sys.stderr)
    variants = ["mote", "floor", "debian"]
    for i in range(runs):                      # interleaved: run i of every case, then run i+1
        for name, t in res["targets"].items():
            for v in variants[i % 3:] + variants[:i % 3]:
                s, cmd = t["samples"], t["cmd"][v]
                if v == "mote":
                    hello = "Hello from Mote on %s!" % name
                    tl, te, rc, out = run(cmd, until=hello)
                    m = re.search(r"booted in (\d+) us", out)
                    if tl is None or rc != ok_exit(name) or not m:
                        sys.exit("bench/boot: %s: Mote run failed (status %d):\n%s" % (name, rc, out))
                    s["mote"].append(tl)
                    s["mote_exit"].append(te)
                    s["booted_us"].append(int(m.group(1)))
                elif v == "floor":
                    _, te, rc, out = run(cmd)
                    if rc != ok_exit(name):
                        sys.exit("bench/boot: %s: empty kernel: status %d:\n%s" % (name, rc, out))
                    s["floor"].append(te)
                else:
                    tl, _, rc, out = run(cmd, until="Hello from Linux init!", kill_at_line=True)
                    if tl is None:
                        sys.exit("bench/boot: %s: Debian: no hello line:\n%s" % (name, out[-2000:]))
                    s["debian"].append(tl)
        print("bench/boot: run %d/%d done" % (i + 1, runs), file=sys.stderr)
    for t in res["targets"].values():
        t["stats"] = {k: stats(v) for k, v in t["samples"].items()}
    json.dump(res, open(out_path, "w"), indent=1)


def buildtime(out_path, name, n):
    """A warm `./mote build examples/hello`: one warm-up run, then n timed ones. A run that
    rebuilt the SDK jar (someone edited the sources meanwhile) is not warm: it is run again."""
    elf = os.path.join(os.path.dirname(out_path), "build-%s.elf" % name)
    cmd = [MOTE, "build", os.path.join(REPO, "examples/hello"),
           "-p", name, "-o", elf]
    times, tries = [], 0
    while len(times) < n + 1:
        tries += 1
        _, te, rc, out = run(cmd, timeout=600)
        if rc != 0 or tries > 3 * n:
            sys.exit("bench/boot: %s failed or never warm (status %d):\n%s" % (" ".join(cmd), rc, out))
        if "mote: building" not in out:
            times.append(te)
    res = json.load(open(out_path)) if os.path.exists(out_path) else {}
    res[name] = stats(times[1:])
    json.dump(res, open(out_path, "w"), indent=1)


def report(boot_json, build_json, facts_path, doc):
    """Write the results between the markers of `doc` (created if missing); print them."""
    boot, build = json.load(open(boot_json)), json.load(open(build_json))
    f = facts(facts_path)
    names = list(boot["targets"])
    kib = lambda b: "%.1f KiB" % (b / 1024)
    sec = lambda s: "%.1f ms" % (s * 1e3) if s < 1 else "%.2f s" % s
    rng = lambda st, fmt: "%s (%s–%s)" % (fmt(st["median"]), fmt(st["min"]), fmt(st["max"]))
    size = lambda m: int(m[:-1]) << (20 if m[-1] == "M" else 10) if m else 1 << 62
    def short(cmd):
        s = shlex.join(cmd).replace(REPO + "/", "").replace(f["work"], "$WORK")
        return s.replace(os.path.expanduser("~"), "~")
    rows, ratios = {}, {}
    for n, t in boot["targets"].items():
        st = t["stats"]
        ratios[n] = (st["mote"]["median"] / st["floor"]["median"],
                     st["debian"]["median"] / st["mote"]["median"])
        rows[n] = [
            ("hello loadable image ≤ 32 KiB", kib(t["loadable"]), t["loadable"] <= 32 << 10),
            ("runs in 2 MiB of guest RAM (`mote run --mem`)", "smallest: %s" % t["mem"]["mote"]["smallest"],
             size(t["mem"]["mote"]["smallest"]) <= 2 << 20),
            ("launch→hello ≤ 1.5× the empty-kernel floor", "%.2f×" % ratios[n][0], ratios[n][0] <= 1.5),
            ("launch→hello ≥ 25× faster than Debian", "%.1f×" % ratios[n][1], ratios[n][1] >= 25),
            ("warm `mote build` ≤ 2 s", sec(build[n]["median"]), build[n]["median"] <= 2)]
    pf = lambda ok: "PASS" if ok else "**MISS**"
    L = ["## Boot, size, RAM, build time (bench/boot)", "",
         "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s; TCG only (no KVM). Every "
         "number below comes from that one run." % (f["command"], f["date"], f["nproc"], f["cpu"], f["qemu"]), "",
         "| target | " + " | ".join("%s | " % n for n in names) + "|",
         "|---|" + "---|---|" * len(names)]
    for i, (what, _, _) in enumerate(rows[names[0]]):
        L.append("| %s | " % what + " | ".join("%s | %s" % (rows[n][i][1], pf(rows[n][i][2]))
                                                for n in names) + " |")
    L += ["", "### 1. Image size: examples/hello", "",
          "| profile | ELF file | loadable (sum of PT_LOAD p_filesz) | signed image (`.img`) |",
          "|---|---|---|---|"]
    L += ["| %s | %s | %s | %s |" % (n, kib(t["elf"]), kib(t["loadable"]), kib(t["img"]) if t.get("img")
                                     else "none") for n, t in boot["targets"].items()]
    L += ["", "### 2. Guest RAM: the smallest size that prints the greeting and exits 0", "",
          "Tried in this order, stopping at the first failure: %s. First through `mote run "
          "--mem SIZE --accel tcg`, then with QEMU's `-m SIZE` given directly (same arguments). "
          "Where the two differ, `mote run` did not hand QEMU the exact size." % " ".join(boot.get("mems", MEMS)), "",
          "| profile | `mote run --mem` | first failure | QEMU `-m` | first failure |", "|---|---|---|---|---|"]
    L += ["| %s | %s | %s | %s | %s |" % (n, t["mem"]["mote"]["smallest"], t["mem"]["mote"]["first_failure"],
                                          t["mem"]["qemu"]["smallest"], t["mem"]["qemu"]["first_failure"])
          for n, t in boot["targets"].items()]
    L += ["", "### 3. Wall time, QEMU launch → hello line on the console", "",
          "Median (min–max) of %d runs of each, interleaved run by run. QEMU is started directly "
          "with the arguments `mote run` uses (no JVM); the clock starts just before the spawn and "
          "stops when the line is read from QEMU's stdout. The floor is an empty kernel that powers "
          "off at its first instruction (bench/boot/empty-*.S), timed to QEMU's exit. The reference is "
          "Debian's stock kernel (%s) with a one-line static init (bench/boot/ref-init.c) as initramfs, "
          "given %s of RAM because it needs more than Mote's default 128M; x86_64 microvm ends in "
          "\"System halted\" without powering off, so it is killed at the hello line."
          % (boot["runs"], f["debian"], DEBIAN_MEM), "",
          "| profile | Mote → hello | Mote → exit | floor → exit | Debian → hello | Mote / floor | Debian / Mote |",
          "|---|---|---|---|---|---|---|"]
    for n, t in boot["targets"].items():
        st = t["stats"]
        L.append("| %s | %s | %s | %s | %s | %.2f× | %.1f× |" % (
            n, rng(st["mote"], sec), rng(st["mote_exit"], sec), rng(st["floor"], sec),
            rng(st["debian"], sec), ratios[n][0], ratios[n][1]))
    us = lambda v: "%d us" % v
    L += ["", "### 4. Guest time, first instruction → app_main (the banner's `booted in N us`)", "",
          "| profile | median (min–max) of %d runs |" % boot["runs"], "|---|---|"]
    L += ["| %s | %s |" % (n, rng(t["stats"]["booted_us"], us)) for n, t in boot["targets"].items()]
    L += ["", "### 5. Warm build: `./mote build examples/hello -p PROFILE -o OUT.elf`", "",
          "The whole command, JVM included: median (min–max) of %d runs after one warm-up run."
          % build[names[0]]["n"], "", "| profile | time |", "|---|---|"]
    L += ["| %s | %s |" % (n, rng(build[n], sec)) for n in names]
    L += ["", "### Command lines", ""]
    for n, t in boot["targets"].items():
        for v in ("mote", "floor", "debian"):
            L.append("- %s, %s: `%s`" % (n, v, short(t["cmd"][v])))
    L.append("- `$WORK` is a temporary directory; the Debian kernels are cached in %s."
             % f["cache"].replace(os.path.expanduser("~"), "~"))
    block = "\n".join(L) + "\n"
    write_section(doc, (MARK_BEGIN, MARK_END), block)
    print(block)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "measure":
        runs = int(a[a.index("--runs") + 1])
        mems = a[a.index("--mems") + 1].split() if "--mems" in a else MEMS
        targets = [a[i + 1:i + 7] for i, x in enumerate(a) if x == "--target"]
        measure(a[1], runs, targets, mems)
    elif a and a[0] == "buildtime":
        buildtime(a[1], a[2], int(a[3]))
    elif a and a[0] == "report":
        report(*a[1:])
    else:
        sys.exit(__doc__)
