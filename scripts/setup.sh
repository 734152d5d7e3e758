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
cd "$root"
cmake --preset default >/dev/null
cmake --build --preset default
