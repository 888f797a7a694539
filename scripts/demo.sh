#!/usr/bin/env bash
# Mote's main job, end to end: install what is missing, build the SDK (kernel
# libraries for ARM64 and x86_64 included), then update a fleet over the air: a
# fleet key, examples/telemetry 1.0.0 for both QEMU boards, one ARM64 and one
# x86_64 device provisioned for `mote ota serve` (embedded broker and
# database), both booted and connected, 2.0.0 uploaded and rolled out in phases,
# both devices downloading it, rebooting into it and confirming it, and
# `mote ota status` showing them confirmed on 2.0.0. Then every example booted
# through the verifying bootloader on both boards, an A/B update that is tested
# and confirmed, and a tampered image that the bootloader refuses.
# MOTE_DEMO_MQTT / MOTE_DEMO_HTTP: the OTA server's ports (default 21883, 28080).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
echo "== building the SDK (kernel libraries for arm64 and x86_64, the mote CLI)"
mvn -B -q -ntp -DskipTests package || exit 1
status=0

# ---- over the air: two devices, one rollout per board, each device counted once it confirmed ----
ota=out/ota-demo mqtt="${MOTE_DEMO_MQTT:-21883}" http="${MOTE_DEMO_HTTP:-28080}"
export MOTE_OTA_SERVER="http://127.0.0.1:$http"
rm -rf "$ota" && mkdir -p "$ota"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; pids=(); }
trap cleanup EXIT
# wait_for SECONDS WHAT COMMAND...: run COMMAND every second until it succeeds
wait_for() {
    local s="$1" what="$2"; shift 2
    for _ in $(seq "$s"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
    echo "-- gave up after $s s waiting for $what"; return 1
}
ota_demo() {
    echo
    echo "== OTA: a fleet key; telemetry 1.0.0 and 2.0.0 for both boards"
    ./mote keygen --out "$ota/fleet" >/dev/null || return 1
    for p in qemu-virt-arm64 qemu-microvm-x86_64; do
        ./mote build examples/telemetry -p "$p" --key "$ota/fleet.key" --version 1.0.0 -o "$ota/v1-$p.img" || return 1
        ./mote build examples/telemetry -p "$p" --key "$ota/fleet.key" --version 2.0.0 --security-counter 1 \
            -o "$ota/v2-$p.img" || return 1
    done
    echo "== OTA: mote ota serve (embedded MQTT broker on 127.0.0.1:$mqtt, REST on $http, SQLite in $ota/data)"
    ./mote ota serve --data "$ota/data" --trust "$ota/fleet.pub" --mqtt-port "$mqtt" --http-port "$http" \
        > "$ota/server.log" 2>&1 &
    pids+=($!)
    wait_for 60 "the OTA server" test -f "$ota/data/admin.token" || { cat "$ota/server.log"; return 1; }
    export MOTE_OTA_TOKEN; MOTE_OTA_TOKEN="$(cat "$ota/data/admin.token")"
    wait_for 30 "the OTA server's REST API" ./mote ota images || { cat "$ota/server.log"; return 1; }
    local dev id p
    for dev in arm-1:qemu-virt-arm64 x86-1:qemu-microvm-x86_64; do
        id="${dev%%:*}" p="${dev#*:}"
        echo "== OTA: device $id ($p): 1.0.0 in slot A, provisioned, booted"
        ./mote mkflash -p "$p" --slot-a "$ota/v1-$p.img" -o "$ota/$id.flash" >/dev/null || return 1
        ./mote ota provision "$id" --flash "$ota/$id.flash" -p "$p" --group demo || return 1
        ./mote run --flash "$ota/$id.flash" -p "$p" --pub "$ota/fleet.pub" --guestfwd "$mqtt" --timeout 300 \
            > "$ota/$id.console" 2>&1 &
        pids+=($!)
    done
    wait_for 90 "both devices online" sh -c "./mote ota devices --group demo --online | grep -q '^2 device'" ||
        return 1
    ./mote ota devices --group demo
    echo "== OTA: upload 2.0.0, then one rollout per board: a canary phase (1 device), then the rest"
    local sha
    for p in qemu-virt-arm64 qemu-microvm-x86_64; do
        ./mote ota upload "$ota/v2-$p.img" || return 1
        sha="$(./mote ota images --json | python3 -c "import json,sys
print([i['sha256'] for i in json.load(sys.stdin) if i['profile'] == '$p' and i['version'] == '2.0.0'][0])")"
        ./mote ota rollout create --image "$sha" --group demo --phases 1,100% --name "telemetry-2.0.0-$p" || return 1
    done
    wait_for 240 "both rollouts to complete" \
        sh -c "./mote ota status 1 | grep -q completed && ./mote ota status 2 | grep -q completed"
    local ok=$?
    ./mote ota status 1 --jobs
    ./mote ota status 2 --jobs
    ./mote ota devices --group demo
    for id in arm-1 x86-1; do
        echo "-- $id's console:"
        grep -E '^\[boot\]|ota:|mqtt: connected|confirmed|rebooting' "$ota/$id.console" | sed 's/^/   /'
    done
    [ $ok = 0 ] || return 1
    ./mote ota devices --group demo --json | python3 -c "import json,sys
d = json.load(sys.stdin)
sys.exit(0 if len(d) == 2 and all(x['version'] == '2.0.0' for x in d) else 1)" || return 1
    echo "-- both devices run 2.0.0, each counted once it confirmed after its reboot"
}
ota_demo || { echo "-- OTA demo FAILED"; status=1; }
cleanup
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
