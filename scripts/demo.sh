#!/usr/bin/env bash
# Mote's main job, end to end: install what is missing, build the SDK (kernels
# for ARM64 and x86_64 included), then build every example for both QEMU boards
# and boot it, showing the console and the exit code.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
echo "== building the SDK (kernel libraries for arm64 and x86_64, the mote CLI)"
mvn -B -q -ntp -DskipTests package || exit 1
status=0
for profile in qemu-virt-arm64 qemu-microvm-x86_64; do
    for app in hello threads panic; do
        out="out/$app-$profile.elf"
        echo
        echo "== $app on $profile"
        ./mote build "examples/$app" -p "$profile" -o "$out" || { status=1; continue; }
        ./mote run "$out" --timeout 60
        code=$?
        want=0; [ "$app" = panic ] && want=101
        echo "-- exit code $code (expected $want)"
        [ "$code" = "$want" ] || status=1
    done
done
exit $status
