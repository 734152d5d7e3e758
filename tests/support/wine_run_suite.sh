#!/bin/sh
# wine-run --suite starts a suite a second time only when it ended before
# any of its own code ran (it never created its start mark), and says so:
# - a program that never creates the mark and fails (Wine's cmd, exit 3)
#   runs twice, both lines are said, and its exit code is kept;
# - a suite that reached its code and failed (CK_RUN_CASE naming no test
#   case) runs once, with no such line, exit 1;
# - a suite that passes runs once, exit 0;
# - the mark's folder is removed each time.
# Usage: wine_run_suite.sh WINE_RUN SUITE_EXE OUT_DIR
set -u
run=$1 suite=$2 out=$3
rm -rf "$out"
mkdir -p "$out/tmp"
fail() { echo "FAIL $*"; cat "$out/log" 2>/dev/null; exit 1; }
marks_left() { find "$out/tmp" -maxdepth 1 -name 'cs-start.*' | wc -l; }

TMPDIR="$out/tmp" "$run" --suite cmd /c "echo ran& exit 3" >"$out/log" 2>&1
rc=$?
[ $rc -eq 3 ] || fail "a start that never reached its code: exit $rc, expected cmd's 3"
[ "$(grep -c '^ran' "$out/log")" -eq 2 ] || fail "a start that never reached its code was not run exactly twice"
grep -q "^wine-run: cmd ended with exit code 3 before reaching its own code; starting it once more$" "$out/log" ||
    fail "no line says the start is tried once more"
grep -q "^wine-run: cmd ended with exit code 3 before reaching its own code, twice$" "$out/log" ||
    fail "no line says it failed to start twice"
[ "$(marks_left)" -eq 0 ] || fail "the start mark's folder was left in TMPDIR"

CK_RUN_CASE=no-such-case TMPDIR="$out/tmp" "$run" --suite "$suite" >"$out/log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "a suite that ran no test: exit $rc, expected 1"
[ "$(grep -c '^no test ran' "$out/log")" -eq 1 ] || fail "a suite that reached its code and failed was not run exactly once"
! grep -q "^wine-run:" "$out/log" || fail "wine-run spoke of a suite that reached its code"
[ "$(marks_left)" -eq 0 ] || fail "the start mark's folder was left in TMPDIR"

TMPDIR="$out/tmp" "$run" --suite "$suite" >"$out/log" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "a passing suite: exit $rc"
[ "$(grep -c '^Running suite' "$out/log")" -eq 1 ] || fail "a passing suite was not run exactly once"
! grep -q "^wine-run:" "$out/log" || fail "wine-run spoke of a passing suite"
[ "$(marks_left)" -eq 0 ] || fail "the start mark's folder was left in TMPDIR"
echo "wine_run_suite.sh: all checks passed"
