#!/bin/sh
# Sets everything up on a fresh Debian 12 machine: packages (as root),
# configure (builds check from Debian's source package once), build.
# Usage: scripts/setup.sh   (from anywhere; the build goes to ./build of the repo)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" = 0 ]; then
    sh "$root/scripts/install-deps.sh"
elif ! command -v x86_64-w64-mingw32-gcc >/dev/null || ! command -v wine >/dev/null; then
    echo "setup: run as root once (sudo $0) to install the Debian packages" >&2
    exit 1
fi
. "$root/scripts/ticker.sh"
cd "$root"
if [ -f build/CMakeCache.txt ]; then
    ticker_start "setup: configuring"
else
    ticker_start "setup: configuring; the first time builds check from Debian's source package (1 to 3 minutes)"
fi
cmake --preset default >/dev/null
ticker_stop "setup: configured"
ticker_start "setup: building (2 to 5 minutes the first time, seconds after)"
cmake --build --preset default >build/build.log 2>&1 || { ticker_stop "setup: build failed"; cat build/build.log >&2; exit 1; }
ticker_stop "setup: built"
