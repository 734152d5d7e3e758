#!/bin/sh
# explore on a server that is not ours: the Acme Widgets fixture (-O2 with
# gcc's default -g), traced. Every planted leak that a member call meets is
# flagged with its exact figure and its site (helper DLL aside: its
# Format member is on the default skip list, and explored when named);
# the clean members and the bounded cache are not.
# Usage: explore_fixture.sh WINE_RUN COMSTRESS_EXE FIXTURE_DIR OUT_DIR
set -u
run=$1 exe=$2 fixture=$3 out=$4
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL $*"; cat "$out/log" 2>/dev/null; exit 1; }
map() {   # the map line of member $1 (after the "map of" header)
    sed -n '/^map of /,$p' "$out/log" | grep "^  $1 " | head -1
}
flagged() {   # member, figure, site
    line=$(map "$1")
    case $line in
    *"FAILED ("*"$2"*"$3"*) ;;
    *) fail "$1 is not flagged with $2 at $3: '$line'" ;;
    esac
}
clean() {
    line=$(map "$1")
    case $line in
    *" clean "*) ;;
    *) fail "$1 is not clean: '$line'" ;;
    esac
}

"$run" "$exe" explore --dll "Z:$fixture/g/widgets.dll" --target WidgetBox --trace --jobs 2 \
    --out "Z:$out/map" >"$out/log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "explore of the fixture: exit $rc, expected 1"
flagged Remember "+24.00 B" "allocated in AllocNote (widgets.c:50) <- WidgetBox_Remember (widgets.c:145)"
flagged Table "+8.00 B" "allocated in AllocTable (widgets.c:59) <- WidgetBox_Table (widgets.c:160)"
flagged Title "+48.00 B" "BSTR leak: 48 B per call of line 1: Title, allocated in WidgetBox_Title (widgets.c:169)"
flagged Blob "+40.00 B" "CoTaskMem leak: 40 B per call of line 1: Blob, allocated in WidgetBox_Blob (widgets.c:179)"
flagged Pool "+56.00 B" "allocated in WidgetBox_Pool (widgets.c:190)"
flagged Note "+48.00 B" "allocated in WidgetBox_Note (widgets.c:201)"
flagged Tick "+0.25 blocks" "allocated in WidgetBox_Tick (widgets.c:214)"
flagged Checksum "+68.00 B" "allocated in crc_open (crc.c:13) <- WidgetBox_Checksum (widgets.c:245)"
flagged Post "+32.00 B" "allocated in JobThread (jobs.c:32)"
flagged Child.Grow "+20.00 B" "allocated in Gadget_Grow (gadget.c:81)"
for m in Add Echo Lookup Child Child.Size; do clean "$m"; done
map Format | grep -q "skipped: default skip list (Format\*)" || fail "Format was not skipped by default"

"$run" "$exe" explore --dll "Z:$fixture/g/widgets.dll" --target WidgetBox --members Format \
    --out "Z:$out/format" >"$out/log" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "explore --members Format: exit $rc, expected 1"
flagged Format "+32.00 B" "+1.00 blocks"
echo "explore_fixture.sh: all checks passed"
