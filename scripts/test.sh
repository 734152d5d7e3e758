#!/bin/sh
# Sets everything up and runs every test suite: the portable core's unit
# suites natively (host build, seconds), then every suite under Wine
# (CTest), the unit suites included. Extra arguments go to the Wine ctest.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/scripts/setup.sh"
cd "$root"
echo "test: the portable core's unit suites, natively (seconds)" >&2
cmake --preset host >/dev/null
cmake --build --preset host >build/build-host.log 2>&1 || { cat build/build-host.log >&2; exit 1; }
ctest --preset host
echo "test: every suite under Wine (about a minute; the first boots Wine's prefix, 10 to 30 s)" >&2
ctest --preset default "$@"
