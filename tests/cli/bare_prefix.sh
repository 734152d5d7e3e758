#!/bin/sh
# --dll in a Wine prefix where the reference server was never registered
# (its own prefix, booted once and kept; regsvr32 never runs there): the
# target is unknown by ProgID, yet --dll stresses it, with its probe, and
# proves the unload; list classes finds its classes (no ProgID: nothing
# registered says one).
# Usage: bare_prefix.sh WINE WINESERVER COMSTRESS_EXE SERVER_DLL PREFIX OUT_DIR
set -u
wine=$1 wineserver=$2 exe=$3 dll=$4 prefix=$5 out=$6
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
unset DISPLAY WAYLAND_DISPLAY
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL $*"; cat "$out/log" 2>/dev/null; "$wineserver" -k >/dev/null 2>&1; exit 1; }
run() { "$wine" "$exe" "$@" >"$out/log" 2>&1; }

# The prefix's wineserver must not hold this test's output pipe.
"$wineserver" -p </dev/null >/dev/null 2>&1
if [ ! -f "$prefix/system.reg" ]; then
    "$wine" wineboot -i </dev/null >/dev/null 2>&1 || fail "wineboot -i of $prefix"
fi
"$wine" reg query 'HKEY_CLASSES_ROOT\CLSID\{a121fc24-c859-4839-9a7f-ee192c2fa321}' >/dev/null 2>&1 \
    && fail "the reference server is registered in $prefix"

run run --target ComStress.Target --call "Add(1)" --out "Z:$out/registered"
rc=$?
[ $rc -eq 3 ] || fail "the ProgID resolved in the bare prefix (exit $rc, expected 3)"
grep -q "target 'ComStress.Target' is not registered" "$out/log" || fail "no 'not registered' line"

printf '@c = CreateChild()\n@c.Add(2)\neach Items: Name\nadvise @obj\nFire(1)\nunadvise @obj\n' >"$out/model.txt"
run run --dll "Z:$dll" --target "{a121fc24-c859-4839-9a7f-ee192c2fa321}" --script "Z:$out/model.txt" \
    --ledger --iterations 1000 --out "Z:$out/dll"
rc=$?
[ $rc -eq 0 ] || fail "--dll run exit $rc, expected 0"
grep -q "live objects at end 0, server locks 0" "$out/log" || fail "the probe was not reached through --dll"
grep -q "script: 6 statements an iteration, 3000 items walked in 1000 each, 1000 events received by 1000 sinks" \
    "$out/log" || fail "the script did not run whole"
grep -q '"can_unload": true' "$out/dll/run.json" || fail "DllCanUnloadNow did not say S_OK"
grep -q '"unloaded": true' "$out/dll/run.json" || fail "the module is still loaded after FreeLibrary"

run list classes --dll "Z:$dll"
rc=$?
[ $rc -eq 0 ] || fail "list classes exit $rc"
printf 'StressTarget\t{A121FC24-C859-4839-9A7F-EE192C2FA321}\t-\tcomstress target (ComStress.Target)\r\n' >"$out/expect"
grep -qF "$(cat "$out/expect")" "$out/log" || fail "list classes: no StressTarget line without a ProgID"

"$wineserver" -k >/dev/null 2>&1
echo "bare_prefix.sh: all checks passed"
