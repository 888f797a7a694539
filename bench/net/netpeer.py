#!/usr/bin/env python3
"""bench/net's host side of a transfer: Linux's own TCP talking to the guest's server on port 5001
(bench/apps/netperf on Mote, bench/net/netinit.c on Debian), with the protocol both serve: one op
byte and a big-endian 64-bit count per connection. Used as a module by net.py (through slirp's
hostfwd on 127.0.0.1), or as a program inside the relay's network namespace:

    netpeer.py HOST PORT        then commands on stdin, one answer line each on stdout:
      S N      the guest sends N bytes      -> "ok S N SECONDS"  (request sent -> EOF after N bytes)
      R N      the guest receives N bytes   -> "ok R N SECONDS"  (first byte sent -> the guest's answer)
      P T      connect until the guest answers (a new attempt every 10 ms, each given up after
               1 s, for up to T s)
                                            -> "ok P MONOTONIC"  (time.monotonic() of the answer)
      Q        ask the guest to stop        -> "ok Q"
Every wait ends after 60 s ("fail ...")."""
import selectors, socket, struct, sys, time

WAIT = 60.0
CHUNK = bytes(65536)


def _conn(host, port):
    s = socket.create_connection((host, port), timeout=WAIT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def send_op(host, port, n):
    """The guest sends n bytes: seconds from the request to the last byte (and its FIN)."""
    s = _conn(host, port)
    t0 = time.perf_counter()
    s.sendall(b"S" + struct.pack(">Q", n))
    got, buf = 0, bytearray(1 << 20)
    while True:
        r = s.recv_into(buf)
        if not r:
            break
        got += r
    t = time.perf_counter() - t0
    s.close()
    if got != n:
        raise RuntimeError("S %d: got %d bytes" % (n, got))
    return t


def recv_op(host, port, n):
    """The guest receives n bytes: seconds from the first byte to the guest's answer."""
    s = _conn(host, port)
    s.sendall(b"R" + struct.pack(">Q", n))
    t0 = time.perf_counter()
    left = n
    while left:
        k = min(left, len(CHUNK))
        s.sendall(CHUNK[:k])
        left -= k
    ans = s.recv(1)
    t = time.perf_counter() - t0
    s.close()
    if ans != b"k":
        raise RuntimeError("R %d: the guest answered %r" % (n, ans))
    return t


def first_answer(host, port, timeout):
    """Open a connection every 10 ms (each asking 'P') until one is answered: time.monotonic() then."""
    sel = selectors.DefaultSelector()
    end = time.monotonic() + timeout
    next_try = 0.0
    try:
        while time.monotonic() < end:
            now = time.monotonic()
            for key in [k for k in sel.get_map().values() if now - k.data[1] > 1.0]:
                sel.unregister(key.fileobj)   # unanswered for 1 s: slirp would retry its SYN much later
                key.fileobj.close()
            if now >= next_try:
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex((host, port))
                sel.register(s, selectors.EVENT_WRITE, ("connecting", now))
                next_try = now + 0.01
            for key, ev in sel.select(max(0.0, min(0.01, next_try - time.monotonic()))):
                s = key.fileobj
                if key.data[0] == "connecting":
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        sel.unregister(s)
                        s.close()
                        continue
                    try:
                        s.send(b"P" + bytes(8))
                    except OSError:
                        sel.unregister(s)
                        s.close()
                        continue
                    sel.modify(s, selectors.EVENT_READ, ("asked", key.data[1]))
                else:
                    try:
                        b = s.recv(1)
                    except OSError:
                        b = b""
                    if b == b"p":
                        return time.monotonic()
                    sel.unregister(s)
                    s.close()
        raise RuntimeError("no answer on %s:%d within %.0f s" % (host, port, timeout))
    finally:
        for key in list(sel.get_map().values()):
            key.fileobj.close()
        sel.close()


def quit_op(host, port):
    s = _conn(host, port)
    s.sendall(b"Q" + bytes(8))
    s.close()


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    print("peer ready", flush=True)
    for line in sys.stdin:
        w = line.split()
        if not w:
            continue
        try:
            if w[0] == "S":
                print("ok S %s %.6f" % (w[1], send_op(host, port, int(w[1]))), flush=True)
            elif w[0] == "R":
                print("ok R %s %.6f" % (w[1], recv_op(host, port, int(w[1]))), flush=True)
            elif w[0] == "P":
                print("ok P %.6f" % first_answer(host, port, float(w[1])), flush=True)
            elif w[0] == "Q":
                quit_op(host, port)
                print("ok Q", flush=True)
            else:
                print("fail unknown command %s" % w[0], flush=True)
        except Exception as e:
            print("fail %s: %s: %s" % (w[0], type(e).__name__, e), flush=True)


if __name__ == "__main__":
    main()
