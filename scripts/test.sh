#!/bin/sh
# Sets everything up and runs every test suite under Wine (CTest).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/scripts/setup.sh"
cd "$root"
ctest --preset default "$@"
