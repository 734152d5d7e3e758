#!/bin/sh
# Sets everything up and runs the main job: the same create / pass-instance
# / release workload against the reference server under every binding-cache
# policy, side by side, writing the report to build/report (or $1).
# It runs through build/comstress, the build tree's comstress command
# (docs/install.md): the reference server registered in the build's Wine
# prefix, Unix paths in and out.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/report}
sh "$root/scripts/setup.sh"
exec "$root/build/comstress" compare --scenario pass-instance --iterations 20000 \
    --fail-on none --out "$out"
