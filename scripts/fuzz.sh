#!/bin/sh
# Fuzzes the portable core with libFuzzer (docs/fuzzing.md): builds the
# preset fuzz (clang, AddressSanitizer, UndefinedBehaviorSanitizer) and
# runs each target for SECONDS (default 600), one after another, then
# prints the executions and findings of each.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      targets: callspec options csv stats debuginfo explore
#
# Each target starts from its committed seeds (fuzz/corpus/TARGET) plus
# what earlier runs added (build-fuzz/corpus/TARGET, never committed by
# this script). A finding is saved in build-fuzz/findings/TARGET/ (crash-*,
# timeout-*, leak-*, oom-*), and its log is build-fuzz/logs/TARGET.log.
# Replay one with: build-fuzz/fuzz/fuzz_TARGET FILE
# Extra libFuzzer flags: FUZZ_FLAGS="-max_len=8192" scripts/fuzz.sh
# Exit: 0 when every target ran clean, 1 when any found something, 2 on a
# bad argument or a failed build.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
case $seconds in
    ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac
[ $# -gt 0 ] && shift
targets=${*:-callspec options csv stats debuginfo explore}
for t in $targets; do
    [ -d "$root/fuzz/corpus/$t" ] || { echo "fuzz.sh: unknown target '$t' (no fuzz/corpus/$t)" >&2; exit 2; }
done

cd "$root"
if ! { cmake --preset fuzz >/dev/null && cmake --build --preset fuzz >/dev/null; }; then
    echo "fuzz.sh: the fuzz build failed (clang and libclang-rt-14-dev: scripts/install-deps.sh)" >&2
    exit 2
fi

out=$root/build-fuzz
# Sanitizer findings end the run at once, with a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
summary=""
for t in $targets; do
    mkdir -p "$out/corpus/$t" "$out/findings/$t" "$out/logs"
    log=$out/logs/$t.log
    stamp=$out/logs/$t.start
    touch "$stamp"
    echo "fuzz.sh: $t for ${seconds}s (log: $log)"
    rc=0
    # A hang is an input that takes more than 10 s; memory is capped at 2 GB.
    # shellcheck disable=SC2086
    "$out/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$out/findings/$t/" ${FUZZ_FLAGS:-} \
        "$out/corpus/$t" "$root/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    found=$(find "$out/findings/$t" -type f -newer "$stamp" | wc -l)
    if [ "$rc" -ne 0 ]; then
        status=1
        [ "$found" -gt 0 ] || found=1
        grep -m 1 -E 'ERROR: |runtime error: |^fuzz: |ALARM' "$log" | sed "s/^/fuzz.sh: $t: /" >&2 || true
    fi
    line=$(printf '%-9s %12s executions %8s exec/s  cov %5s  findings %s' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$found")
    echo "$line"
    summary="$summary$line
"
done
echo "fuzz.sh: summary (${seconds}s per target)"
printf '%s' "$summary"
exit $status
