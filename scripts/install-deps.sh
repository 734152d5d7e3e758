#!/bin/sh
# Installs every Debian package comstress needs to build and test, on a
# fresh Debian 12 machine, as root. Idempotent: does nothing when all are
# present. Adds a deb-src line (mirroring the existing deb lines) so the
# build can fetch check's source package. clang and libclang-rt-14-dev
# (libFuzzer and the sanitizer runtimes) serve the fuzz preset alone
# (scripts/fuzz.sh); chromium renders report.html in the browser test;
# gcovr reports the coverage preset (scripts/coverage.sh).
# fp-compiler, fp-utils (fpcmake) and fpc-source give the Free Pascal
# compiler and the runtime source the build compiles for win64
# (cmake/BuildFreePascal.cmake).
set -eu
. "$(dirname "$0")/ticker.sh"

PKGS="gcc libc6-dev chromium gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 mingw-w64-tools wine wine64 wine64-tools libwine-dev cmake make dpkg-dev ca-certificates clang libclang-rt-14-dev fp-compiler fp-utils fpc-source gcovr"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

need_src=1
if grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ || grep -qs '^deb-src' /etc/apt/sources.list; then
    need_src=0
fi

if [ "$need_src" = 1 ]; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
            > /etc/apt/sources.list.d/comstress-src.sources
    else
        grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
            > /etc/apt/sources.list.d/comstress-src.list
    fi
fi

n=$(echo $missing | wc -w)
[ "$n" = 0 ] || ticker_start "install-deps: installing $n Debian packages (3 to 6 minutes on a fresh machine)"
if [ -n "$missing" ] || [ "$need_src" = 1 ] || [ ! -d /var/lib/apt/lists ] || [ -z "$(ls /var/lib/apt/lists 2>/dev/null | grep -i source)" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
fi
if [ -n "$missing" ]; then
    echo "install-deps: installing$missing" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    ticker_stop "install-deps: packages installed"
fi
echo "install-deps: all packages present"
