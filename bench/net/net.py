#!/usr/bin/env python3
"""bench/net's measuring half: TCP throughput of Mote and of a stock Debian Linux guest on the same
QEMU board and netdev, through slirp (mote run's network) and through our relay to a TAP device in a
network namespace (clean, 1% and 5% loss); launch -> DHCP bound and -> first TCP connection beside
the empty-kernel floor; the host fuzzer's rate; and the report.

    net.py measure OUT.json --runs N --sizes CLEAN,LOSS1,LOSS5 --relay RELAY_BIN
           --target PROFILE MOTE_DHCP MOTE_STATIC FLOOR VMLINUZ INITRD_SLIRP INITRD_RELAY ARGV ...
    net.py sizes OUT.json KERNEL_OUT PROBE_DIR
    net.py fuzz OUT.json RUN_TESTS NET_FRAMES TCP_ITERS
    net.py report NET.json FUZZ.json SIZES.json FACTS DOC

ARGV: the QEMU command `mote run --hostfwd 5001` used (one argument a line, bench_shim): its
-netdev is replaced per boot (a free hostfwd port, or -netdev dgram to the relay). Every QEMU is
killed after at most 120 s; the relay's network exists only inside a namespace made here and
removed at the end; nothing listens beyond 127.0.0.1."""
import json, os, re, shlex, socket, subprocess, sys, threading, time

from benchlib import REPO, facts, profile, qemu_cmd, stats, write_section

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netpeer  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- bench/net begin -->", "<!-- bench/net end -->"
DEBIAN_MEM = "256M"
QEMU_LIMIT = 120
DEVICE_SLIRP, DEVICE_RELAY, LINUX_RELAY = "10.0.2.15", "192.168.77.2", "192.168.77.1"
NETPEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "netpeer.py")
CONDITIONS = {"clean": "loss=0", "loss1": "loss=0.01", "loss5": "loss=0.05"}


