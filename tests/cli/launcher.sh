#!/bin/sh
# The installed command: `cmake --install BUILD --prefix DIR`, then
# DIR/bin/comstress run from another directory, with no locale set (as a
# fresh machine has it) and a user cache folder of its own, so the first
# use makes the Wine prefix. Checks Unix paths in (relative and absolute),
# Unix paths printed back, a non-ASCII --out made and read, the exit code
# passed through, and the one line for a Windows path whose backslashes
# the shell ate.
# Usage: launcher.sh BUILD_DIR SERVER_DLL WINESERVER OUT_DIR
set -u
build=$1 dll=$2 wineserver=$3 out=$4
rm -rf "$out"
mkdir -p "$out/work" "$out/cache"
unset LANG LC_ALL LC_CTYPE LANGUAGE DISPLAY
export XDG_CACHE_HOME="$out/cache"
prefix="$out/cache/comstress/wineprefix"
stop() { WINEPREFIX="$prefix" "$wineserver" -k >/dev/null 2>&1; }
fail() { echo "FAIL $*"; cat "$out/log" 2>/dev/null; stop; exit 1; }

cmake --install "$build" --prefix "$out/inst" >"$out/log" 2>&1 || fail "cmake --install"
cs="$out/inst/bin/comstress"
[ -x "$cs" ] || fail "no bin/comstress after cmake --install"
[ -f "$out/inst/lib/comstress/comstress.exe" ] || fail "no lib/comstress/comstress.exe"
cp "$dll" "$out/work/server.dll"
cd "$out/work" || fail "cd"

"$cs" run --dll server.dll --target StressTarget --call "Add(1)" --iterations 300 --out out/ >"$out/log" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "run --dll server.dll --out out/: exit $rc, expected 0"
[ -d "$prefix/drive_c" ] || fail "the first use made no prefix in the cache folder"
grep -q "first use: preparing Wine's prefix" "$out/log" || fail "the first use did not say it prepares the prefix"
grep -q "^reports: out/ " "$out/log" || fail "the report folder was not printed as out/"
[ -f out/run.json ] || fail "out/run.json missing"

"$cs" report "$out/work/out" >"$out/log" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "report ABSOLUTE_UNIX_DIR: exit $rc, expected 0"
grep -q "^reports: $out/work/out " "$out/log" || fail "report did not print the Unix path back"
grep -q "Z:" "$out/log" && fail "a Z: path was printed"

"$cs" run --dll "$out/work/server.dll" --target StressTarget --call "Add(1)" --iterations 300 --out "out-é日本😀" >"$out/log" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "run --out out-é日本😀 with no locale: exit $rc, expected 0"
[ -f "out-é日本😀/run.json" ] || fail "out-é日本😀/run.json missing"
grep -q '"iterations": 300' "out-é日本😀/run.json" || fail "out-é日本😀/run.json does not read back"

"$cs" run --dll server.dll --target StressTarget --fault leak-bytes:24 --call "Add(1)" --iterations 400 --out leak >"$out/log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "a leaking run: exit $rc, expected 1 passed through"

"$cs" run --dll 'C:windowssystem32scrrun.dll' --target StressTarget --call "Add(1)" --out eaten >"$out/log" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "a path without its backslashes: exit $rc, expected 2"
[ "$(wc -l <"$out/log")" -eq 1 ] || fail "a path without its backslashes: not one line"
grep -q "lost its backslashes" "$out/log" || fail "no word on the lost backslashes"
[ -e eaten ] && fail "a refused run created its --out"

stop
echo "launcher.sh: all checks passed"
