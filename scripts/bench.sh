#!/bin/sh
# Sets everything up and runs every benchmark side by side in one run:
# cost per late-bound call (ratios against raw Invoke, VBScript), ledger
# and sampling overhead, the sampler's share of a leaking run (heap walk at
# every sample against the default), tracing overhead with --trace and
# tracing support when off (comstress run child processes and children of
# the bench), scaling with 1, 2 and 4 worker threads in both heap modes
# (child processes, and the heap alone), one table with the targets, and
# the machine load before and after (every figure depends on it;
# docs/performance.md). Every target is judged on the median of per-round
# ratios (the two sides measured next to each other in each round), with
# the spread (smallest-largest round) beside it: PASS when the median
# meets the target, "noisy" when it does not but some rounds did, MISS
# when none did.
# Takes about five to ten minutes.
# Usage: scripts/bench.sh [--calls N] [--chunks K] [--rounds R] [--run-rounds R] ...
#        (options of bench/comstress_bench.exe, see bench/bench_main.c)
# COMSTRESS_BUILD=DIR uses that existing build tree instead of setting up
# ./build. Exit: 0 every target PASS, 1 a target noisy or missed, other:
# an error.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${COMSTRESS_BUILD:-}" ]; then
    build=$(cd "$COMSTRESS_BUILD" && pwd)
else
    sh "$root/scripts/setup.sh"
    build=$root/build
fi
cd "$build"
./wine-run --boot
./wine-run regsvr32 /s "Z:$build/comserver/comstress_server.dll"
echo "load before: $(uptime)"
set +e
./wine-run bench/comstress_bench.exe "$@"
rc=$?
set -e
echo "load after:  $(uptime)"
./wine-run --stop
exit $rc
