#!/bin/sh
# Text + rodata of kernel/mqtt/*.c per arch, compiled with the kernel's flags
# (kernel/Makefile COMMON_CFLAGS + the ports' ARCH_CFLAGS); OPT as first argument (default -O2).
#   sh kernel/test/mqtt/mqtt_size.sh [-O2|-Os|-Oz]
set -e
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OPT=${1:--O2}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
F="-std=c11 $OPT -g -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
 -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls -fno-common -ffunction-sections -fdata-sections \
 -Wall -Wextra -Werror -mgeneral-regs-only -I$ROOT/kernel/include -I$ROOT/kernel/mqtt"
for t in aarch64 x86_64; do
    A="-march=armv8-a -mstrict-align -mcmodel=small"
    [ $t = x86_64 ] && A="-mno-red-zone -mcmodel=small"
    total=0
    for f in "$ROOT"/kernel/mqtt/*.c; do
        o="$TMP/$(basename "$f" .c).$t.o"
        clang --target=$t-none-elf $F $A -c "$f" -o "$o"
        s=$(llvm-size -A "$o" | awk '/^\.(text|rodata)/ {s += $2} END {print s + 0}')
        echo "$t $OPT $(basename "$f"): $s"
        total=$((total + s))
    done
    echo "$t $OPT total: $total"
done
