#!/bin/sh
# Sets everything up and runs every test suite: the portable core's unit
# suites natively (host build, seconds), then every suite under Wine
# (CTest), the unit suites included. Extra arguments go to the Wine ctest.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/scripts/setup.sh"
cd "$root"
cmake --preset host >/dev/null
cmake --build --preset host
ctest --preset host
ctest --preset default "$@"
