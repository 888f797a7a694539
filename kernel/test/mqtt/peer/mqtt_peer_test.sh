#!/bin/bash
# The MQTT client against a real broker: builds mqtt_peer (codec + session +
# a socket loop, under ASan/UBSan), starts Debian's Mosquitto on a free
# loopback port with a password file in a temp dir, runs the scenario in
# mqtt_peer.c, checks with mosquitto_sub that the broker published the
# device's will when its connection was cut, and that a wrong password is
# refused with the broker's reason. Every step has a timeout.
#
#   bash kernel/test/mqtt/peer/mqtt_peer_test.sh      (exit 0: passed; 1: failed)
#
# Needs mosquitto + mosquitto-clients (apt-get install mosquitto mosquitto-clients).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
OUT=${OUT:-$ROOT/build/host-test}
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
for tool in "$MOSQUITTO" mosquitto_sub mosquitto_passwd; do
    command -v "$tool" >/dev/null || { echo "mqtt_peer_test: $tool not found (apt-get install mosquitto mosquitto-clients)"; exit 1; }
done

TMP=$(mktemp -d)
BROKER=""
SUB=""
cleanup() {
    [ -n "$SUB" ] && kill "$SUB" 2>/dev/null || true
    [ -n "$BROKER" ] && kill "$BROKER" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

mkdir -p "$OUT"
cc -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=undefined \
   -I"$ROOT/kernel/include" -I"$ROOT/kernel" "$ROOT/kernel/test/mqtt/peer/mqtt_peer.c" \
   "$ROOT/kernel/mqtt/mqtt_codec.c" "$ROOT/kernel/mqtt/mqtt_client.c" -o "$OUT/mqtt-peer"

# A free loopback port: bind to 0 and take what the kernel gives.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
       2>/dev/null || echo $((20000 + RANDOM % 40000)))
mosquitto_passwd -b -c "$TMP/passwd" d1 device-secret >/dev/null 2>&1
mosquitto_passwd -b "$TMP/passwd" observer observer-secret >/dev/null 2>&1
cat > "$TMP/mosquitto.conf" <<EOF
listener $PORT 127.0.0.1
allow_anonymous false
password_file $TMP/passwd
persistence false
log_dest stderr
log_type all
EOF
# Run as root, Mosquitto drops to its own user: let it read the config and passwords.
chmod 755 "$TMP"
chmod 644 "$TMP/passwd" "$TMP/mosquitto.conf"
"$MOSQUITTO" -c "$TMP/mosquitto.conf" 2> "$TMP/mosquitto.log" &
BROKER=$!
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done

# The observer waits for the will (retained, so it is seen even if published first).
timeout 40 mosquitto_sub -h 127.0.0.1 -p "$PORT" -u observer -P observer-secret \
    -t 'mote/test/d1/status' -v -C 1 -W 35 > "$TMP/will.txt" 2>&1 &
SUB=$!

status=0
echo "== scenario"
timeout 30 "$OUT/mqtt-peer" "$PORT" d1 d1 device-secret || status=1

echo "== the will, as mosquitto_sub saw it"
if timeout 10 tail --pid="$SUB" -f /dev/null; then :; fi
SUB=""
cat "$TMP/will.txt"
grep -qx 'mote/test/d1/status offline' "$TMP/will.txt" || { echo "FAIL: no will published"; status=1; }

echo "== a wrong password"
timeout 10 "$OUT/mqtt-peer" "$PORT" d1 d1 wrong-password refused || status=1

if [ $status -ne 0 ]; then
    echo "--- mosquitto.log"
    tail -40 "$TMP/mosquitto.log" || true
    echo "mqtt_peer_test: FAILED"
    exit 1
fi
echo "mqtt_peer_test: passed"
