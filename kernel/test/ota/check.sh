#!/bin/sh
# The OTA agent's checks, standalone (until kernel/Makefile builds kernel/ota/):
#   1. the host tests under ASan/UBSan, with the kernel's own printf engine
#      (OTA_FUZZ_ITERS / OTA_FUZZ_SEED set the fuzz test's steps and seed);
#   2. every kernel/ota/*.c compiled freestanding for both kernel targets with
#      the kernel's flags, -Werror;
#   3. the agent's and the identity parser's text+rodata per arch, linked with
#      --gc-sections from the entry points (what an app that uses them carries).
# Run from the repository root: sh kernel/test/ota/check.sh [OUT_DIR]
set -eu
OUT=${1:-/tmp/mote-ota-check}
mkdir -p "$OUT"
cd kernel

echo "== host tests"
${HOSTCC:-cc} -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
  -fno-builtin -DHOST_TEST -Dsnprintf=k_snprintf -Dvsnprintf=k_vsnprintf \
  -Iota -Iinclude -Itest test/ota/*.c ota/*.c src/bootstate.c src/sha256.c src/fmt.c \
  -o "$OUT/ota-tests"
"$OUT/ota-tests"

COMMON="-std=c11 -O2 -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
  -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls -fno-common \
  -ffunction-sections -fdata-sections -Wall -Wextra -Werror -Iinclude -Iota"
sum() { llvm-size -A "$1" | awk '$1 ~ /^\.(text|rodata)/ {s += $2} END {print s + 0}'; }
for arch in arm64 x86_64; do
    if [ $arch = arm64 ]; then
        flags="--target=aarch64-none-elf -march=armv8-a -mgeneral-regs-only -mstrict-align"
    else
        flags="--target=x86_64-none-elf -mgeneral-regs-only -mno-red-zone"
    fi
    flags="$flags -mcmodel=small -fno-asynchronous-unwind-tables -fno-unwind-tables"
    mkdir -p "$OUT/$arch"
    for f in ota/*.c; do
        # shellcheck disable=SC2086
        clang $flags $COMMON -c "$f" -o "$OUT/$arch/$(basename "$f" .c).o"
    done
    cd "$OUT/$arch"
    ld.lld -o agent.elf --gc-sections --entry=ota_agent_init -u ota_agent_connected \
        -u ota_agent_disconnected -u ota_agent_message -u ota_agent_timer \
        -u ota_agent_next_deadline --unresolved-symbols=ignore-all \
        agent.o job.o report.o control.o download.o progress.o
    ld.lld -o identity.elf --gc-sections --entry=identity_parse \
        --unresolved-symbols=ignore-all identity.o
    echo "== $arch: agent $(sum agent.elf) bytes, identity_parse $(sum identity.elf) bytes (text+rodata)"
    cd - >/dev/null
done
