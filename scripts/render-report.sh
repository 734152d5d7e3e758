#!/bin/sh
# Renders a comstress report.html in a real browser (headless Chromium from
# Debian's packages) and checks that the screenshot is there and not blank:
# the report must be readable offline, its chart visible.
# Usage: scripts/render-report.sh REPORT_DIR_OR_HTML [OUT.png]
#   OUT.png defaults to report-screenshot.png next to report.html.
# Installs chromium with apt-get when it is missing (needs root).
# Exit: 0 rendered, 1 blank or missing screenshot, 2 bad usage or no browser.
set -eu

usage() { echo "usage: $0 REPORT_DIR_OR_HTML [OUT.png]" >&2; exit 2; }
[ $# -ge 1 ] || usage
html=$1
[ -d "$html" ] && html=$html/report.html
[ -f "$html" ] || { echo "render-report: $html: no such report" >&2; exit 2; }
html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
out=${2:-$(dirname "$html")/report-screenshot.png}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        echo "render-report: chromium is not installed; run as root or: apt-get install -y chromium" >&2
        exit 2
    fi
    echo "render-report: installing chromium (apt-get install -y chromium)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null || {
        echo "render-report: apt-get install chromium failed" >&2
        exit 2
    }
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$out"
# stderr carries Chromium's harmless D-Bus and GPU chatter: keep it for a
# failure only.
if ! chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --screenshot="$out" --window-size=1280,1600 \
        "file://$html" >"$profile/log" 2>&1; then
    cat "$profile/log" >&2
    echo "render-report: chromium failed rendering $html" >&2
    exit 1
fi
[ -s "$out" ] || { echo "render-report: no screenshot written to $out" >&2; exit 1; }

# Not blank: a blank page's filtered scanlines are almost all zero bytes;
# text, table borders and chart lines are not. Python's zlib decodes the
# PNG's image data (no imaging library needed).
check=$(python3 - "$out" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    print("not a PNG"); sys.exit()
pos, idat, w, h = 8, b"", 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IHDR":
        w, h = struct.unpack(">II", data[pos + 8:pos + 16])
    elif kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
ink = 1 - raw.count(0) / max(len(raw), 1)
print("%dx%d %.2f%%" % (w, h, 100 * ink) if ink >= 0.005 else "blank (%.3f%% ink)" % (100 * ink))
EOF
)
case $check in
    [0-9]*) echo "render-report: $out ($(wc -c <"$out") bytes, $check non-blank)" ;;
    *) echo "render-report: $out looks wrong: $check" >&2; exit 1 ;;
esac
