#!/bin/sh
# The harness never measures itself. Clean servers that are not ours (Wine's
# Scripting.Dictionary, Scripting.FileSystemObject, WScript.Shell) run with
# the refcount ledger at 500 and 2,000 iterations: no metric other than
# clean, exit 0 under the strictest gate that leaves their by-design
# unload refusal out. The ledger's own memory (its ring of released
# wrappers fills over the first 4,096 iterations) once read as the target's
# working set growing. And runs of 1, 2 and 3 iterations on the clean
# reference server give no finding, while one iteration of a harness that
# never frees a BSTR still does. The runs walk the heap and read the
# memory counters at every sample (--heap-walk every): within the default
# time budget a loaded machine can leave a short run too few of them for a
# verdict (inconclusive), which would make this test depend on the load.
# Usage: harness_memory.sh WINE_RUN COMSTRESS_EXE OUT_DIR
set -u
run=$1 exe=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL $*"; cat "$out/log" 2>/dev/null; exit 1; }
cs() { "$run" "$exe" "$@" >"$out/log" 2>&1; }
# A metric line of the console whose verdict is not clean.
not_clean() { grep -E '^  [a-z_]+ +(leak|plateau|inconclusive)' "$out/log"; }

for it in 500 2000; do
    for t in "Scripting.Dictionary|Exists('a')" "Scripting.FileSystemObject|FolderExists('C:/')" \
             "WScript.Shell|ExpandEnvironmentStrings('%PATH%')"; do
        target=${t%%|*} call=${t#*|}
        cs run --target "$target" --call "$call" --ledger --iterations $it --heap-walk every \
            --fail-on leak-any,refs,objects,blocks --out "Z:$out/$target-$it"
        rc=$?
        [ $rc -eq 0 ] || fail "$target --ledger --iterations $it: exit $rc, expected 0"
        not_clean && fail "$target --ledger --iterations $it: a metric is not clean"
        grep -q "metrics clean" "$out/log" || fail "$target --iterations $it: no verdict line"
    done
done

for it in 1 2 3; do
    cs run --call "Add(1)" --iterations $it --out "Z:$out/short-$it"
    rc=$?
    [ $rc -eq 0 ] || fail "--iterations $it on the clean server: exit $rc, expected 0"
    grep -q "leak" "$out/log" && fail "--iterations $it on the clean server: a leak is named"
done

cs run --call "Echo('x')" --client-fault missing-sysfreestring --iterations 1 --out "Z:$out/short-bad"
rc=$?
[ $rc -eq 1 ] || fail "one iteration leaking a BSTR: exit $rc, expected 1"
grep -q "BSTR/CoTaskMem leak: in the harness outside calls, 1.0 blocks (112 bytes) per iteration" \
    "$out/log" || fail "one iteration leaking a BSTR: no finding"
# What the harness holds itself is said in run.json's context: its private
# heaps (the ledger's wrappers, the malloc spy's tables), larger with the
# ledger than without; `report DIR` cannot know it afterwards (null).
held() { sed -n 's/.*"harness_heap_bytes": \([0-9nul]*\).*/\1/p' "$1/run.json"; }
with=$(held "$out/Scripting.Dictionary-500") without=$(held "$out/short-1")
case "$with$without" in *[!0-9]*|"") fail "harness_heap_bytes: '$with' with the ledger, '$without' without";; esac
[ "$with" -gt "$without" ] && [ "$without" -gt 0 ] ||
    fail "harness_heap_bytes: $with with the ledger, not above $without without"
cs report "Z:$out/short-1"
[ "$(held "$out/short-1")" = null ] || fail "report DIR claims to know harness_heap_bytes"
echo "harness_memory.sh: all checks passed"
