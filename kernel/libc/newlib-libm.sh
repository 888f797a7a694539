#!/bin/sh
# Builds newlib's libm for one target from Debian's newlib-source package (never copied into
# this repository): the math.h functions apps link (docs/decisions.md, "The C library").
#
#   newlib-libm.sh OUT_DIR CC AR CFLAGS...    ->  OUT_DIR/libm.a
#
# The double and float functions of libm/math (fdlibm) and libm/common (ARM's exp/log/pow,
# the C99 additions); not common/'s long double ones (*l.c there, nexttoward*: apps have no
# long double support routines). Errors go to errno through __errno() (kernel/libc/stdlib.c: the thread's own errno):
# _POSIX_MODE, as C99's math_errhandling = MATH_ERRNO says (newlib's default, _IEEE_, sets none).
set -eu
out=$1 cc=$2 ar=$3
shift 3
tarball=$(ls /usr/src/newlib/newlib-*.tar.* 2>/dev/null | head -n 1 || true)
if [ -z "$tarball" ]; then
    echo "newlib-libm: newlib's source is missing: apt-get install newlib-source (scripts/setup.sh installs it)" >&2
    exit 1
fi
src=$out/src
if [ ! -f "$src/.unpacked" ] || [ "$tarball" -nt "$src/.unpacked" ]; then
    rm -rf "$src"
    mkdir -p "$src"
    tar -xf "$tarball" -C "$src" --strip-components=1 --wildcards \
        '*/newlib/libm/math/*' '*/newlib/libm/common/*' '*/newlib/libc/include/*'
    touch "$src/.unpacked"
fi
# Objects are reused while the flags and this script stay the same; otherwise built afresh.
{ echo "$*"; cksum < "$0"; } > "$out/stamp.new"
if ! cmp -s "$out/stamp.new" "$out/stamp"; then
    rm -rf "$out/obj"
fi
mv "$out/stamp.new" "$out/stamp"
mkdir -p "$out/obj"
{ ls "$src"/newlib/libm/math/*.c; ls "$src"/newlib/libm/common/*.c | grep -v -e 'l\.c$' -e '/nexttoward'; } > "$out/files"
# Compile what is missing or older than its source, two at a time.
export cc out src
tr '\n' '\0' < "$out/files" | xargs -0 -P 2 -n 8 sh -c '
for f in "$@"; do
    o=$out/obj/$(basename "$(dirname "$f")")-$(basename "$f" .c).o
    [ "$o" -nt "$f" ] && continue
    $cc '"$*"' -std=gnu11 -w -fno-builtin -D__IEEE_LITTLE_ENDIAN -D_POSIX_MODE \
        -I"$src/newlib/libc/include" -I"$src/newlib/libm/common" -c "$f" -o "$o" || exit 255
done' sh
rm -f "$out/libm.a"
sed -e 's|.*/\([^/]*\)/\([^/]*\)\.c$|'"$out"'/obj/\1-\2.o|' "$out/files" | tr '\n' '\0' | xargs -0 $ar rcs "$out/libm.a"
