#!/bin/sh
# `comstress report DIR` whose samples.csv is a link to /dev/zero (bytes
# without end) returns: exit 5, one line naming the file, well within the
# time limit; runs.txt and phase.txt linked there too change nothing.
# Usage: zero_samples.sh WINE_RUN COMSTRESS_EXE OUT_DIR
set -u
run=$1 exe=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL $*"; cat "$out.log" 2>/dev/null; exit 1; }

ln -s /dev/zero "$out/samples.csv"
ln -s /dev/zero "$out/runs.txt"
ln -s /dev/zero "$out/phase.txt"
timeout 90 "$run" "$exe" report "Z:$out" >"$out.log" 2>&1
rc=$?
[ $rc -ne 124 ] || fail "report on a samples.csv of /dev/zero did not return in 90 s"
[ $rc -eq 5 ] || fail "exit $rc, expected 5"
grep -q "samples.csv: not a text file" "$out.log" || fail "no line naming samples.csv"
echo "zero_samples.sh: all checks passed"
