#!/bin/sh
# The CI recipes of docs/ci.md run as written: the comstress step (the
# block between "# comstress: begin" and "# comstress: end", the same in
# the GitHub and the GitLab recipe) is read out of the page and run with
# the comstress command, on the reference server as "your DLL": a first
# run on main with no baseline passes and becomes the baseline; a change
# that adds a leak (24 bytes in each of the script's two calls) fails as a
# regression; once that leak is the baseline, a change that fixes it
# passes and says fixed.
# Usage: ci_recipe.sh SOURCE_DIR COMSTRESS_COMMAND SERVER_DLL OUT_DIR
set -u
src=$1 command=$2 dll=$3 out=$4
rm -rf "$out"
mkdir -p "$out/bin" "$out/work/build"
fail() { echo "FAIL $*"; cat "$out/log" 2>/dev/null; exit 1; }

# The block of the recipe that starts at the line matching $1.
block() {
    awk -v start="$1" '
        index($0, start) { on = 1 }
        on && /# comstress: begin/ { grab = 1; next }
        grab && /# comstress: end/ { exit }
        grab { sub(/^ +/, ""); print }' "$src/docs/ci.md"
}
block "## GitHub Actions" >"$out/github.sh"
block "## GitLab CI" >"$out/gitlab.sh"
[ -s "$out/github.sh" ] || fail "no comstress block in the GitHub recipe"
cmp -s "$out/github.sh" "$out/gitlab.sh" || fail "the GitHub and GitLab recipes run different comstress steps"
grep -q '^comstress run ' "$out/github.sh" || fail "the block runs no comstress"

ln -s "$command" "$out/bin/comstress"
cp "$dll" "$out/work/build/myserver.dll"
printf "Add(1)\nEcho('x')\n" >"$out/work/stress.txt"
cd "$out/work" || fail "cd"
export PATH="$out/bin:$PATH" COMSTRESS_DLL=build/myserver.dll COMSTRESS_CLASS=StressTarget
step() { sh "$out/github.sh" >"$out/log" 2>&1; }

step
rc=$?
[ $rc -eq 0 ] || fail "the first run on main: exit $rc, expected 0"
[ -f comstress-report/junit.xml ] && [ -f comstress-report/report.html ] || fail "no report kept"
cp -r comstress-report comstress-baseline               # main keeps it as the baseline

COMSTRESS_FAULT=leak-bytes:24 step
rc=$?
[ $rc -eq 1 ] || fail "a change that leaks: exit $rc, expected 1"
grep -q "regression: heap_bytes: clean then, leak now (+48.0 bytes/iteration)" "$out/log" \
    || fail "the leak is not told as a regression"
grep -q '<failure type="regression"' comstress-report/junit.xml || fail "junit.xml has no regression failure"

rm -rf comstress-baseline && cp -r comstress-report comstress-baseline   # the leak landed on main
step
rc=$?
[ $rc -eq 0 ] || fail "a change that fixes the leak: exit $rc, expected 0"
grep -q "fixed: heap_bytes: leak then (+48.0 bytes/iteration), clean now" "$out/log" \
    || fail "the fix is not told"
echo "ci_recipe.sh: all checks passed"
