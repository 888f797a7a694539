#!/usr/bin/env python3
"""bench/verify's measuring half: the bootloader's verification time by image size, host sign and
verify throughput beside openssl, launch->hello with and without the verified chain, and the
report (docs/BENCHMARKS.md between the bench/verify markers, and stdout).

    verify.py sizes OUT.json --runs N --target PROFILE ARGV FLASH... [--target ...]
    verify.py chain OUT.json --runs N --target PROFILE ELF_ARGV IMG_ARGV FACTORY CONFIRMED BLANK RUNFLASH ...
    verify.py host OUT.json --runs N --case NAME IMAGE PUB KEY PAYLOAD ... --cp CLASSPATH
    verify.py report SIZES.json CHAIN.json HOST.json FACTS DOC

ARGV: the QEMU command `mote run` used, one argument a line (bench/lib/bench.sh, bench_shim); only
-kernel and the -drive file= are ever replaced. CLASSPATH: the SDK jar and the harnesses
(VerifyBench).
Every QEMU gets a timeout; no network device is ever configured."""
import json, os, re, shlex, shutil, sys

from benchlib import (MOTE, REPO, TIMEOUT, facts, ok_exit, payload_size, qemu_cmd, run, run_marks, stats,
                      with_flash, write_section)

BIG_TIMEOUT = 120                 # seconds: QEMU runs that load an 8 MiB image
MARK_BEGIN, MARK_END = "<!-- bench/verify begin -->", "<!-- bench/verify end -->"
BOOT_END = "<!-- bench/boot end -->"
JVM_FLAGS = {"c1": ["-XX:TieredStopAtLevel=1", "-Xshare:auto"], "c2": ["-Xshare:auto"]}   # c2: what ./mote runs
VERIFIED = re.compile(r"\[boot\] slot A: \S+ \S+ \(security counter \d+\), verified in (\d+) us")
BOOTED = re.compile(r"booted in (\d+) us")
NOBOOT = "[boot] no bootable image"


def base(name):
    """The standard profile a bench profile copies (bench-qemu-virt-arm64 -> qemu-virt-arm64)."""
    return name[len("bench-"):] if name.startswith("bench-") else name


# --- 1. The bootloader's verification time, by image size -------------------------------------
def sizes(out_path, runs, targets):
    res = {"runs": runs, "targets": {}}
    for name, argv, *flashes in targets:
        cmd = open(argv).read().splitlines()
        assert cmd[cmd.index("-accel") + 1] == "tcg", argv + ": not TCG"
        res["targets"][name] = {"cases": [{
            "flash": f, "image": f[:-len(".flash")] + ".img", "cmd": with_flash(cmd, f),
            "payload": payload_size(f[:-len(".flash")] + ".img"),
            "verify_us": [], "wall": []} for f in flashes]}
    for i in range(runs):             # interleaved: run i of every size on every board, then i+1
        for name, t in res["targets"].items():
            cases = t["cases"][i % len(t["cases"]):] + t["cases"][:i % len(t["cases"])]
            for c in cases:
                _, te, rc, out = run(c["cmd"], timeout=BIG_TIMEOUT)
                m = VERIFIED.search(out)
                if rc != ok_exit(base(name)) or not m or "Hello from the pad app" not in out:
                    sys.exit("bench/verify: %s: %s: boot failed (status %d):\n%s" % (name, c["flash"], rc, out))
                c["verify_us"].append(int(m.group(1)))
                c["wall"].append(te)
        print("bench/verify: sizes: run %d/%d done" % (i + 1, runs), file=sys.stderr)
    for t in res["targets"].values():
        for c in t["cases"]:
            c["stats"] = {k: stats(c[k]) for k in ("verify_us", "wall")}
    json.dump(res, open(out_path, "w"), indent=1)


