#!/bin/sh
# A run stopped by Ctrl-C (SIGINT, as a terminal sends it to the Wine
# process) ends with exit 9 and one line saying so, and leaves every report
# with what was gathered; `comstress report` on it says it was interrupted
# and exits 9 too. Usage: interrupt.sh WINE_RUN COMSTRESS_EXE OUT_DIR
set -u
run=$1 exe=$2 out=$3
rm -rf "$out"
mkdir -p "$(dirname "$out")"
fail() { echo "FAIL $*"; cat "$out.log" 2>/dev/null; exit 1; }

"$run" "$exe" run --iterations 2000000000 --sample-every 20000 --out "Z:$out" >"$out.log" 2>&1 &
pid=$!
lines() { if [ -f "$out/samples.csv" ]; then wc -l <"$out/samples.csv"; else echo 0; fi; }
# Wait until enough samples flowed for a verdict, at most 60 s.
n=0
while [ "$(lines)" -lt 60 ]; do
    n=$((n + 1)); [ $n -lt 600 ] || { kill -KILL $pid; fail "no samples after 60 s"; }
    sleep 0.1
done
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 9 ] || fail "exit $rc after Ctrl-C, expected 9"
grep -q "^comstress: interrupted: Ctrl-C after [0-9]* iterations" "$out.log" || fail "no interrupted line"
for f in run.json samples.csv memory.svg report.html junit.xml; do
    [ -s "$out/$f" ] || fail "$f missing after Ctrl-C"
done
grep -q '"error": "interrupted: Ctrl-C after' "$out/run.json" || fail "run.json does not say interrupted"
grep -q 'metrics clean (--verbose' "$out.log" || fail "no verdict on what was gathered"
"$run" "$exe" report "Z:$out" >"$out.report.log" 2>&1
rc=$?
[ $rc -eq 9 ] || { cat "$out.report.log"; fail "report exits $rc, expected 9 like the run"; }
echo "interrupt.sh: all checks passed"