def log(msg):
    print("bench/net: " + msg, file=sys.stderr, flush=True)


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Guest:
    """A QEMU run in the background: its console lines with time.monotonic() stamps."""

    def __init__(self, cmd):
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.lines, self.cond = [], threading.Condition()
        self.killer = threading.Timer(QEMU_LIMIT, self.p.kill)
        self.killer.start()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.p.stdout:
            with self.cond:
                self.lines.append((time.monotonic(), raw.decode(errors="replace")))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def mark(self, text, timeout=60):
        """Seconds from launch to the first line containing text (waiting for it), or None."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, l in self.lines:
                    if text in l:
                        return t - self.t0
                if self.p.poll() is not None or time.monotonic() > end:
                    return None
                self.cond.wait(0.1)

    def console(self):
        with self.cond:
            return "".join(l for _, l in self.lines)

    def stop(self, timeout=10):
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.killer.cancel()
        return self.p.returncode


class Relay:
    """A network namespace with a TAP at LINUX_RELAY, the relay between it and QEMU's dgram
    netdev, and netpeer.py inside it. Removed by close()."""

    def __init__(self, relay_bin):
        self.ns = "mote-bench-net-%d" % os.getpid()
        self.qemu_port, self.relay_port = free_port(socket.SOCK_DGRAM), free_port(socket.SOCK_DGRAM)
        self.procs = []
        ip = lambda *a: subprocess.run(["ip", "-n", self.ns] + list(a), check=True, timeout=10)
        subprocess.run(["ip", "netns", "add", self.ns], check=True, timeout=10)
        try:
            ip("tuntap", "add", "dev", "tap0", "mode", "tap")
            ip("addr", "add", LINUX_RELAY + "/24", "dev", "tap0")
            ip("link", "set", "lo", "up")
            self.relay = self._spawn([relay_bin, "--netns", self.ns, "--tap", "tap0", "--listen",
                                      str(self.relay_port), "--qemu", str(self.qemu_port), "--seed", "13"])
            self._expect(self.relay, "ready")
            ip("link", "set", "tap0", "up")
            self.peer = self._spawn(["ip", "netns", "exec", self.ns, sys.executable, "-u", NETPEER,
                                     DEVICE_RELAY, "5001"])
            self._expect(self.peer, "peer ready")
        except BaseException:
            self.close()
            raise

    def _spawn(self, cmd):
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.procs.append(p)
        return p

    @staticmethod
    def _expect(p, prefix):
        line = p.stdout.readline()
        if not line.startswith(prefix):
            raise RuntimeError("expected %r, got %r" % (prefix, line))
        return line

    def ask(self, p, cmd):
        p.stdin.write(cmd + "\n")
        p.stdin.flush()
        return p.stdout.readline().strip()

    def netdev(self):
        return ("dgram,id=net0,local.type=inet,local.host=127.0.0.1,local.port=%d,remote.type=inet,"
                "remote.host=127.0.0.1,remote.port=%d" % (self.qemu_port, self.relay_port))

    def set(self, settings):
        if self.ask(self.relay, "set " + settings) != "ok":
            raise RuntimeError("relay refused " + settings)

    def stats(self):
        l = self.ask(self.relay, "stats")
        return dict((k, int(v)) for k, v in (kv.split("=") for kv in l.split()[1:]))

    def close(self):
        for p in self.procs:
            p.kill()
            p.wait()
        subprocess.run(["ip", "netns", "del", self.ns], timeout=10)


def with_netdev(cmd, netdev):
    cmd = list(cmd)
    cmd[cmd.index("-netdev") + 1] = netdev
    return cmd


def debian_cmd(argv, vmlinuz, initrd, name):
    console = "ttyAMA0" if profile(name)["console_type"] == "pl011" else "ttyS0"
    append = "console=%s quiet" % console
    if profile(name)["arch"] == "x86_64":
        append += " tsc_early_khz=%d" % host_tsc_khz()
    cmd = qemu_cmd(argv, vmlinuz, mem=DEBIAN_MEM, extra=["-initrd", initrd, "-append", append])
    # microvm: the stock kernel finds virtio-mmio devices only through ACPI (its
    # CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES is off), so its board has ACPI on; Mote's has it off
    return [a.replace("acpi=off", "acpi=on") if a.startswith("microvm") else a for a in cmd]


def host_tsc_khz():
    """The host's clock rate, which TCG's TSC runs at: on a busy host the stock kernel's own TSC
    calibration against the PIT fails now and then, and it then hangs before init, so it is told."""
    for l in open("/proc/cpuinfo"):
        if l.startswith("cpu MHz"):
            return int(float(l.split(":")[1]) * 1000)
    return 0


REPS = 3          # transfers of each kind per boot, after one untimed warm-up transfer each way


def transfers(do, sizes, conds, relay=None):
    """One untimed 1 MiB transfer each way (QEMU translates the guest's code paths on first use),
    then for each condition REPS 'S' (guest sends) and REPS 'R' (guest receives): MB/s lists."""
    out = {}
    for op in ("S", "R"):
        do(op, 1 << 20)
    for cond in conds:
        if relay:
            relay.set(CONDITIONS[cond])
        n = sizes[cond]
        for op in ("S", "R"):
            out["%s_%s" % (cond, op)] = [n / do(op, n) / 1e6 for _ in range(REPS)]
    return out


def boot_slirp(cmd, guest_ip_line, sizes, dhcp_mark):
    """One boot on slirp: launch -> (DHCP bound), -> first answered connection; clean transfers."""
    port = free_port()
    g = Guest(cmd(port))
    try:
        t_conn = netpeer.first_answer("127.0.0.1", port, 90) - g.t0
        t_dhcp = g.mark(dhcp_mark, 5) if dhcp_mark else None
        res = transfers(lambda op, n: (netpeer.send_op if op == "S" else netpeer.recv_op)("127.0.0.1", port, n),
                        sizes, ["clean"])
        netpeer.quit_op("127.0.0.1", port)
    except Exception as e:
        g.p.kill()
        sys.exit("bench/net: %s\n%s" % (e, g.console()[-3000:]))
    g.stop()
    res.update({"connected": t_conn, "dhcp": t_dhcp})
    return res, g.console()


def boot_relay(cmd, relay, sizes):
    g = Guest(cmd)
    try:
        ans = relay.ask(relay.peer, "P 90")
        if not ans.startswith("ok P"):
            raise RuntimeError(ans)

        def do(op, n):
            a = relay.ask(relay.peer, "%s %d" % (op, n))
            if not a.startswith("ok"):
                raise RuntimeError(a)
            return float(a.split()[3])
        res = transfers(do, sizes, ["clean", "loss1", "loss5"], relay)
        relay.set("loss=0")
        relay.ask(relay.peer, "Q")
    except Exception as e:
        g.p.kill()
        sys.exit("bench/net: relay: %s\n%s" % (e, g.console()[-3000:]))
    g.stop()
    return res, g.console()


def measure(out_path, runs, sizes, relay_bin, targets):
    res = {"runs": runs, "sizes": sizes, "targets": {}}
    relay = None
    if relay_bin:
        try:
            relay = Relay(relay_bin)
        except Exception as e:
            log("no relay network (%s): the relay rows are skipped" % e)
    res["relay"] = relay is not None
    try:
        for name, mote_dhcp, mote_static, floor, vmlinuz, initrd_slirp, initrd_relay, argv in targets:
            base = qemu_cmd(argv, mote_dhcp)
            slirp = base[base.index("-netdev") + 1]
            hostfwd = lambda port: re.sub(r"hostfwd=tcp:127\.0\.0\.1:\d+-:5001",
                                          "hostfwd=tcp:127.0.0.1:%d-:5001" % port, slirp)
            t = res["targets"][name] = {"samples": {}, "cmd": {
                "mote": with_netdev(base, hostfwd(0)),
                "debian": with_netdev(debian_cmd(argv, vmlinuz, initrd_slirp, name), hostfwd(0)),
                "floor": qemu_cmd(argv, floor)}}
            t["cmd"]["mote_relay"] = with_netdev(qemu_cmd(argv, mote_static), relay.netdev()) if relay else None
            t["cmd"]["debian_relay"] = (with_netdev(debian_cmd(argv, vmlinuz, initrd_relay, name), relay.netdev())
                                        if relay else None)
            s = t["samples"]
            for i in range(runs):
                # the floor: an empty kernel with the same board, NIC and netdev, launch -> exit
                t0 = time.monotonic()
                r = subprocess.run(t["cmd"]["floor"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   timeout=30)
                s.setdefault("floor", []).append(time.monotonic() - t0)
                for who in ("mote", "debian"):
                    cmd = (lambda p, w=who: with_netdev(t["cmd"][w], hostfwd(p)))
                    got, console = boot_slirp(cmd, None, sizes, "[mote] net: " if who == "mote" else None)
                    if who == "mote":
                        m = re.search(r"network took (\d+) pages and (\d+) heap bytes", console)
                        t["ram"] = {"pages": int(m.group(1)), "heap": int(m.group(2))} if m else None
                    for k, v in got.items():
                        if v is not None:
                            s.setdefault("%s_slirp_%s" % (who, k), []).extend(v if isinstance(v, list) else [v])
                    if relay:
                        got, _ = boot_relay(t["cmd"][who + "_relay"], relay, sizes)
                        for k, v in got.items():
                            s.setdefault("%s_relay_%s" % (who, k), []).extend(v)
                log("%s: run %d/%d done" % (name, i + 1, runs))
            t["stats"] = {k: stats(v) for k, v in s.items()}
    finally:
        if relay:
            relay.close()
    json.dump(res, open(out_path, "w"), indent=1)


def fuzz(out_path, run_tests, frames, iters):
    """The host fuzzers under ASan/UBSan with the bench's counts: frames per second, and the result."""
    res = {}
    for key, test, env in (("fuzz", "test_fuzz_frames", {"NET_FUZZ_FRAMES": str(frames)}),
                           ("tcp_fuzz", "test_tcp_fuzz", {"TCP_FUZZ_ITERS": str(iters)})):
        t0 = time.monotonic()
        p = subprocess.run([run_tests, test], env=dict(os.environ, **env), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=7200)
        secs = time.monotonic() - t0
        count = frames if key == "fuzz" else iters
        res[key] = {"count": count, "seconds": secs, "rate": count / secs, "status": p.returncode,
                     "tail": p.stdout[-1500:]}
        log("%s: %d in %.1f s, status %d" % (test, count, secs, p.returncode))
    json.dump(res, open(out_path, "w"), indent=1)


PARTS = [("IPv4 stack: arp, dhcp, dns, eth, icmp, inet, ip, stack, udp",
          "arp dhcp dns eth icmp inet ip stack udp"),
         ("TCP: tcp*.c except tcp_sock.c", "tcp tcp_ack tcp_in tcp_info tcp_out tcp_rcv tcp_timer tcp_user"),
         ("glue, lock, thread, mote/net.h: netif, iface, sock, tcp_sock", "netif iface sock tcp_sock"),
         ("BSD calls: bsd, bsd_addr", "bsd bsd_addr")]


def code_size(obj):
    """text + rodata of one object: every .text* and .rodata* section `llvm-size -A` lists."""
    out = subprocess.run(["llvm-size", "-A", obj], stdout=subprocess.PIPE, text=True, check=True).stdout
    return sum(int(w[1]) for w in (l.split() for l in out.splitlines())
               if len(w) >= 2 and w[1].isdigit() and (w[0].startswith(".text") or w[0].startswith(".rodata")))


def sizes(out_path, kernel_out, probe_dir):
    """Code per part of kernel/net (and the virtio-net driver) per arch, and the RAM probe's sizes."""
    res = {}
    for arch in ("arm64", "x86_64"):
        d = os.path.join(kernel_out, arch)
        parts = {label: sum(code_size(os.path.join(d, "net", f + ".o")) for f in files.split())
                 for label, files in PARTS}
        objs = [f[:-2] for f in os.listdir(os.path.join(d, "net")) if f.endswith(".o")]
        listed = set(" ".join(f for _, f in PARTS).split())
        if set(objs) != listed:
            sys.exit("bench/net: kernel/net's objects changed: %s; update PARTS" % sorted(set(objs) ^ listed))
        nm = subprocess.run(["llvm-nm", "-S", os.path.join(probe_dir, "ramprobe-%s.o" % arch)],
                            stdout=subprocess.PIPE, text=True, check=True).stdout
        probe = {w[3][3:]: int(w[1], 16) for w in (l.split() for l in nm.splitlines())
                 if len(w) == 4 and w[3].startswith("sz_")}
        res[arch] = {"parts": parts, "total": sum(parts.values()),
                     "driver": code_size(os.path.join(d, "drivers", "virtio", "net.o")), "probe": probe}
    p = res["arm64"]["probe"]
    kib = lambda b: "%.1f KiB" % (b / 1024)
    tcp_bufs = p["tcp_nbufs"] * (p["tcp_sndbuf"] + p["tcp_rcvbuf"])
    res["ram_text"] = (
        "RAM counted from the code (sizes from bench/net/ramprobe.c compiled for each arch and read with "
        "`llvm-nm -S`; %s): one `calloc` of struct netif, %d B, which holds the "
        "whole IPv4 stack's state and buffers (struct net_stack, %d B: net.h's budget), TCP's (struct "
        "tcp_stack, %d B: %d pcbs of %d B) and the NIC's bookkeeping (struct virtio_net, %d B); TCP's "
        "byte rings, `page_alloc`ed once: tcp.c's `tcp_config_default`, %d pairs of %s send + %s "
        "receive = %s; the NIC's buffers, `page_alloc`ed once: (%d receive + %d transmit) x %d B = "
        "%s, plus its two virtqueues' ring pages; the network thread's stack, %s (outside the identity "
        "map, with its guard); a few dozen bytes of heap per socket handle. Total about %s; the measured "
        "page count above is the same thing counted by the allocator." % (
            "the same on both arches" if res["arm64"]["probe"] == res["x86_64"]["probe"]
            else "arm64's; x86_64's: %s" % res["x86_64"]["probe"],
            p["struct_netif"], p["struct_net_stack"], p["struct_tcp_stack"], p["tcp_max_pcbs"],
            p["struct_tcp_pcb"], p["struct_virtio_net"], p["tcp_nbufs"], kib(p["tcp_sndbuf"]),
            kib(p["tcp_rcvbuf"]), kib(tcp_bufs), p["vnet_rx_bufs"], p["vnet_tx_bufs"], p["vnet_buf"],
            kib((p["vnet_rx_bufs"] + p["vnet_tx_bufs"]) * p["vnet_buf"]), kib(p["netif_stack"]),
            kib(p["struct_netif"] + tcp_bufs + (p["vnet_rx_bufs"] + p["vnet_tx_bufs"]) * p["vnet_buf"]
                + p["netif_stack"])))
    json.dump(res, open(out_path, "w"), indent=1)


def report(net_json, fuzz_json, sizes_json, facts_path, doc):
    net, fz, sz = json.load(open(net_json)), json.load(open(fuzz_json)), json.load(open(sizes_json))
    f = facts(facts_path)
    names = list(net["targets"])
    sec = lambda s: "%.1f ms" % (s * 1e3) if s < 1 else "%.2f s" % s
    rng = lambda st, fmt: "%s (%s–%s)" % (fmt(st["median"]), fmt(st["min"]), fmt(st["max"]))
    mbs = lambda v: "%.1f MB/s" % v
    mib = lambda n: "%g MiB" % (n / 1048576)
    pf = lambda ok: "PASS" if ok else "**MISS**"

    def med(t, k):
        st = t["stats"].get(k)
        return st["median"] if st else None

    def short(cmd):
        s = shlex.join(cmd).replace(REPO + "/", "").replace(f["work"], "$WORK")
        return s.replace(os.path.expanduser("~"), "~")

    L = ["## Network (bench/net)", "",
         "Produced by `%s` on %s. Host: `nproc` = %s, %s; %s; TCG only (no KVM); load average %s when the "
         "run ended. Every number below comes from that one run; MB = 10^6 bytes." % (
             f["command"], f["date"], f["nproc"], f["cpu"], f["qemu"], f["load"]), ""]
    # targets
    T = []
    for n in names:
        t = net["targets"][n]
        for net_name in ("slirp", "relay"):
            for op, what in (("S", "device→host"), ("R", "host→device")):
                m, d = med(t, "mote_%s_clean_%s" % (net_name, op)), med(t, "debian_%s_clean_%s" % (net_name, op))
                if m and d:
                    T.append(("%s: TCP %s through %s ≥ 1.0× the Linux guest" % (n, what, net_name),
                              "%.2f× (%s vs %s)" % (m / d, mbs(m), mbs(d)), m / d >= 1.0))
        dh, fl = med(t, "mote_slirp_dhcp"), med(t, "floor")
        T.append(("%s: launch→DHCP bound ≤ 2× the empty-kernel floor" % n,
                  "%.2f× (%s vs %s)" % (dh / fl, sec(dh), sec(fl)), dh / fl <= 2))
    for a in ("arm64", "x86_64"):
        T.append(("kernel/net code (text+rodata) ≤ 40 KiB, %s" % a, "%d B" % sz[a]["total"], sz[a]["total"] <= 40960))
    T.append(("1 MiB byte-exact at 5% loss both ways", "checked by NetworkTapTest (the Java suite), both "
              "boards, with 5% reordering and 1% duplication besides (docs/networking.md)", None))
    ok = fz["fuzz"]["status"] == 0
    T.append(("%d fuzzed frames, no crash/hang/leak (ASan/UBSan/LSan)" % fz["fuzz"]["count"],
              "%s in %s" % ("clean" if ok else "FAILED", sec(fz["fuzz"]["seconds"])), ok))
    L += ["| target (issue 13) | measured | |", "|---|---|---|"]
    L += ["| %s | %s | %s |" % (w, v, "test" if o is None else pf(o)) for w, v, o in T]

    sizes = net["sizes"]
    L += ["", "### 1. TCP bulk throughput, Mote beside a stock Debian guest", "",
          "Same QEMU board, same NIC (virtio-net on virtio-mmio), same netdev, same host peer; median "
          "(min–max) of %d transfers each: %d boots of each guest, interleaved, %d transfers of each kind "
          "per boot after an untimed 1 MiB warm-up each way. Each boot serves one connection per transfer on "
          "port 5001 (bench/apps/netperf on Mote; bench/net/netinit.c, a static init for Debian's kernel "
          "%s with its virtio modules, on Linux). The peer (bench/net/netpeer.py, Linux's own TCP on the "
          "host) times *device→host* from its request to the last byte, *host→device* from its first "
          "byte to the guest's one-byte answer. **slirp**: `mote run`'s user-mode network, the peer on "
          "127.0.0.1 through `--hostfwd`. **relay**: `-netdev dgram` to bench/net's relay "
          "(sdk/src/test/resources/tap/relay.c) and a TAP device in a network namespace, the peer inside "
          "it; *loss* drops that share of frames each way, uniformly at random (seeded). Transfer sizes: "
          "%s clean, %s at 1%%, %s at 5%%." % (net["runs"] * REPS, net["runs"], REPS, f.get("debian", "?"),
                                               mib(sizes["clean"]),
                                               mib(sizes["loss1"]), mib(sizes["loss5"])), "",
          "| board | netdev | direction | Mote | Debian | Mote / Debian |", "|---|---|---|---|---|---|"]
    for n in names:
        t = net["targets"][n]
        for net_name, conds in (("slirp", ["clean"]), ("relay", ["clean", "loss1", "loss5"])):
            for cond in conds:
                for op, what in (("S", "device→host"), ("R", "host→device")):
                    k = "%s_%s_%s" % (net_name, cond, op)
                    ms, ds = t["stats"].get("mote_" + k), t["stats"].get("debian_" + k)
                    if not ms:
                        continue
                    label = net_name if cond == "clean" else "%s, %s%% loss" % (net_name, cond[4:])
                    L.append("| %s | %s | %s | %s | %s | %s |" % (
                        n, label, what, rng(ms, mbs), rng(ds, mbs) if ds else "–",
                        "%.2f×" % (ms["median"] / ds["median"]) if ds else "–"))
    if not net.get("relay"):
        L += ["", "The relay rows are missing: this run could not make a network namespace (needs root, "
              "`ip netns`, /dev/net/tun)."]
    L += ["", "### 2. QEMU launch → DHCP bound, → first TCP connection", "",
          "Through slirp. *DHCP bound*: Mote's console line `[mote] net: 10.0.2.15 ... (dhcp)`, read from "
          "QEMU's stdout, clock started just before the spawn. *First connection*: the peer opens a "
          "connection to the hostfwd port every 10 ms from the launch on, each asking for a one-byte "
          "answer; the time of the first answer (so a full handshake and a round trip). The Debian guest "
          "has a static address (no DHCP client in its init), so only its first connection is timed; it "
          "includes the stock kernel's boot and its modules' loading (bench/boot times the boot alone). "
          "*Floor*: bench/boot's empty kernel (powers off at its first instruction) with the same "
          "arguments, NIC and netdev, launch → exit.", "",
          "| board | floor | Mote → DHCP bound | / floor | Mote → first connection | Debian → first connection |",
          "|---|---|---|---|---|---|"]
    for n in names:
        st = net["targets"][n]["stats"]
        L.append("| %s | %s | %s | %.2f× | %s | %s |" % (
            n, rng(st["floor"], sec), rng(st["mote_slirp_dhcp"], sec),
            st["mote_slirp_dhcp"]["median"] / st["floor"]["median"], rng(st["mote_slirp_connected"], sec),
            rng(st["debian_slirp_connected"], sec)))
    L += ["", "### 3. Code size and RAM", "",
          "Code: text + rodata of kernel/net's objects as the kernel build makes them (`-Os`), summed "
          "from `llvm-size -A build/ARCH/net/*.o` (every `.text*` and `.rodata*` section). RAM: counted "
          "from the code (below) and measured: the netperf app prints the pages and heap bytes that "
          "starting the network took (`mote_mem_stats` before and after `mote_net_start` + "
          "`mote_tcp_listen`).", "",
          "| | arm64 | x86_64 |", "|---|---|---|"]
    for part in sz["arm64"]["parts"]:
        L.append("| %s | %d B | %d B |" % (part, sz["arm64"]["parts"][part], sz["x86_64"]["parts"][part]))
    L.append("| **kernel/net** | **%d B** | **%d B** |" % (sz["arm64"]["total"], sz["x86_64"]["total"]))
    L.append("| outside kernel/net: virtio-net driver (`drivers/virtio/net.o`) | %d B | %d B |" % (
        sz["arm64"]["driver"], sz["x86_64"]["driver"]))
    arch_of = {n: profile(n)["arch"] for n in names}
    for n in names:
        ram = net["targets"][n].get("ram")
        if ram:
            L.append("| measured RAM taken by starting the network, %s | %d pages (%d KiB) + %d heap bytes | |"
                     % (n, ram["pages"], ram["pages"] * 4, ram["heap"]) if arch_of[n] == "arm64" else
                     "| measured RAM taken by starting the network, %s | | %d pages (%d KiB) + %d heap bytes |"
                     % (n, ram["pages"], ram["pages"] * 4, ram["heap"]))
    L += ["", sz["ram_text"]]
    fn, ft = fz["fuzz"], fz["tcp_fuzz"]
    L += ["", "### 4. Host fuzzers (`make -C kernel test`'s binary, ASan + UBSan + LeakSanitizer)", "",
          "| fuzzer | count | time | rate | result |", "|---|---|---|---|---|",
          "| frames into the whole stack (`NET_FUZZ_FRAMES`, test `fuzz`) | %d frames | %s | %.0f frames/s | %s |"
          % (fn["count"], sec(fn["seconds"]), fn["rate"], "no crash, hang or leak" if fn["status"] == 0
             else "FAILED (exit %d)" % fn["status"]),
          "| segments into TCP in every state (`TCP_FUZZ_ITERS`, test `tcp_fuzz`) | %d segments | %s | %.0f segments/s | %s |"
          % (ft["count"], sec(ft["seconds"]), ft["rate"], "no crash, hang or leak" if ft["status"] == 0
             else "FAILED (exit %d)" % ft["status"])]
    L += ["", "### Command lines", ""]
    for n in names:
        for v, c in net["targets"][n]["cmd"].items():
            if c:
                L.append("- %s, %s: `%s`" % (n, v, short(c)))
    L.append("- hostfwd port 0 above stands for a free port picked per boot; `$WORK` is a temporary directory.")
    block = "\n".join(L) + "\n"
    write_section(doc, (MARK_BEGIN, MARK_END), block, after="<!-- bench/boot end -->")
    print(block)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "measure":
        runs = int(a[a.index("--runs") + 1])
        clean, l1, l5 = (int(x) for x in a[a.index("--sizes") + 1].split(","))
        relay_bin = a[a.index("--relay") + 1] if "--relay" in a else None
        targets = [a[i + 1:i + 9] for i, x in enumerate(a) if x == "--target"]
        measure(a[1], runs, {"clean": clean, "loss1": l1, "loss5": l5}, relay_bin, targets)
    elif a and a[0] == "sizes":
        sizes(a[1], a[2], a[3])
    elif a and a[0] == "fuzz":
        fuzz(a[1], a[2], int(a[3]), int(a[4]))
    elif a and a[0] == "report":
        report(*a[1:])
    else:
        sys.exit(__doc__)
