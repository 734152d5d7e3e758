#!/bin/sh
# A --dll that is a COM server (it exports DllGetClassObject) but has no
# type library to name its classes: `list classes`, `list members` and
# `run` without --target all say it in the same one line and exit 3 (a
# target problem), where a DLL with a type library lists its classes.
# Wine's own ole32.dll is such a DLL: it serves classes, names none.
# Usage: dll_no_typelib.sh WINE_RUN COMSTRESS_EXE SERVER_DLL OUT_DIR
set -u
run=$1 exe=$2 server=$3 out=$4
dll='C:\windows\system32\ole32.dll'
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL $*"; exit 1; }
cr=$(printf '\r')   # Wine's console ends a line with CR LF
dll_re=$(printf '%s' "$dll" | sed 's/\\/\\\\/g')
want="^comstress: --dll '$dll_re': no type library names its classes: .*0x80029c4a; use one by its CLSID with --target {CLSID}$cr\{0,1\}\$"

n=0
for cmd in "list classes" "list members" "run --iterations 10 --call Ping()"; do
    n=$((n + 1))
    # shellcheck disable=SC2086  # the command's words split on purpose
    "$run" "$exe" $cmd --dll "$dll" >"$out/$n.out" 2>"$out/$n.err"
    rc=$?
    [ $rc -eq 3 ] || { cat "$out/$n.err"; fail "$cmd --dll ole32.dll exits $rc, expected 3"; }
    [ "$(wc -l <"$out/$n.err")" -eq 1 ] || { cat "$out/$n.err"; fail "$cmd: not one line on stderr"; }
    grep -q "$want" "$out/$n.err" || { cat "$out/$n.err"; fail "$cmd: not the no-type-library line"; }
    [ ! -s "$out/$n.out" ] || { cat "$out/$n.out"; fail "$cmd: printed something besides its line"; }
done
cmp -s "$out/1.err" "$out/2.err" && cmp -s "$out/1.err" "$out/3.err" \
    || { cat "$out"/*.err; fail "the three commands do not say the same line"; }

# The clean case: the reference server's DLL names its classes.
"$run" "$exe" list classes --dll "Z:$server" >"$out/clean.out" 2>"$out/clean.err"
rc=$?
[ $rc -eq 0 ] || { cat "$out/clean.err"; fail "list classes on the reference server exits $rc, expected 0"; }
grep -q "^StressTarget	{" "$out/clean.out" || { cat "$out/clean.out"; fail "list classes does not list StressTarget"; }
echo "dll_no_typelib.sh: all checks passed"
