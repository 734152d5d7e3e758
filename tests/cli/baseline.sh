#!/bin/sh
# The regression gate (--baseline DIR): a leaking run set beside a clean
# baseline fails with "regression"; two clean runs pass; a leak fixed
# since the baseline is reported fixed and passes; a regression gates only
# when --fail-on holds regression; `report DIR` judges the changes as the
# live run did. Bad input: one line, exit 2, nothing created.
# Usage: baseline.sh WINE_RUN COMSTRESS_EXE OUT_DIR
set -u
run=$1 exe=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL $*"; cat "$out/log" 2>/dev/null; exit 1; }
cs() { "$run" "$exe" "$@" >"$out/log" 2>&1; }
expect() { want=$1; shift; cs "$@"; rc=$?; [ $rc -eq "$want" ] || fail "$*: exit $rc, expected $want"; }
has() { grep -qF "$1" "$out/log" || fail "no line '$1'"; }

expect 0 run --call "Add(1)" --iterations 2000 --out "Z:$out/clean"
expect 1 run --fault leak-bytes:24 --call "Add(1)" --iterations 2000 --out "Z:$out/leak"

expect 1 run --fault leak-bytes:24 --call "Add(1)" --iterations 2000 --out "Z:$out/regressed" \
    --baseline "Z:$out/clean"
has "  regression: heap_bytes: clean then, leak now (+24.0 bytes/iteration)"
grep -q '"regressions": 2' "$out/regressed/run.json" || fail "run.json has no regressions"
grep -q '<failure type="regression"' "$out/regressed/junit.xml" \
    || fail "junit.xml has no failing regression testcase"
grep -q '<h2>Against the baseline</h2>' "$out/regressed/report.html" || fail "report.html has no baseline section"

# the leak itself left out of the gate (none), the regression still gates
expect 1 run --fault leak-bytes:24 --call "Add(1)" --iterations 2000 --out "Z:$out/regressed-none" \
    --baseline "Z:$out/clean" --fail-on none
has "  regression: heap_bytes: clean then, leak now"
# a list that names a release category and not regression leaves it out
expect 0 run --fault leak-bytes:24 --call "Add(1)" --iterations 2000 --out "Z:$out/regressed-out" \
    --baseline "Z:$out/clean" --fail-on refs
has "  regression: heap_bytes: clean then, leak now (+24.0 bytes/iteration) (left out by --fail-on)"

expect 0 run --call "Add(1)" --iterations 2000 --out "Z:$out/clean2" --baseline "Z:$out/clean"
has "  against the baseline Z:$out/clean: no regression, nothing fixed"

expect 0 run --call "Add(1)" --iterations 2000 --out "Z:$out/fixed" --baseline "Z:$out/leak"
has "  fixed: heap_bytes: leak then (+24.0 bytes/iteration), clean now"

expect 1 report "Z:$out/regressed"
has "  regression: heap_bytes: clean then, leak now (+24.0 bytes/iteration)"
expect 0 report "Z:$out/regressed" --fail-on refs

# bad input: one line, exit 2, nothing created
for args in "--baseline Z:$out/nothing-there" "--baseline Z:$out" \
            "--duration 5s --iterations 100" "--duration 0" "--duration 5x" "--progress 0"; do
    expect 2 run --call "Add(1)" --out "Z:$out/refused" $args
    [ "$(wc -l <"$out/log")" -eq 1 ] || fail "$args: not one line"
    [ -e "$out/refused" ] && fail "$args: the refused run created its --out"
done
cs run --call "Add(1)" --out "Z:$out/refused" --baseline "Z:$out"
has "no run record there (runs.txt)"
echo "baseline.sh: all checks passed"