# --- 3. launch -> hello: the ELF directly, and through the bootloader ---------------------------
def chain(out_path, runs, targets):
    res = {"runs": runs, "targets": {}}
    for name, elf_argv, img_argv, factory, confirmed, blank, runflash in targets:
        elf = os.path.splitext(factory)[0] + ".elf"
        img_cmd = open(img_argv).read().splitlines()
        assert img_cmd[img_cmd.index("-accel") + 1] == "tcg", img_argv + ": not TCG"
        res["targets"][name] = {
            "cmd": {"elf": qemu_cmd(elf_argv, elf), "chain": with_flash(img_cmd, runflash),
                    "confirmed": with_flash(img_cmd, runflash), "blank": with_flash(img_cmd, runflash)},
            "source": {"chain": factory, "confirmed": confirmed, "blank": blank},
            "payload": payload_size(os.path.splitext(factory)[0] + ".img"),
            "samples": {k: [] for k in ("elf", "chain", "confirmed", "elf_booted_us", "chain_booted_us",
                                         "chain_verify_us", "chain_bootline", "confirmed_verify_us", "blank")}}
    variants = ["elf", "chain", "confirmed", "blank"]
    for i in range(runs):
        for name, t in res["targets"].items():
            hello = "Hello from Mote on %s!" % name
            for v in variants[i % 4:] + variants[:i % 4]:
                if v != "elf":       # a fresh copy of the flash every run, outside the clock
                    shutil.copyfile(t["source"][v], t["cmd"][v][t["cmd"][v].index("-drive") + 1]
                                    .split(",")[0][len("file="):])
                seen, _, rc, out = run_marks(t["cmd"][v], [hello, "[boot] slot A:", NOBOOT], TIMEOUT,
                                             kill_on=NOBOOT if v == "blank" else None)
                if v == "blank":     # the bootloader alone: nothing to verify; it then waits for a flasher
                    if NOBOOT not in seen or rc in (0, ok_exit(name)):
                        sys.exit("bench/verify: %s: blank-flash run: status %d:\n%s" % (name, rc, out))
                    t["samples"]["blank"].append(seen[NOBOOT])
                    continue
                booted, verified = BOOTED.search(out), VERIFIED.search(out)
                if hello not in seen or rc != ok_exit(name) or not booted or (v != "elf" and not verified):
                    sys.exit("bench/verify: %s: %s run failed (status %d):\n%s" % (name, v, rc, out))
                s = t["samples"]
                s[v].append(seen[hello])
                if v == "elf":
                    s["elf_booted_us"].append(int(booted.group(1)))
                elif v == "chain":
                    s["chain_booted_us"].append(int(booted.group(1)))
                    s["chain_verify_us"].append(int(verified.group(1)))
                    s["chain_bootline"].append(seen["[boot] slot A:"])
                else:
                    s["confirmed_verify_us"].append(int(verified.group(1)))
        print("bench/verify: launch->hello: run %d/%d done" % (i + 1, runs), file=sys.stderr)
    for t in res["targets"].values():
        t["stats"] = {k: stats(v) for k, v in t["samples"].items()}
    json.dump(res, open(out_path, "w"), indent=1)


