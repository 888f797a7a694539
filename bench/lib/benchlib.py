"""What the benchmarks' Python halves share (bench/X/X.py): running a process against the clock,
statistics, QEMU commands captured from `mote run`, facts about profiles and files from the SDK
itself (`mote profiles --json`, `mote inspect --json`: nothing here parses a profile or an ELF),
and replacing a benchmark's section of docs/BENCHMARKS.md between its markers."""
import json, os, re, statistics, subprocess, sys, threading, time

sys.dont_write_bytecode = True      # no __pycache__ in the checkout
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MOTE = os.path.join(REPO, "mote")
TIMEOUT = 30                        # seconds before a QEMU that boots a small image is killed

_profiles, _inspected = {}, {}


def mote_json(*args):
    """The parsed output of `mote ARGS --json`."""
    out = subprocess.run([MOTE] + list(args) + ["--json"], cwd=REPO, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, check=True, timeout=600).stdout
    return json.loads(out)


def profile(name):
    """A profile (a name or a .profile file) as `mote profiles --json` gives it."""
    if name not in _profiles:
        _profiles[name] = mote_json("profiles", "-p", name)[0]
    return _profiles[name]


def partition(name, part):
    return next(p for p in profile(name)["partitions"] if p["name"] == part)


def ok_exit(name):
    """QEMU's exit status when the guest exits 0 (isa-debug-exit shifts it: 3), from the SDK."""
    return profile(name)["qemu_ok_status"]


def inspect(path):
    """`mote inspect --json PATH`: a signed image's header fields, or an ELF's layout."""
    key = (os.path.abspath(path), os.path.getmtime(path))
    if key not in _inspected:
        _inspected[key] = mote_json("inspect", os.path.abspath(path))
    return _inspected[key]


def payload_size(image):
    return inspect(image)["payload_size"]


def run_marks(cmd, marks, timeout, kill_on=None):
    """Spawn cmd; return ({mark: seconds to the first output line containing it}, seconds to exit,
    exit status, output). The clock starts just before the spawn. With kill_on, the process is
    killed once that mark is seen (a board that waits for ever); after timeout seconds, always."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timer = threading.Timer(timeout, p.kill)
    timer.start()
    seen, out = {}, []
    for line in p.stdout:
        now = time.perf_counter() - t0
        s = line.decode(errors="replace")
        for m in marks:
            if m not in seen and m in s:
                seen[m] = now
        out.append(s)
        if kill_on and kill_on in seen:
            p.kill()
    rc = p.wait()
    t_exit = time.perf_counter() - t0
    timer.cancel()
    return seen, t_exit, rc, "".join(out)


def run(cmd, until=None, kill_at_line=False, timeout=TIMEOUT):
    """run_marks for one line: (seconds to the first line containing `until`, or None; seconds to
    exit; exit status; output)."""
    seen, t_exit, rc, out = run_marks(cmd, [until] if until else [], timeout,
                                      kill_on=until if kill_at_line else None)
    return seen.get(until), t_exit, rc, out


def stats(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def qemu_cmd(argv_file, kernel, mem=None, extra=()):
    """The QEMU command `mote run --accel tcg` used (captured in argv_file by bench_shim: binary,
    then one argument a line), with another -kernel and, if given, -m."""
    cmd = open(argv_file).read().splitlines()
    assert cmd[cmd.index("-accel") + 1] == "tcg", argv_file + ": not TCG"
    cmd[cmd.index("-kernel") + 1] = kernel
    if mem:
        cmd[cmd.index("-m") + 1] = mem
    return cmd + list(extra)


def with_flash(cmd, flash):
    """cmd with its -drive's file= replaced by flash (cache= and the rest kept)."""
    cmd = list(cmd)
    i = cmd.index("-drive") + 1
    cmd[i] = re.sub(r"^file=[^,]*", "file=" + flash, cmd[i])
    return cmd


def facts(path):
    """The KEY=VALUE lines bench_facts (and the run script) wrote."""
    return dict(l.rstrip("\n").split("=", 1) for l in open(path) if "=" in l)


def write_section(doc, marks, block, after=None, before=None):
    """Replace the text between the (begin, end) markers of `doc` with `block`. A missing doc is
    created; missing markers are added after the marker `after` or before the marker `before` when
    the doc has it, else at the end."""
    begin, end = marks
    text = open(doc).read() if os.path.exists(doc) else (
        "# Benchmarks\n\nMeasured numbers for Mote, each section written by the script named in it "
        "(rerun the script to refresh it; it replaces only the text between its markers).\n")
    if begin not in text or end not in text:
        empty = begin + "\n" + end + "\n"
        if after and after in text:
            head, rest = text.split(after, 1)
            text = head + after + "\n\n" + empty + rest.lstrip("\n")
        elif before and before in text:
            at = text.index(before)
            text = text[:at].rstrip("\n") + "\n\n" + empty + text[at:]
        else:
            text = text.rstrip("\n") + "\n\n" + empty
    head, rest = text.split(begin, 1)
    open(doc, "w").write(head + begin + "\n" + block + end + rest.split(end, 1)[1])
