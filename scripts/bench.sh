#!/bin/sh
# Sets everything up and runs the benchmarks, printing ratios measured side
# by side in one run. Usage: scripts/bench.sh [calls]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/scripts/setup.sh"
cd "$root/build"
./wine-run --boot
./wine-run regsvr32 /s "Z:$root/build/comserver/comstress_server.dll"
set +e
./wine-run bench/comstress_bench.exe "$@"
rc=$?
./wine-run --stop
exit $rc
