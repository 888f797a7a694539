#!/usr/bin/env bash
# Installs the host tools Mote needs on Debian/Ubuntu: clang + lld + llvm (build), newlib's
# source (the SDK build compiles its libm for apps: kernel/libc/newlib-libm.sh), QEMU for both
# architectures (run), gdb-multiarch (debug), Mosquitto (the OTA server's tests against an
# external MQTT broker), PostgreSQL (the OTA server's tests and bench/ota start throwaway clusters
# of it: initdb + pg_ctl from /usr/lib/postgresql/VERSION/bin; the package's own cluster is not
# used), jsmn (a third-party JSON parser the C library's test compiles unchanged), Chromium and
# its WebDriver (the OTA dashboard's tests in a real browser), socat (mote run's relay for
# --guestfwd connections: much faster to start than a JVM); then checks
# Java 17 and Maven.
# Idempotent: installs only what is missing and runs apt-get update at most once.
# Run as root, or as a user with sudo.
set -euo pipefail

packages=(clang lld llvm newlib-source qemu-system-arm qemu-system-x86 qemu-system-data gdb-multiarch
          openssl mosquitto mosquitto-clients postgresql libjsmn-dev chromium chromium-driver socat)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo)
    fi
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ] && [ ${#sudo_cmd[@]} -eq 0 ]; then
        echo "setup: missing ${missing[*]}; run this script as root (no sudo found)" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -q
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "setup: clang, lld, llvm, newlib-source, QEMU (arm, x86), gdb-multiarch, openssl, mosquitto, postgresql, jsmn, chromium and socat are installed"
fi

status=0
if java_version="$(java -version 2>&1 | head -n1)"; then
    major="$(echo "$java_version" | sed -E 's/.*version "([0-9]+).*/\1/')"
    if [ "${major:-0}" -ge 17 ] 2>/dev/null; then
        echo "setup: OK java ($java_version)"
    else
        echo "setup: Java 17+ needed, found: $java_version (apt-get install openjdk-17-jdk-headless)" >&2
        status=1
    fi
else
    echo "setup: java not found (apt-get install openjdk-17-jdk-headless)" >&2
    status=1
fi
if command -v mvn >/dev/null 2>&1; then
    echo "setup: OK maven ($(mvn -v 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*m//g'))"
else
    echo "setup: mvn not found (apt-get install maven)" >&2
    status=1
fi
exit $status
