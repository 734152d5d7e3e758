#!/bin/sh
# samples.csv removed while a run streams to it (from the Unix side, as a
# careless cleanup would): the run ends with exit 5, one line naming the
# file (never "(null)"), and a run.json whose error says there are no
# verdicts. Usage: vanished.sh WINE_RUN COMSTRESS_EXE OUT_DIR
set -u
run=$1 exe=$2 out=$3
rm -rf "$out"
mkdir -p "$(dirname "$out")"
fail() { echo "FAIL $*"; cat "$out.log" 2>/dev/null; exit 1; }
lines() { if [ -f "$out/samples.csv" ]; then wc -l <"$out/samples.csv"; else echo 0; fi; }

"$run" "$exe" run --iterations 2000000 --sample-every 20000 --timeout 120 --out "Z:$out" >"$out.log" 2>&1 &
pid=$!
n=0
while [ "$(lines)" -lt 10 ]; do
    n=$((n + 1)); [ $n -lt 600 ] || { kill -KILL $pid; fail "no samples after 60 s"; }
    sleep 0.1
done
rm -f "$out/samples.csv"
wait $pid
rc=$?
[ "$(grep -c 'run/type: 2000000 iterations' "$out.log")" -eq 1 ] || fail "the run did not go on to its end"
[ $rc -eq 5 ] || fail "exit $rc after samples.csv vanished, expected 5"
grep -q "(null)" "$out.log" && fail "a (null) message"
grep -q "^comstress: .*samples.csv: cannot open" "$out.log" || fail "no line naming samples.csv"
grep -q '"error": "no verdicts: ' "$out/run.json" || fail "run.json does not say there are no verdicts"
echo "vanished.sh: all checks passed"
