#!/bin/sh
# CTest fixture: boot the build tree's Wine prefix, start its wineserver
# (stdio detached so it cannot hold CTest's pipe), register the reference
# server with regsvr32.  Usage: wine-setup.sh WINE_RUN SERVER_DLL
set -eu
wine_run=$1
dll=$2
"$wine_run" --boot
"$wine_run" regsvr32 /s "Z:$dll" || { echo "wine-setup: regsvr32 $dll failed" >&2; exit 1; }
echo "wine-setup: prefix ready, $(basename "$dll") registered"
