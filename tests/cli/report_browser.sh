#!/bin/sh
# report.html in a real browser (headless Chromium from Debian's packages)
# at a 1280 px window: nothing overflows sideways, whatever a run put in
# its tables (a call text of 400 characters without a space, an error
# quoting it), for a passing run, a failing run and a run whose call
# failed. The page's own width is read in the browser after layout, with
# the banner's class and how many elements are drawn red (#b00, as text
# or as a border): a page looks like its exit code, so a passing run
# (also one whose findings are all left out by --fail-on) has a pass
# banner and nothing red, a failing one a fail banner; and its console
# prints no bare "leak" for a metric that does not gate.
# Usage: report_browser.sh WINE_RUN COMSTRESS_EXE CHROMIUM OUT_DIR
set -u
run=$1 exe=$2 chromium=$3 out=$4
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL $*"; cat "$out/log" 2>/dev/null; exit 1; }
cs() { "$run" "$exe" "$@" >"$out/log" 2>&1; }

# "W I B R": the document's scroll width, the window's inner width, the
# banner's class (spaces as -) and the elements drawn red.
measure() {
    cp "$1" "$out/measure.html"
    printf '%s' '<script>window.addEventListener("load",function(){' \
        'var red=0,all=document.querySelectorAll("body *"),i,s,b=document.querySelector("p.status");' \
        'for(i=0;i<all.length;i++){s=getComputedStyle(all[i]);' \
        'if(s.color=="rgb(187, 0, 0)"||(s.borderLeftStyle!="none"&&s.borderLeftColor=="rgb(187, 0, 0)"))red++;}' \
        'document.title="W="+document.documentElement.scrollWidth+" I="+window.innerWidth+' \
        '" B="+(b?b.className.replace(/ /g,"-"):"none")+" R="+red;});</script>' \
        >>"$out/measure.html"
    profile=$(mktemp -d)
    "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --window-size=1280,900 --dump-dom "file://$out/measure.html" \
        2>/dev/null | sed -n 's/.*<title>W=\([0-9]*\) I=\([0-9]*\) B=\([^ ]*\) R=\([0-9]*\)<\/title>.*/\1 \2 \3 \4/p'
    rm -rf "$profile"
}

# fits DIR BANNER: the page fits the window and its banner is BANNER
# ("status-pass": nothing red either; "status-fail": something red).
fits() {
    want=$2
    set -- $(measure "$1/report.html") "" "" "" ""
    [ -n "$1" ] || fail "$dir: the browser did not lay the page out"
    [ "$2" -ge 1200 ] || fail "the window is $2 px wide, not about 1280"
    [ "$1" -le "$2" ] || fail "report.html of $(basename "$dir") is $1 px wide in a $2 px window"
    [ "$3" = "$want" ] || fail "report.html of $(basename "$dir"): banner class $3, expected $want"
    if [ "$want" = status-pass ]; then
        [ "$4" -eq 0 ] || fail "report.html of $(basename "$dir") passes but draws $4 elements red"
    else
        [ "$4" -gt 0 ] || fail "report.html of $(basename "$dir") fails but draws nothing red"
    fi
}

long=$(printf 'x%.0s' $(seq 400))
cs run --iterations 300 --call "Echo('$long')" --out "Z:$out/pass"
rc=$?
[ $rc -eq 0 ] || fail "the passing run: exit $rc"
dir=$out/pass; fits "$dir" status-pass

cs run --iterations 300 --fault leak-bytes:24 --call "Add(1)" --call "Echo('$long')" --out "Z:$out/leak"
rc=$?
[ $rc -eq 1 ] || fail "the failing run: exit $rc, expected 1"
dir=$out/leak; fits "$dir" status-fail

# the same leak left out by --fail-on: exit 0, so a pass banner, no red
cs run --iterations 300 --fault leak-bytes:24 --call "Add(1)" --fail-on refs --out "Z:$out/leftout"
rc=$?
[ $rc -eq 0 ] || fail "the run with its leak left out: exit $rc"
dir=$out/leftout; fits "$dir" status-pass
grep -q '<h2>Not counted</h2>' "$dir/report.html" || fail "the left-out leak is not shown apart"
# the console says the same: a leak that does not gate is never a bare "leak"
tr -d '\r' <"$out/log" >"$out/console"
grep -qxF '  heap_bytes         leak             +24.00 bytes/iteration  [24.00, 24.00] (left out by --fail-on)' \
    "$out/console" || fail "the console does not say the heap leak is left out"
bare=$(grep -E '^  [a-z_]+ +leak ' "$out/console" | grep -vF -e '(left out by --fail-on)' -e '(not gating: ')
[ -z "$bare" ] || fail "a bare leak on the console of a passing run: $bare"

cs run --iterations 300 --call "Add(1)" --call "NoSuch('$long')" --out "Z:$out/callfail"
rc=$?
[ $rc -eq 4 ] || fail "the run whose call failed: exit $rc, expected 4"
dir=$out/callfail; fits "$dir" status-fail
echo "report_browser.sh: all checks passed"
