#!/bin/sh
# report.html in a real browser (headless Chromium from Debian's packages)
# at a 1280 px window: nothing overflows sideways, whatever a run put in
# its tables (a call text of 400 characters without a space, an error
# quoting it), for a passing run, a failing run and a run whose call
# failed. The page's own width is read in the browser after layout.
# Usage: report_browser.sh WINE_RUN COMSTRESS_EXE CHROMIUM OUT_DIR
set -u
run=$1 exe=$2 chromium=$3 out=$4
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL $*"; cat "$out/log" 2>/dev/null; exit 1; }
cs() { "$run" "$exe" "$@" >"$out/log" 2>&1; }

# The document's scroll width and the window's inner width, "W I".
widths() {
    cp "$1" "$out/measure.html"
    printf '%s' '<script>window.addEventListener("load",function(){document.title=' \
        '"W="+document.documentElement.scrollWidth+" I="+window.innerWidth;});</script>' \
        >>"$out/measure.html"
    profile=$(mktemp -d)
    "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --window-size=1280,900 --dump-dom "file://$out/measure.html" \
        2>/dev/null | sed -n 's/.*<title>W=\([0-9]*\) I=\([0-9]*\)<\/title>.*/\1 \2/p'
    rm -rf "$profile"
}

fits() {
    set -- $(widths "$1/report.html") ""
    [ -n "$1" ] || fail "$1: the browser did not lay the page out"
    [ "$2" -ge 1200 ] || fail "the window is $2 px wide, not about 1280"
    [ "$1" -le "$2" ] || fail "report.html of $(basename "$dir") is $1 px wide in a $2 px window"
}

long=$(printf 'x%.0s' $(seq 400))
cs run --iterations 300 --call "Echo('$long')" --out "Z:$out/pass"
rc=$?
[ $rc -eq 0 ] || fail "the passing run: exit $rc"
dir=$out/pass; fits "$dir"

cs run --iterations 300 --fault leak-bytes:24 --call "Add(1)" --call "Echo('$long')" --out "Z:$out/leak"
rc=$?
[ $rc -eq 1 ] || fail "the failing run: exit $rc, expected 1"
dir=$out/leak; fits "$dir"

cs run --iterations 300 --call "Add(1)" --call "NoSuch('$long')" --out "Z:$out/callfail"
rc=$?
[ $rc -eq 4 ] || fail "the run whose call failed: exit $rc, expected 4"
dir=$out/callfail; fits "$dir"
echo "report_browser.sh: all checks passed"