# --- 2. Host sign / verify beside openssl -----------------------------------------------------
def host(out_path, runs, cases, cp):
    res = {"runs": runs, "cases": {}}
    for name, image, pub, key, payload in cases:
        out = os.path.join(os.path.dirname(out_path), "resigned-%s.img" % name)
        res["cases"][name] = {
            "payload": os.path.getsize(payload),
            "cmd": {"openssl": ["openssl", "dgst", "-sha256", payload],
                    "verify": [MOTE, "verify", image, "--pub", pub],
                    "sign": [MOTE, "sign", image, "--key", key, "-o", out]},
            "samples": {"openssl": [], "verify": [], "sign": []}, "jvm": {}}
    for i in range(runs):
        for name, c in res["cases"].items():
            order = list(c["cmd"])
            for v in order[i % 3:] + order[:i % 3]:
                for attempt in range(4):
                    _, te, rc, out = run(c["cmd"][v], timeout=600)
                    if rc != 0:
                        sys.exit("bench/verify: %s failed (status %d):\n%s" % (shlex.join(c["cmd"][v]), rc, out))
                    if "mote: building" not in out:   # a run that rebuilt the jar is not timed
                        break
                else:
                    sys.exit("bench/verify: the SDK jar keeps being rebuilt; cannot time `mote`")
                c["samples"][v].append(te)
        print("bench/verify: host: run %d/%d done" % (i + 1, runs), file=sys.stderr)
    for name, image, pub, key, payload in cases:
        c = res["cases"][name]
        out = os.path.join(os.path.dirname(out_path), "jvm-%s.img" % name)
        for jit, flags in JVM_FLAGS.items():
            cmd = ["java"] + flags + ["-cp", cp, "dev.mote.bench.verify.VerifyBench", "time", image, pub, key,
                                      out, "5", str(runs)]
            _, te, rc, o = run(cmd, timeout=600)
            if rc != 0:
                sys.exit("bench/verify: %s failed (status %d):\n%s" % (shlex.join(cmd), rc, o))
            r = json.loads(o.strip().splitlines()[-1])
            c["jvm"][jit] = {"cmd": cmd, **{k: stats(r[k]) for k in ("verify", "sign", "sha256")},
                             "payload": r["payload"], "vm": r["jvm"]}
        c["stats"] = {k: stats(v) for k, v in c["samples"].items()}
    json.dump(res, open(out_path, "w"), indent=1)


