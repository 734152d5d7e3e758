#!/bin/sh
# Line and branch coverage of the portable core (core/) by its unit suites:
# builds the host build with gcc's counters (preset coverage, into
# ./build-coverage), runs every unit suite once from zeroed counters, then
# prints the branch coverage of each core file (with the lines of the
# branches never taken) and the line and branch totals (gcovr), and writes
# the HTML report to build-coverage/coverage/index.html. Exits non-zero
# when a suite fails: coverage of a failing suite means nothing.
# docs/testing.md says what the figures are and what is left uncovered.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v gcovr >/dev/null || { echo "coverage: gcovr is missing (sh scripts/install-deps.sh)" >&2; exit 3; }
cmake --preset coverage >/dev/null
cmake --build --preset coverage
find build-coverage -name '*.gcda' -exec rm -f {} +
ctest --preset coverage
mkdir -p build-coverage/coverage
# Branches the compiler adds on lines without a decision of the code's own
# are left out (--exclude-unreachable-branches); nothing else is.
gcovr --root . --filter core/ --exclude-unreachable-branches --branches --sort-percentage \
    --txt - --print-summary --html-details build-coverage/coverage/index.html build-coverage
echo "coverage: HTML report in build-coverage/coverage/index.html"
