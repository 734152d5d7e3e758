#!/bin/sh
# Sets everything up and runs the main job: the same create / pass-instance
# / release workload against the reference server under every binding-cache
# policy, side by side, writing the report to build/report (or $1).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/report}
sh "$root/scripts/setup.sh"
cd "$root/build"
./wine-run --boot
./wine-run regsvr32 /s "Z:$root/build/comserver/comstress_server.dll"
set +e
./wine-run stress/comstress.exe compare --scenario pass-instance --iterations 20000 \
    --fail-on none --out "Z:$out"
rc=$?
./wine-run --stop
exit $rc