# --- Report -----------------------------------------------------------------------------------
def report(sizes_json, chain_json, host_json, facts_path, doc):
    S, C, H = (json.load(open(p)) for p in (sizes_json, chain_json, host_json))
    f = facts(facts_path)
    home = os.path.expanduser("~")
    def short(cmd):
        s = shlex.join(cmd).replace(REPO + "/", "").replace(f["work"], "$WORK")
        return s.replace(home, "~")
    ms = lambda s: "%.1f ms" % (s * 1e3) if s < 1 else "%.2f s" % s
    usf = lambda u: "%.1f ms" % (u / 1e3) if u >= 1000 else "%d us" % u
    rng = lambda st, fmt: "%s (%s–%s)" % (fmt(st["median"]), fmt(st["min"]), fmt(st["max"]))
    mbs = lambda b, s: "%.0f MB/s" % (b / s / 1e6) if s > 0 else "-"
    size = lambda b: "%.2f MiB" % (b / 2**20) if b >= 2**20 else "%.1f KiB" % (b / 1024)
    pf = lambda ok: "PASS" if ok else "**MISS**"
    names = list(C["targets"])

    # Targets.
    ratio = {n: C["targets"][n]["stats"]["chain"]["median"] / C["targets"][n]["stats"]["elf"]["median"]
             for n in names}
    big = max(H["cases"], key=lambda k: H["cases"][k]["payload"]) if H["cases"] else None
    h8 = H["cases"].get("8M")
    def vs_openssl(c, jit):
        return c["stats"]["openssl"]["median"] / c["jvm"][jit]["verify"]["median"]
    L = ["## Verified boot (bench/verify)", "",
         "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s; %s; %s; TCG only (no KVM). Every number "
         "below comes from that one run. MB = 10^6 bytes." % (f["command"], f["date"], f["nproc"], f["cpu"],
                                                             f["qemu"], f["openssl"], f["java"]), "",
         "| target | result | |", "|---|---|---|"]
    for n in names:
        L.append("| %s: verified launch→hello ≤ 1.20× direct ELF boot | %.2f× | %s |" % (n, ratio[n], pf(ratio[n] <= 1.2)))
    for jit, what in (("c2", "as `mote` runs it (default JIT)"), ("c1", "C1 only (`-XX:TieredStopAtLevel=1`)")):
        r = vs_openssl(h8, jit)
        L.append("| host verify of the 8 MiB image ≥ 50%% of `openssl dgst -sha256`, in one JVM, %s | %.0f%% | %s |"
                 % (what, r * 100, pf(r >= 0.5)))
    r = h8["stats"]["openssl"]["median"] / h8["stats"]["verify"]["median"]
    L.append("| the same, whole `mote verify` command (JVM start-up included) | %.0f%% | %s |" % (r * 100, pf(r >= 0.5)))

    # 1. Sizes.
    L += ["", "### 1. Bootloader verification time by image size (guest clock)", "",
          "The bootloader's own `[boot] slot A: ... verified in N us` (guest clock: header read, signature "
          "check, payload streamed from flash to its load address and hashed), median (min–max) of %d boots "
          "each, interleaved run by run. Images: bench/apps/pad built with `./mote build bench/apps/pad -p "
          "bench/verify/profiles/bench-PROFILE.profile -D PAD_BYTES=N` (N chosen so the payload comes out at the "
          "target size); the bench profiles (bench/verify/profiles) are the standard ones with a 32M flash and 15M slots (the "
          "standard 7M slots cannot hold 8 MiB). Flash from `./mote mkflash -p bench/verify/profiles/bench-PROFILE.profile "
          "--slot-a IMG --active a` (the image confirmed, so the bootloader writes nothing); QEMU started "
          "directly with the arguments `mote run --flash F -p ... --accel tcg` used. MB/s = payload / "
          "verify time; *marginal* = (8 MiB − 1 MiB payload) / (difference of their verify times), the "
          "streaming rate once the fixed cost (Ed25519, first-execution translation) is paid."
          % S["runs"], "",
          "| profile | payload | PAD_BYTES | verified in | MB/s | QEMU launch → exit |", "|---|---|---|---|---|---|"]
    for n, t in S["targets"].items():
        for c in t["cases"]:
            pad = re.search(r"PAD_BYTES=(\d+)", open(c["image"] + ".pad").read()).group(1)
            st = c["stats"]["verify_us"]
            L.append("| %s | %s (%d B) | %s | %s | %s | %s |" % (
                n, size(c["payload"]), c["payload"], pad, rng(st, usf), mbs(c["payload"], st["median"] / 1e6),
                rng(c["stats"]["wall"], ms)))
        cs = sorted(t["cases"], key=lambda c: c["payload"])
        d_b = cs[-1]["payload"] - cs[-2]["payload"]
        d_t = (cs[-1]["stats"]["verify_us"]["median"] - cs[-2]["stats"]["verify_us"]["median"]) / 1e6
        L.append("| %s | marginal, %s → %s | | %s for %s | %s | |" % (
            n, size(cs[-2]["payload"]), size(cs[-1]["payload"]), usf(d_t * 1e6), size(d_b), mbs(d_b, d_t)))

    # 2. Host.
    L += ["", "### 2. Host `mote sign` / `mote verify` beside `openssl dgst -sha256`", "",
          "Whole commands: median (min–max) of %d runs each, interleaved (openssl, verify, sign rotated run by "
          "run); `openssl dgst -sha256` hashes the same payload bytes (the image less its 256-byte header and "
          "104-byte signature block) from a file. `mote verify` reads the image, checks the Ed25519 signature "
          "and hashes the payload; `mote sign IMAGE -o OUT` (re-sign) reads it, checks the hash, hashes it "
          "again while signing, and writes OUT. Both include the JVM start-up and the `mote` script's "
          "staleness check. In one JVM: VerifyBench (bench/src, built by Maven) does exactly the commands' work (Image.read + "
          "Verifier.verify; Image.read + hashMatches + Image.sign + write) %d times after 5 warm-up rounds, "
          "once with the JVM's default tiered JIT (C2, which `./mote` uses) and once with "
          "`-XX:TieredStopAtLevel=1` (C1 only, which `./mote` used before this benchmark showed its cost); *JDK SHA-256* is MessageDigest over the payload already in memory. "
          "verify / openssl = openssl's time / verify's time (throughput ratio). openssl's whole-command time "
          "includes its own process start (a few ms), which flatters the in-JVM ratios at 8 MiB; the 64 MiB "
          "rows are the cleaner comparison." % (H["runs"], H["runs"]), "",
          "| payload | how | openssl dgst -sha256 | mote verify | mote sign | JDK SHA-256 | verify / openssl |",
          "|---|---|---|---|---|---|---|"]
    for name, c in H["cases"].items():
        b, st = c["payload"], c["stats"]
        osl = st["openssl"]["median"]
        L.append("| %s | whole command | %s = %s | %s = %s | %s = %s | | %.0f%% |" % (
            size(b), rng(st["openssl"], ms), mbs(b, osl), rng(st["verify"], ms), mbs(b, st["verify"]["median"]),
            rng(st["sign"], ms), mbs(b, st["sign"]["median"]), 100 * osl / st["verify"]["median"]))
        for jit, what in (("c2", "one JVM, C2 (default JIT, as `mote`)"), ("c1", "one JVM, C1 only")):
            j = c["jvm"][jit]
            L.append("| %s | %s | | %s = %s | %s = %s | %s = %s | %.0f%% |" % (
                size(b), what, rng(j["verify"], ms), mbs(b, j["verify"]["median"]), rng(j["sign"], ms),
                mbs(b, j["sign"]["median"]), rng(j["sha256"], ms), mbs(b, j["sha256"]["median"]),
                100 * osl / j["verify"]["median"]))
    c1, c2 = h8["jvm"]["c1"]["sha256"]["median"], h8["jvm"]["c2"]["sha256"]["median"]
    L += ["", "What decides the host figure is the JIT, not Ed25519 or reading the file: with "
          "`-XX:TieredStopAtLevel=1` the JDK's SHA-256 runs as C1-compiled Java, %s; under the default JIT, C2 "
          "compiles it to the CPU's SHA instructions, %s (%.0f× faster), and the verifier's remaining time is "
          "Image.read and the payload copies it makes. The whole `mote verify` command is dominated by JVM "
          "start-up either way." % (mbs(h8["payload"], c1), mbs(h8["payload"], c2), c1 / c2)]
    if "64M" in H["cases"]:
        L += ["", "The 64 MiB image is hello-sized code repeated to 64 MiB and signed by VerifyBench `grow` (the "
              "format allows payloads up to 4 GiB; it fits no slot and is only for the host tools)."]

    # 3. Chain.
    L += ["", "### 3. Launch → hello: direct ELF boot vs the verified chain (examples/hello)", "",
          "Wall time from spawning QEMU to reading `Hello from Mote on PROFILE!` from its stdout, exactly as "
          "bench/boot measures, median (min–max) of %d runs of each, interleaved run by run. (a) the app ELF "
          "as `-kernel` (`mote run hello.elf`); (b) the bootloader as `-kernel` and a flash holding hello.img in "
          "slot A and no boot-state record (factory-fresh: the bootloader "
          "records slot A as active, one flash write, after its timer stops); (c) the same with slot A "
          "already confirmed (`mote mkflash --active a`: nothing written, a device's every-day boot, and the flash `mote run hello.img` makes). The "
          "flash is a fresh copy every run, made before the clock starts; QEMU gets the arguments `mote run "
          "--accel tcg` used (`cache=unsafe`, like its scratch flash). (d) is the bootloader alone: the same "
          "with a blank flash (`mote mkflash -p PROFILE`), timed to its `[boot] no bootable image` line (it then waits in recovery mode for a flasher and is killed; formerly it "
          "stops): its start-up, the boot-state read and two empty slots, no verification." % C["runs"], "",
          "| profile | (a) ELF → hello | (b) chain → hello | (c) confirmed → hello | (d) bootloader alone → its last line | (b) / (a) | (b) − (a) | (b) / (a), fastest runs |",
          "|---|---|---|---|---|---|---|---|"]
    for n in names:
        st = C["targets"][n]["stats"]
        L.append("| %s | %s | %s | %s | %s | %.2f× | %s | %.2f× |" % (
            n, rng(st["elf"], ms), rng(st["chain"], ms), rng(st["confirmed"], ms), rng(st["blank"], ms), ratio[n],
            ms(st["chain"]["median"] - st["elf"]["median"]), st["chain"]["min"] / st["elf"]["min"]))
    L += ["", "Where (b)'s time goes: host clock to the bootloader's `[boot] slot A:` line, the rest to hello; "
          "guest clock from the bootloader (`verified in`) and the app's banner (`booted in`, first "
          "instruction → app_main).", "",
          "| profile | (b) launch → `[boot]` line | (b) `[boot]` line → hello | (b) verified in (guest) | "
          "(c) verified in (guest) | (a) booted in | (b) booted in |", "|---|---|---|---|---|---|---|"]
    for n in names:
        st, s = C["targets"][n]["stats"], C["targets"][n]["samples"]
        rest = stats([h - b for h, b in zip(s["chain"], s["chain_bootline"])])
        L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            n, rng(st["chain_bootline"], ms), rng(rest, ms), rng(st["chain_verify_us"], usf),
            rng(st["confirmed_verify_us"], usf), rng(st["elf_booted_us"], usf), rng(st["chain_booted_us"], usf)))
    met = all(ratio[n] <= 1.2 for n in names)
    L += ["", "**Target (verified boot adds ≤ 20%% to launch→hello): %s.** %s" % (
        "met on both boards" if met else "NOT met" if not any(ratio[n] <= 1.2 for n in names) else
        "met on " + ", ".join(n for n in names if ratio[n] <= 1.2) + " only",
        "; ".join("%s: +%.0f%% (%s more)" % (n, (ratio[n] - 1) * 100, ms(C["targets"][n]["stats"]["chain"]["median"]
                                                                        - C["targets"][n]["stats"]["elf"]["median"]))
                  for n in names) + ".")]
    L += ["", "Where the added time goes, per board (medians):"]
    for n in names:
        st = C["targets"][n]["stats"]
        extra = st["chain"]["median"] - st["elf"]["median"]
        v = st["chain_verify_us"]["median"] / 1e6
        boot_delta = (st["chain_booted_us"]["median"] - st["elf_booted_us"]["median"]) / 1e6
        t = S["targets"].get("bench-" + n)
        fixed = ""
        if t:
            cs = sorted(t["cases"], key=lambda c: c["payload"])
            rate = (cs[-1]["payload"] - cs[-2]["payload"]) / ((cs[-1]["stats"]["verify_us"]["median"]
                                                                - cs[-2]["stats"]["verify_us"]["median"]) / 1e6)
            small = cs[0]["stats"]["verify_us"]["median"] / 1e6
            hello_b = C["targets"][n].get("payload") or 0
            fixed = (" At the streaming rate measured in section 1 (%.0f MB/s), hello's %s payload costs %s of "
                     "that; the rest is fixed cost that does not grow with the image (the 64 KiB image in section 1 "
                     "takes %s): the Ed25519 check of the header, and, under TCG, translating the bootloader's "
                     "SHA-256, Ed25519 and virtio code the first time it runs. This run does not separate those two."
                     % (rate / 1e6, size(hello_b), ms(hello_b / rate), ms(small)))
        L.append("- %s: (b) takes %s more than (a). The bootloader's verification (guest clock) is %s of it (%.0f%%)."
                 "%s The rest, %s, is running a second program before the app: QEMU creating the virtio-blk "
                 "flash, and the bootloader's start-up (console, interrupt controller, clock, virtio-blk probe, "
                 "the boot-state read, which goes out before the trusted keys are hashed, and in (b) the "
                 "boot-state write; under TCG every one of its instructions is translated fresh, as the app's "
                 "are again after the jump). (d) shows its size: with nothing to verify, the bootloader alone "
                 "reaches its last line %s after launch, %s %s than (a) prints hello. The app's own start "
                 "(`booted in`) is %s %s through the chain%s." % (
                     n, ms(extra), ms(v), 100 * v / extra if extra > 0 else 0, fixed, ms(extra - v),
                     ms(st["blank"]["median"]), ms(abs(st["blank"]["median"] - st["elf"]["median"])),
                     "later" if st["blank"]["median"] >= st["elf"]["median"] else "earlier",
                     ms(abs(boot_delta)), "slower" if boot_delta > 0 else "faster",
                     (": the bootloader hands on what it found out, %s" % (
                         "the clock calibration (2.5 ms against the PIT, which the bootloader itself measures "
                         "while it works)" if "x86" in n else "the RAM range and PSCI conduit from the device "
                         "tree (the app skips its walk of the tree)")) if boot_delta < -0.0001 else ""))
    L += ["", "What keeps the chain short (docs/boot-flow.md, *Boot time*): the flash is read through a "
          "128 KiB window, so one request brings the boot state and hello's whole slot, and it goes out before "
          "the keys are hashed; while a request is out the CPU sleeps until the device's interrupt instead of "
          "spinning (a spinning vCPU left QEMU's I/O thread without a host CPU and stalled requests for "
          "milliseconds); the `[boot]` line is written without the printf engine; the Ed25519 base point's "
          "multiples are precomputed; and the code on this path is kept free of duplicated inlined copies, "
          "because under TCG code that runs once costs more to translate than to run."]

    L += ["", "### Command lines", ""]
    for n, t in S["targets"].items():
        L.append("- %s, verification by size (one of them): `%s`" % (n, short(t["cases"][-1]["cmd"])))
    for n, t in C["targets"].items():
        L.append("- %s, (a): `%s`" % (n, short(t["cmd"]["elf"])))
        L.append("- %s, (b) and (c): `%s`" % (n, short(t["cmd"]["chain"])))
    for name, c in H["cases"].items():
        for v in ("openssl", "verify", "sign"):
            L.append("- %s, %s: `%s`" % (size(c["payload"]), v, short(c["cmd"][v])))
        for jit in ("c1", "c2"):
            L.append("- %s, one JVM, %s: `%s`" % (size(c["payload"]), jit, short(c["jvm"][jit]["cmd"])))
    L.append("- `$WORK` is a temporary directory (BENCH_KEEP=1 keeps it); the one-JVM class path is "
             "sdk/target/mote-sdk.jar, bench/target/mote-bench.jar (VerifyBench) and the SDK's test-jar.")
    block = "\n".join(l for l in L) + "\n"
    write_section(doc, (MARK_BEGIN, MARK_END), block, after=BOOT_END)
    print(block)


def groups(a, flag, n=None):
    """The argument groups after each `flag` (up to the next --flag)."""
    out, cur = [], None
    for x in a:
        if x.startswith("--"):
            cur = [] if x == flag else None
            if cur is not None:
                out.append(cur)
        elif cur is not None:
            cur.append(x)
    return out


if __name__ == "__main__":
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    runs = int(a[a.index("--runs") + 1]) if "--runs" in a else 0
    if a[0] == "sizes":
        sizes(a[1], runs, groups(a, "--target"))
    elif a[0] == "chain":
        chain(a[1], runs, groups(a, "--target"))
    elif a[0] == "host":
        host(a[1], runs, groups(a, "--case"), a[a.index("--cp") + 1])
    elif a[0] == "report":
        report(*a[1:])
    else:
        sys.exit(__doc__)
