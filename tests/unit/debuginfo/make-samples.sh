#!/bin/sh
# Rebuilds the sample DLLs of the debug information reader's suite from
# sample.c with mingw-w64 (run by hand; the outputs are committed so that
# the host build needs no cross compiler):
#   dwarf5.dll        -O2 -g (gcc 12's default debug format, DWARF 5)
#   dwarf4.dll        -O2 -gdwarf-4
#   plain.dll         -O2, no -g: the COFF symbol table only
#   stripped.dll      -O2 -g, stripped, .gnu_debuglink to stripped.dll.debug
#   buildid.dll       -O2 -g --build-id, stripped, debug file named by its
#                     build id in build-id.debug (the suite puts it where
#                     a debug directory's .build-id/xx/ folder would)
# and sites.txt: the build id of buildid.dll as objdump prints it; per DLL, each call of sample_leaf (the return address's
# offset in the image, minus one) with what addr2line -f -i says there,
# read from the unstripped DLL (for plain.dll, which has no DWARF, the
# function symbol at or before it, as nm lists them). The suite checks the reader against it.
set -eu
cd "$(dirname "$0")"
CC=x86_64-w64-mingw32-gcc
OBJCOPY=x86_64-w64-mingw32-objcopy
OBJDUMP=x86_64-w64-mingw32-objdump
A2L=x86_64-w64-mingw32-addr2line
FLAGS="-shared -nostdlib -nostartfiles -Wl,--entry,DllMain -fno-asynchronous-unwind-tables"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$CC -O2 -g $FLAGS -o dwarf5.dll sample.c
$CC -O2 -gdwarf-4 $FLAGS -o dwarf4.dll sample.c
$CC -O2 $FLAGS -o plain.dll sample.c
$CC -O2 -g $FLAGS -o "$tmp/stripped.dll" sample.c
$CC -O2 -g $FLAGS -Wl,--build-id -o "$tmp/buildid.dll" sample.c
cp "$tmp/stripped.dll" stripped.dll
$OBJCOPY --only-keep-debug stripped.dll stripped.dll.debug
$OBJCOPY --strip-all --add-gnu-debuglink=stripped.dll.debug stripped.dll
cp "$tmp/buildid.dll" buildid.dll
$OBJCOPY --only-keep-debug buildid.dll build-id.debug
$OBJCOPY --strip-all buildid.dll

# sites.txt: the build id as objdump prints it ("buildid-signature HEX"),
# then per site "DLL RVA", addr2line's lines (function, file:line; an
# inline chain gives several pairs) and "end".
: > sites.txt
$OBJDUMP -p "$tmp/buildid.dll" |
  sed -n 's/.*RSDS signature \([0-9a-f]*\) .*/buildid-signature \1/p' >> sites.txt
for dll in dwarf5 dwarf4 stripped buildid plain; do
  src=$dll.dll
  [ -f "$tmp/$dll.dll" ] && src="$tmp/$dll.dll"
  base=$($OBJDUMP -p "$src" | awk '/^ImageBase/ { print $2 }')
  $OBJDUMP -d "$src" | awk '/call .*<sample_leaf>/ { sub(":", "", $1); print $1 }' |
  while read -r at; do
    len=$($OBJDUMP -d --start-address=0x$at --stop-address=$(printf '0x%x' $((0x$at + 1))) "$src" |
          awk -v a="$at:" '$1 == a { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9a-f][0-9a-f]$/; i++) n++; print n }')
    pc=$(printf '%x' $((0x$at + len - 1)))
    echo "$dll $(printf '%x' $((0x$pc - 0x$base)))" >> sites.txt
    if [ $dll = plain ]; then       # no DWARF: the symbol at or before pc
      x86_64-w64-mingw32-nm "$src" | sort |
        awk -v pc="$(printf '%016x' 0x$pc)" '$2 ~ /^[Tt]$/ && $1 <= pc { f = $3 } END { print f; print "??:0" }' \
        >> sites.txt
    else
      $A2L -f -i -e "$src" "0x$pc" | sed 's|^.*/||' >> sites.txt
    fi
    echo end >> sites.txt
  done
done
echo "make-samples.sh: $(grep -c end sites.txt) sites"
