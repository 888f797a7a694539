#!/usr/bin/env python3
"""Write a newc cpio archive holding one executable, /init (bench/boot's reference initramfs), and
any further files given as NAME=PATH (bench/net's kernel modules).

    mkcpio.py INIT OUT [NAME=PATH ...]"""
import sys

def entry(name, data, mode, ino):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08x" % v for v in (
        ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * (-len(out) % 4) + data
    return out + b"\0" * (-len(out) % 4)

init = open(sys.argv[1], "rb").read()
archive = entry("init", init, 0o100755, 1)
for i, spec in enumerate(sys.argv[3:]):
    name, path = spec.split("=", 1)
    archive += entry(name, open(path, "rb").read(), 0o100644, i + 2)
archive += entry("TRAILER!!!", b"", 0, 0)
archive += b"\0" * (-len(archive) % 512)
open(sys.argv[2], "wb").write(archive)
