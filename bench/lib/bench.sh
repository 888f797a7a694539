# bench/lib/bench.sh: what every bench/X/run shares; sourced, never run. Each benchmark is a client
# of the product: facts about profiles, images and ELF files come from `mote profiles --json` and
# `mote inspect --json`, QEMU's arguments from `mote run` itself (through a PATH shim), and the
# Java harnesses (bench/src) are built by Maven with the rest.
#
#   source "$(dirname "$0")/../lib/bench.sh"; bench_setup NAME
#
# After bench_setup: $repo (the checkout, also the current directory), $work (a temporary
# directory, removed at exit unless BENCH_KEEP=1), $doc (where the report goes: docs/BENCHMARKS.md,
# or with --quick a copy in $work), say MESSAGE (to stderr).

bench_setup() {   # NAME
    bench="$1"
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    cd "$repo"
    work="$(mktemp -d "/tmp/mote-bench-$bench.XXXXXX")"
    # this run's own development key (one per user otherwise: docs/image-format.md)
    export MOTE_DEV_KEY="$work/dev-signing.key"
    if [ -n "${BENCH_KEEP:-}" ]; then say "keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
    doc="$repo/docs/BENCHMARKS.md"
    export PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$repo/bench/lib${PYTHONPATH:+:$PYTHONPATH}"
}

say() { echo "bench/$bench: $*" >&2; }

# --quick: the report goes to a copy of docs/BENCHMARKS.md in $work (printed, not kept), so a
# smoke run of a benchmark does not replace the measured numbers.
bench_quick() {
    cp "$repo/docs/BENCHMARKS.md" "$work/BENCHMARKS.md"
    doc="$work/BENCHMARKS.md"
    say "--quick: a smoke run; the report goes to $doc, docs/BENCHMARKS.md is left alone"
}

bench_need() {    # TOOL...
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null || { say "missing $t (bash scripts/setup.sh installs the toolchain)"; exit 1; }
    done
}

# The product's jars and the harnesses (bench/src), built now so no timing includes a build.
bench_build() {
    say "building the product and the harnesses (mvn package -pl bench -am)"
    mvn -B -q -ntp -Dstyle.color=never package -DskipTests -pl bench -am >&2
}

# The class path for a harness: the product jar it measures, the harnesses, the SDK's test fixtures.
bench_cp() {      # PRODUCT_JAR
    echo "$1:$repo/bench/target/mote-bench.jar:$(ls "$repo"/sdk/target/mote-sdk-*-tests.jar | head -1)"
}

# QEMU exactly as `mote run` starts it: a PATH shim logs the arguments (binary first, one a line)
# to $MOTE_BENCH_ARGV, then runs the real QEMU.
bench_shim() {
    local q
    mkdir -p "$work/shim"
    for q in qemu-system-aarch64 qemu-system-x86_64; do
        printf '#!/bin/sh\nprintf "%%s\\n" %s "$@" > "$MOTE_BENCH_ARGV"\nexec %s "$@"\n' \
            "$q" "$(command -v "$q")" > "$work/shim/$q"
        chmod +x "$work/shim/$q"
    done
}

bench_argv() {    # ARGV_FILE mote-run-arguments...: `mote run ... --accel tcg`, its QEMU command logged
    local argv="$1"; shift
    MOTE_BENCH_ARGV="$argv" PATH="$work/shim:$PATH" ./mote run "$@" --accel tcg >&2
}

# One field of `mote inspect --json FILE` (an image or an ELF).
bench_inspect() { # FILE FIELD
    ./mote inspect --json "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# The lines every report's "Produced by" sentence uses; more may follow (KEY=VALUE).
bench_facts() {   # COMMAND
    local cpu
    cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    [ -n "$cpu" ] || cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
    echo "command=$1"
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "nproc=$(nproc)"
    echo "cpu=$cpu"
    echo "qemu=$(qemu-system-x86_64 --version 2>/dev/null | head -1 | sed 's/ version / /')"
    echo "java=$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/OpenJDK \1/p' | head -1)"
    echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "work=$work"
}

# One field of a profile (a name or a .profile file) from `mote profiles --json -p PROFILE`.
bench_profile() { # PROFILE FIELD
    ./mote profiles --json -p "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0][sys.argv[1]])' "$2"
}

# --help: the run script's opening comment.
bench_help() {
    sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
}

# Where the Debian reference kernels are kept between runs.
bench_cache() {
    echo "${MOTE_BENCH_CACHE:-$HOME/.cache/mote/bench}"
}

# The stock Debian kernel for ARCH (amd64|arm64), fetched once into the cache (its .deb kept there
# too); prints the path of its vmlinuz. arm64 is fetched with its own apt state, so the host's dpkg
# configuration is untouched.
bench_debian_kernel() {   # ARCH
    local arch="$1" cache dir opts=()
    cache="$(bench_cache)"
    dir="$cache/$arch"
    if [ "$arch" != "$(dpkg --print-architecture)" ]; then
        local d="$cache/apt-$arch"
        mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
        opts=(-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch" -o "Dir::State::Lists=$d/lists"
              -o "Dir::Cache=$d/cache" -o "Dir::State::status=/dev/null")
    fi
    if ! ls "$dir"/boot/vmlinuz-* >/dev/null 2>&1 || ! ls "$cache"/linux-image-*_"$arch".deb >/dev/null 2>&1; then
        [ ${#opts[@]} -eq 0 ] || apt-get "${opts[@]}" update >&2
        local pkg
        pkg="$(apt-cache "${opts[@]}" depends "linux-image-$arch" | sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)"
        [ -n "$pkg" ] || { say "cannot resolve linux-image-$arch"; exit 1; }
        say "fetching $pkg"
        mkdir -p "$dir"
        (cd "$cache" && apt-get "${opts[@]}" download "$pkg" >&2)
        dpkg-deb --fsys-tarfile "$cache/${pkg}"_*_"$arch".deb | tar -x -C "$dir" ./boot
    fi
    ls "$dir"/boot/vmlinuz-* | head -1
}

# Kernel modules of that Debian kernel, copied into DEST in the order named (NAME.ko; a name the
# kernel has built in, so without a .ko, is skipped); prints the copied paths, one a line.
bench_debian_modules() {  # ARCH DEST NAME...
    local arch="$1" dest="$2" cache deb m f
    shift 2
    cache="$(bench_cache)"
    deb="$(ls "$cache"/linux-image-*_"$arch".deb | head -1)"
    mkdir -p "$dest/tree"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dest/tree" --wildcards './lib/modules/*/kernel/drivers/net/*.ko' \
        './lib/modules/*/kernel/drivers/virtio/*.ko' './lib/modules/*/kernel/net/core/*.ko'
    for m in "$@"; do
        f="$(find "$dest/tree" -name "$m.ko" | head -1)"
        [ -z "$f" ] || { cp "$f" "$dest/$m.ko"; echo "$dest/$m.ko"; }
    done
}
