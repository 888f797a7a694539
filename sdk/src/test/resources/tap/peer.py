"""The Linux side of the TAP tests (NetworkTapTest): Linux's own TCP, run inside the test's network
namespace with `ip netns exec`. It takes one command a line on stdin and answers each with one
line, "ok ..." or "fail ..." (stdout), so the test drives it step by step:

    recv PORT SEED N          accept one connection on PORT, read to EOF, compare with pattern(SEED, N)
    send PORT SEED N          connect to the device's PORT (retrying until it listens), send
                              pattern(SEED, N), half-close, wait for the device's close
    zerowin PORT SEED N MS    as recv, with a small receive buffer, and stop reading for MS ms after
                              the first KiB (the window closes), then read the rest
    rstrecv PORT AFTER        accept, read AFTER bytes, then reset the connection (SO_LINGER 0)
    rstsend PORT AFTER        connect to the device's PORT, send AFTER bytes, wait for one byte back
                              (the device read them all), then reset
    simclose PORT             accept, read one byte, half-close at once, read to EOF, close

    python3 peer.py DEVICE_IP        (every wait ends after 60 s with "fail ... timed out")

pattern(seed, n): x = seed; n times x = (x * 1103515245 + 12345) mod 2^32, each byte x >> 24 (the
device app and the Java test compute the same)."""
import hashlib, socket, struct, sys, time

DEVICE = sys.argv[1]
WAIT = 60.0


def pattern(seed, n):
    x, out = seed, bytearray(n)
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = x >> 24
    return bytes(out)


def accept(port, rcvbuf=None):
    l = socket.socket()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    l.bind(("0.0.0.0", port))
    l.listen(1)
    l.settimeout(WAIT)
    c, _ = l.accept()
    l.close()
    c.settimeout(WAIT)
    return c


def connect(port):
    end = time.monotonic() + WAIT
    while True:
        c = socket.socket()
        c.settimeout(WAIT)
        try:
            c.connect((DEVICE, port))
            return c
        except (ConnectionRefusedError, socket.timeout, OSError):
            c.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def read_all(c, limit=None):
    got = bytearray()
    while limit is None or len(got) < limit:
        b = c.recv(65536 if limit is None else min(65536, limit - len(got)))
        if not b:
            break
        got += b
    return bytes(got)


def compare(what, got, want):
    if got == want:
        return "ok %s %d %s" % (what, len(got), hashlib.sha256(got).hexdigest())
    diff = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
    return "fail %s: got %d of %d bytes, first difference at byte %d" % (what, len(got), len(want), diff)


def reset(c):
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


def run(cmd, a):
    if cmd == "recv":
        port, seed, n = map(int, a)
        want = pattern(seed, n)
        c = accept(port)
        got = read_all(c)
        c.close()
        return compare("recv", got, want)
    if cmd == "send":
        port, seed, n = map(int, a)
        data = pattern(seed, n)
        c = connect(port)
        c.sendall(data)
        c.shutdown(socket.SHUT_WR)
        rest = read_all(c)
        c.close()
        return "ok send %d" % n if not rest else "fail send: the device sent %d bytes back" % len(rest)
    if cmd == "zerowin":
        port, seed, n, ms = map(int, a)
        want = pattern(seed, n)
        c = accept(port, rcvbuf=4096)
        got = read_all(c, 1024)
        time.sleep(ms / 1000.0)
        got += read_all(c)
        c.close()
        return compare("zerowin", got, want)
    if cmd == "rstrecv":
        port, after = map(int, a)
        c = accept(port)
        got = read_all(c, after)
        reset(c)
        return "ok rstrecv %d" % len(got)
    if cmd == "rstsend":
        port, after = map(int, a)
        c = connect(port)
        c.sendall(pattern(7, after))
        ack = c.recv(1)
        reset(c)
        return "ok rstsend %d" % after if ack else "fail rstsend: the device closed first"
    if cmd == "simclose":
        (port,) = map(int, a)
        c = accept(port)
        go = c.recv(1)
        c.shutdown(socket.SHUT_WR)
        rest = read_all(c)
        c.close()
        return "ok simclose" if go and not rest else "fail simclose: go=%r then %d bytes" % (go, len(rest))
    return "fail unknown command %s" % cmd


print("peer ready", flush=True)
for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    try:
        print(run(words[0], words[1:]), flush=True)
    except Exception as e:   # a timeout, a reset where none was expected: the test shows it
        print("fail %s: %s: %s" % (words[0], type(e).__name__, e), flush=True)
