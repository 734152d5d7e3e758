#!/bin/sh
# Soak runs and progress: --duration ends the run within a second of its
# time with a verdict; --progress N writes a plain line every N seconds
# when the output is not a terminal (counted and soak runs alike);
# samples.csv stays within its row budget however dense the samples.
# Usage: soak.sh WINE_RUN COMSTRESS_EXE OUT_DIR
set -u
run=$1 exe=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL $*"; cat "$out/log" 2>/dev/null; exit 1; }
cs() { "$run" "$exe" "$@" >"$out/log" 2>&1; }
seconds() { sed -n 's/^ *"seconds": \([0-9.]*\),*$/\1/p' "$1/run.json" | head -1; }
rows() { echo $(( $(wc -l <"$1/samples.csv") - 1 )); }

cs run --call "Add(1)" --duration 2s --progress 0.5 --out "Z:$out/soak"
rc=$?
[ $rc -eq 0 ] || fail "--duration 2s: exit $rc, expected 0"
s=$(seconds "$out/soak")
awk -v s="$s" 'BEGIN { exit !(s >= 2.0 && s < 3.0) }' || fail "--duration 2s ran $s s"
n=$(grep -c '^progress: run/type, [0-9]* iterations, .* of 0:02 ([0-9]*%), [0-9:]* left.\{0,1\}$' "$out/log")
[ "$n" -ge 2 ] || fail "--progress 0.5 over 2 s: $n progress lines"
grep -q "metrics clean" "$out/log" || fail "no verdict after the soak"
[ "$(rows "$out/soak")" -le 4096 ] || fail "samples.csv has $(rows "$out/soak") rows, over its budget"

# a sample at every iteration (each with a heap walk: about 0.3 ms under
# load): past the budget in 3 s even on a loaded machine, thinned to it
cs run --call "Add(1)" --duration 3s --sample-every 1 --progress off --out "Z:$out/dense"
rc=$?
[ $rc -eq 0 ] || fail "--duration 3s --sample-every 1: exit $rc, expected 0"
grep -q '^progress:' "$out/log" && fail "--progress off wrote a progress line"
r=$(rows "$out/dense")
[ "$r" -le 4096 ] || fail "dense samples.csv has $r rows, over its budget of 4096"
[ "$r" -ge 1024 ] || fail "dense samples.csv has $r rows: thinned past half its budget"
it=$(sed -n 's/^ *"iterations": \([0-9]*\),*$/\1/p' "$out/dense/run.json" | head -1)
[ "${it:-0}" -gt 4096 ] || fail "the dense soak did $it iterations, not past the budget of 4096 rows"

# a counted run says how far it is, in plain lines
cs run --call "Add(1)" --iterations 2000000 --progress 0.25 --out "Z:$out/counted"
rc=$?
[ $rc -eq 0 ] || fail "--iterations 2000000 --progress 0.25: exit $rc"
grep -q '^progress: run/type, [0-9]*/2000000 iterations ([0-9]*%), .* elapsed, [0-9:]* left.\{0,1\}$' "$out/log" \
    || fail "a counted run of 2,000,000 iterations wrote no progress line every 0.25 s"
echo "soak.sh: all checks passed"
