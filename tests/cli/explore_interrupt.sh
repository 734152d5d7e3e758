#!/bin/sh
# explore stopped by Ctrl-C (SIGINT, as a terminal sends it to the Wine
# process) while a member's child hangs: that child is ended, no further
# member starts, the map so far is printed and written (run.json's
# exit_code 9), and one line says it was interrupted; exit 9.
# Usage: explore_interrupt.sh WINE_RUN COMSTRESS_EXE OUT_DIR
set -u
run=$1 exe=$2 out=$3
rm -rf "$out"
mkdir -p "$(dirname "$out")"
fail() { echo "FAIL $*"; cat "$out.log" 2>/dev/null; exit 1; }

. "$(dirname "$0")/../support/children.sh"
# The member children of this map: their arguments name our directory.
pattern="*comstress.exe run *$out*"

# Value (put), the third member, hangs at its 450th call; the watchdog's
# 600 s is far past the test's waits: only Ctrl-C ends it.
"$run" "$exe" explore --fault hang-call:450 --timeout 600 --out "Z:$out" >"$out.log" 2>&1 &
pid=$!
n=0
until grep -q '^  \[2/22\]' "$out.log" 2>/dev/null && [ -n "$(children_matching "$pattern")" ]; do
    n=$((n + 1)); [ $n -lt 600 ] || { kill -KILL $pid; fail "the third member never started in 60 s"; }
    sleep 0.1
done
sleep 2                                  # inside its hang by now
kill -INT $pid
wait $pid
rc=$?
expect_children_gone "$pattern" "a member's child" "the map ended (exit $rc)"
[ $rc -eq 9 ] || fail "explore interrupted: exit $rc, expected 9"
grep -q "^comstress: interrupted by Ctrl-C: 2 of 22 members ran to their end; the map and its reports hold them" \
    "$out.log" || fail "no line saying the map was interrupted"
grep -q "^  Value (put) .*error: interrupted: the child was ended after" "$out.log" ||
    fail "the hanging member is not named as ended"
grep -q "interrupted before it ran" "$out.log" || fail "no member is said not to have run"
[ $(grep -c '^  \[' "$out.log") -eq 3 ] || fail "a member started after the interrupt"
grep -q '"exit_code": 9' "$out/run.json" || fail "run.json does not say exit 9"
echo "explore_interrupt.sh: all checks passed"
