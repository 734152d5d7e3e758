#!/bin/sh
# A suite stopped by Ctrl-C (SIGINT, as a terminal sends it to the Wine
# process) while a child is deadlocked in FreeLibrary ends that child,
# starts no further scenario (unload-deadlock/fixed comes next), exits 9
# with one line saying it was interrupted, and leaves suite.json and
# junit.xml saying so; a suite nobody stops says it completed.
# Usage: suite_interrupt.sh WINE_RUN COMSTRESS_EXE OUT_DIR
set -u
run=$1 exe=$2 out=$3
rm -rf "$out" "$out-clean"
mkdir -p "$(dirname "$out")"
phase="$out/unload-deadlock-leaky/phase.txt"
cr=$(printf '\r')   # Wine's console ends a line with CR LF
fail() { echo "FAIL $*"; cat "$out.log" 2>/dev/null; exit 1; }

. "$(dirname "$0")/../support/children.sh"
# The deadlock child of this suite: its arguments name our directory.
pattern="*child unload-deadlock*$out*"

# The timeout is far past the test's own waits: only Ctrl-C ends the child.
"$run" "$exe" suite --only unload-deadlock --timeout 600 --out "Z:$out" >"$out.log" 2>&1 &
pid=$!
# Wait until the child is inside the deadlock, at most 60 s.
n=0
until grep -q "worker thread returned from its thread function" "$phase" 2>/dev/null; do
    n=$((n + 1)); [ $n -lt 600 ] || { kill -KILL $pid; fail "the child never reached the deadlock in 60 s"; }
    sleep 0.1
done
[ -n "$(children_matching "$pattern")" ] || { kill -KILL $pid; fail "no child process seen before Ctrl-C (the check below would prove nothing)"; }
kill -INT $pid
wait $pid
rc=$?
expect_children_gone "$pattern" "the deadlocked child" "the suite ended (exit $rc)"
[ $rc -eq 9 ] || fail "exit $rc after Ctrl-C, expected 9"
grep -q "^comstress suite: interrupted: Ctrl-C during unload-deadlock/leaky; 0 of 2 scenarios ran to their end$cr\{0,1\}$" \
    "$out.log" || fail "no interrupted line"
[ "$(grep -c "interrupted: Ctrl-C" "$out.log")" -eq 1 ] || fail "the interrupted line is not said exactly once"
[ ! -e "$out/unload-deadlock-fixed" ] || fail "the next scenario started after Ctrl-C"
grep -q '"complete": false' "$out/suite.json" || fail "suite.json does not say incomplete"
grep -q '"status": "interrupted"' "$out/suite.json" || fail "suite.json does not say interrupted"
grep -q '"error": "interrupted: Ctrl-C during unload-deadlock/leaky' "$out/suite.json" \
    || fail "suite.json does not say what was interrupted"
grep -q '"name":"unload-deadlock/leaky","command":"[^"]*","end":"interrupted"' "$out/suite.json" \
    || fail "suite.json's entry does not end interrupted"
grep -q '<testsuite name="comstress.lifecycle" tests="1" failures="0" errors="1"' "$out/junit.xml" \
    || fail "junit.xml does not count one error"
grep -q '<error type="interrupted" message="interrupted: Ctrl-C during unload-deadlock/leaky' "$out/junit.xml" \
    || fail "junit.xml has no interrupted error"

# The clean case: a suite nobody stops says it completed, with no such line.
"$run" "$exe" suite --only unload-deadlock/fixed --timeout 60 --out "Z:$out-clean" >"$out.log" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "an uninterrupted suite exits $rc, expected 0"
! grep -q "interrupted" "$out.log" || fail "an uninterrupted suite says interrupted"
grep -q '"complete": true' "$out-clean/suite.json" || fail "an uninterrupted suite.json is not complete"
grep -q '"status": "completed"' "$out-clean/suite.json" || fail "an uninterrupted suite.json does not say completed"
grep -q '"error": null' "$out-clean/suite.json" || fail "an uninterrupted suite.json has an error"
echo "suite_interrupt.sh: all checks passed"
