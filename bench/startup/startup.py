"""bench/startup's measuring half (bench/startup/run calls it):

    startup.py FACTS DOC RUNS FLOOR_CLASSPATH [LAUNCHER]
"""
import os, shlex, subprocess, sys, time

from benchlib import MOTE, REPO, facts, stats, write_section

MARKS = ("<!-- bench/startup begin -->", "<!-- bench/startup end -->")


def timed(cmd, env=None):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    t = time.perf_counter() - t0
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0 or "mote: building" in out:
        sys.exit("bench/startup: %s: status %d, or it rebuilt a jar:\n%s" % (shlex.join(cmd), p.returncode, out))
    return t


def main(facts_path, doc, runs, floor_cp, launcher=None):
    f = facts(facts_path)
    nocds = dict(os.environ, MOTE_NO_CDS="1")
    cases = {"mote": ([MOTE, "profiles"], None), "nocds": ([MOTE, "profiles"], nocds),
             "floor": (["java", "-Xshare:auto", "-cp", floor_cp, "dev.mote.bench.flash.Hello"], None)}
    if launcher:
        cases["compare"] = ([os.path.join(REPO, launcher), "profiles"], None)
    for cmd, env in cases.values():          # warm-up: page cache, and whatever a launcher makes on first use
        for _ in range(3):
            timed(cmd, env)
    samples = {k: [] for k in cases}
    order = list(cases)
    for i in range(runs):
        for k in order[i % len(order):] + order[:i % len(order)]:
            samples[k].append(timed(*cases[k]))
    st = {k: stats(v) for k, v in samples.items()}
    ms = lambda s: "%.1f ms" % (s * 1e3)
    rng = lambda x: "%s (%s–%s)" % (ms(x["median"]), ms(x["min"]), ms(x["max"]))
    what = {"mote": "`./mote profiles`", "nocds": "`MOTE_NO_CDS=1 ./mote profiles` (no class-data archive)",
            "floor": "JVM floor: `java -Xshare:auto -cp ... dev.mote.bench.flash.Hello`",
            "compare": "`%s profiles`" % launcher}
    L = ["## Launcher start-up: `./mote profiles` (bench/startup)", "",
         "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s; load average %s when the run ended. "
         "%d runs of each, interleaved (order rotated run by run), after 3 untimed runs of each; the "
         "whole command as a shell runs it: the launcher's staleness check, the JVM, the class-data "
         "archive the build leaves beside the jar, `mote profiles` itself." % (
             f["command"], f["date"], f["nproc"], f["cpu"], f["java"], f["load"], runs), "",
         "| command | median (min–max) |", "|---|---|"]
    L += ["| %s | %s |" % (what[k], rng(st[k])) for k in cases]
    block = "\n".join(L) + "\n"
    write_section(doc, MARKS, block)
    print(block)


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) not in (4, 5):
        sys.exit(__doc__)
    main(a[0], a[1], int(a[2]), a[3], a[4] if len(a) == 5 else None)
