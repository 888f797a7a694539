#!/usr/bin/env bash
# Mote's main job, end to end: install what is missing, build the SDK (kernels
# for ARM64 and x86_64 included), then build every example for both QEMU boards
# into a signed image and boot it through the verifying bootloader, showing the
# console and the exit code; then an A/B update that is tested and confirmed,
# and a tampered image that the bootloader refuses.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
echo "== building the SDK (kernel libraries for arm64 and x86_64, the mote CLI)"
mvn -B -q -ntp -DskipTests package || exit 1
status=0
for profile in qemu-virt-arm64 qemu-microvm-x86_64; do
    for app in hello threads panic sensor-hub; do
        out="out/$app-$profile.img"
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
for profile in qemu-virt-arm64 qemu-microvm-x86_64; do
    echo
    echo "== A/B update on $profile: v1 in slot A, v2 written to slot B"
    ./mote build examples/update -p "$profile" --version 1.0.0 -o "out/update1-$profile.img" 2>/dev/null &&
    ./mote build examples/update -p "$profile" --version 2.0.0 --security-counter 1 \
        -o "out/update2-$profile.img" 2>/dev/null &&
    ./mote mkflash -p "$profile" --slot-a "out/update1-$profile.img" --slot-b "out/update2-$profile.img" \
        --pending b -o "out/flash-$profile.bin" || { status=1; continue; }
    echo "-- first boot: v2 on trial, it confirms"
    ./mote run --flash "out/flash-$profile.bin" -p "$profile" --timeout 60 || status=1
    echo "-- second boot: v2 stays"
    ./mote run --flash "out/flash-$profile.bin" -p "$profile" --timeout 60 || status=1
    echo "-- a tampered image (its header says 7.0.0, but the signature covers 2.0.0) in slot A is refused"
    cp "out/update2-$profile.img" "out/tampered-$profile.img"
    printf '\x07' | dd of="out/tampered-$profile.img" bs=1 seek=32 conv=notrunc status=none  # version 7.0.0
    ./mote mkflash -p "$profile" --slot-a "out/tampered-$profile.img" --slot-b "out/update2-$profile.img" \
        --active b --pending a --security-counter 1 -o "out/flash-$profile.bin" >/dev/null || status=1
    ./mote run --flash "out/flash-$profile.bin" -p "$profile" --timeout 60 || status=1
done
exit $status
