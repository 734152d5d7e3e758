#!/bin/sh
# Ctrl-C (SIGINT) that lands after the run loop -- in the release checks,
# the traced allocations, the unload check or while the reports are
# written -- or before it (the session's start-up) is told as one in the
# loop is: exit 9, one "interrupted" line naming where, run.json's
# "error" and "status" saying interrupted.
# The signal is sent as soon as the phase file shows the loop over; a run
# that ended before it arrived proves nothing and is tried again, and at
# least one of the tries must land.
# Usage: interrupt_phases.sh WINE_RUN COMSTRESS_EXE OUT_DIR
set -u
run=$1 exe=$2 base=$3
rm -rf "$base"
mkdir -p "$base"
fail() {
    echo "FAIL $*"
    echo "--- the run's output:"; cat "$out.log" 2>/dev/null
    echo "--- its phase file:"; cat "$out/phase.txt" 2>/dev/null
    exit 1
}

# Waits for the Ctrl-C'd run (pid $1) to end, 30 s at most (it ends in a
# second or two): a run that has not ended by then is killed and the try
# fails, with its output and its phase file (what it was doing), instead
# of hanging the suite until CTest's timeout. Sets rc to its exit code.
wait_for_stop() {
    (sleep 30; kill -KILL "$1") >/dev/null 2>&1 &
    dog=$!
    wait "$1"
    rc=$?
    kill $dog 2>/dev/null
    [ $rc -ne 137 ] || fail "$2: the run had not ended 30 s after its Ctrl-C (killed)"
}

# A run (pid $1) that has not got as far as the test waits for (what $2
# names) in 30 s or more (3,000 polls; 3,000 iterations take a second) is
# killed and fails the test, saying so.
too_slow() {
    kill -KILL "$1" 2>/dev/null
    wait "$1"
    fail "$2"
}

landed=0
for try in 1 2 3 4 5 6; do
    out="$base/try$try"
    "$run" "$exe" run --iterations 3000 --trace --fail-on none --out "Z:$out" >"$out.log" 2>&1 &
    pid=$!
    n=0
    until grep -q "release checks" "$out/phase.txt" 2>/dev/null; do
        n=$((n + 1))
        kill -0 $pid 2>/dev/null || break
        [ $n -lt 3000 ] || too_slow $pid "try $try: no release checks after 3,000 polls (30 s or more)"
        sleep 0.01
    done
    kill -INT $pid 2>/dev/null || { wait $pid; continue; }
    wait_for_stop $pid "try $try"
    if [ $rc -eq 0 ] && ! grep -q "interrupted" "$out.log"; then
        continue                        # ended before the signal was seen
    fi
    [ $rc -eq 9 ] || fail "try $try: exit $rc after Ctrl-C past the loop, expected 9"
    grep -q "^comstress: interrupted: Ctrl-C during " "$out.log" || fail "try $try: no interrupted line"
    grep -q '"error": "interrupted: Ctrl-C' "$out/run.json" || fail "try $try: run.json does not say interrupted"
    grep -q '"status": "interrupted"' "$out/run.json" || fail "try $try: run.json's status is not interrupted"
    landed=$((landed + 1))
done
[ $landed -gt 0 ] || fail "no Ctrl-C landed past the loop in 6 tries"

# Ctrl-C as soon as the phase file exists (the session's start-up, or the
# first iterations of the loop): a run of two billion iterations stops at
# once and is told as interrupted, wherever the signal landed.
for try in 1 2 3; do
    out="$base/early$try"
    "$run" "$exe" run --iterations 2000000000 --out "Z:$out" >"$out.log" 2>&1 &
    pid=$!
    n=0
    until [ -f "$out/phase.txt" ]; do
        n=$((n + 1)); [ $n -lt 3000 ] || too_slow $pid "early try $try: no phase file after 3,000 polls (30 s or more)"
        sleep 0.01
    done
    kill -INT $pid
    wait_for_stop $pid "early try $try"
    [ $rc -eq 9 ] || fail "early try $try: exit $rc after an early Ctrl-C, expected 9"
    grep -q "^comstress: interrupted: Ctrl-C" "$out.log" || fail "early try $try: no interrupted line"
    grep -q '"status": "interrupted"' "$out/run.json" || fail "early try $try: run.json's status is not interrupted"
done
echo "interrupt_phases.sh: all checks passed ($landed of 6 landed past the loop)"
