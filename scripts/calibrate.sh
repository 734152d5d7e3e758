#!/bin/sh
# Calibrates the leak verdict against the reference server:
#  - sensitivity: the fault leak-bytes:N (N heap bytes per call, one call
#    per iteration) for N in 8 16 24 48 and 5,000 / 10,000 / 20,000
#    iterations, RUNS runs each -> how often heap_bytes is called "leak";
#  - specificity: the clean class with BSTR-heavy calls, BSTR cache on and
#    off, CLEAN_RUNS runs each -> how often heap_bytes, or any metric, is
#    called "leak";
#  - the edge: leaks of 1, 2, 4 and 6 bytes/iteration around the default
#    threshold, 20,000 iterations;
#  - realistic noise (the server's noise faults, unseeded, so every run
#    draws its own leaks, bound and sizes): intermittent leaks (a 24-byte
#    block every N-th call, or with probability P per call), RUNS runs
#    each -> how often called "leak" and by which metrics; a cache that
#    fills up and stops, and temporaries freed within each call,
#    CLEAN_RUNS runs each -> how often called "leak" (must be never).
# Prints the tables as Markdown (and writes them to $OUT/calibration.md).
# Usage: scripts/calibrate.sh [BUILD_DIR]   (default: build)
# Environment: RUNS (10), CLEAN_RUNS (20), OUT (BUILD_DIR/calibration).
# Not part of CTest: about 400 runs, a few minutes.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
runs=${RUNS:-10}
clean_runs=${CLEAN_RUNS:-20}
# the default --max-leak, read from stats.h so the table says what it used
CS_DEFAULT_MAX_LEAK=$(sed -n 's/^#define CS_DEFAULT_MAX_LEAK_BYTES *//p' "$root/core/verdicts/stats.h")
out=${OUT:-$build/calibration}
exe="$build/stress/comstress.exe"
wine="$build/wine-run"

[ -x "$wine" ] && [ -f "$exe" ] || {
    echo "calibrate: $build has no wine-run or stress/comstress.exe (build it first)" >&2
    exit 2
}
mkdir -p "$out"
"$wine" --boot
"$wine" regsvr32 /s "Z:$build/comserver/comstress_server.dll"

# field RUN_JSON METRIC KEY: the value of KEY in METRIC's verdict.
field() {
    awk -v m="\"$2\": {" -v k="\"$3\":" '
        index($0, m) { inside = 1; next }
        inside && index($0, k) { sub(/.*: */, ""); sub(/[,}].*/, ""); gsub(/"/, ""); print; exit }
        inside && /}/ { exit }' "$1"
}

# run DIR ARGS...: one comstress run; prints "exit heap_verdict heap_per_iteration".
run() {
    dir=$1; shift
    rm -rf "$dir"
    set +e
    "$wine" "$exe" run --out "Z:$dir" "$@" >"$dir.log" 2>&1
    rc=$?
    set -e
    if [ -f "$dir/run.json" ]; then
        echo "$rc $(field "$dir/run.json" heap_bytes verdict) $(field "$dir/run.json" heap_bytes per_iteration)"
    else
        echo "$rc none nan"
    fi
}

# leaks RUN_JSON: the metrics called "leak", comma-separated ("" if none).
leaks() {
    awk '
        /^ *"[a-z_]+": \{/ { m = $1; gsub(/[":]/, "", m) }
        /"verdict": "leak"/ { printf "%s%s", n++ ? "," : "", m }' "$1"
}

# median and max of the numbers in their arguments ("nan" skipped), to
# four significant digits.
median() {
    echo "$@" | tr ' ' '\n' | grep -v '^nan$' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) printf "%.4g\n", v[int((NR + 1) / 2)]; else print "nan" }'
}
maximum() {
    echo "$@" | tr ' ' '\n' | grep -v '^nan$' | sort -g | awk 'END { printf "%.4g\n", $1 }'
}

# add_seen LIST WORD: LIST with WORD added unless already in it, sorted.
add_seen() {
    echo $1 $2 | tr ' ' '\n' | sort -u | tr '\n' ' ' | sed 's/ $//'
}

table=$out/calibration.md
{
    echo "### Sensitivity: leak-bytes:N, one call per iteration, $runs runs each"
    echo
    echo "| leak (B/iteration) | iterations | called leak | detection rate | median figure (B/iteration) | other verdicts |"
    echo "| ---: | ---: | ---: | ---: | ---: | --- |"
} >"$table"
for size in 8 16 24 48; do
    for iters in 5000 10000 20000; do
        hits=0; figs=""; other=""
        i=1
        while [ "$i" -le "$runs" ]; do
            set -- $(run "$out/leak-$size-$iters-$i" --fault "leak-bytes:$size" --call "Add(1)" \
                         --iterations "$iters" --fail-on none)
            [ "$2" = leak ] && hits=$((hits + 1)) || other="$other $2"
            figs="$figs $3"
            i=$((i + 1))
        done
        med=$(echo $figs | tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
        line="| $size | $iters | $hits/$runs | $(awk -v h=$hits -v n=$runs 'BEGIN { printf "%.0f%%", 100 * h / n }') | $med | ${other:- -} |"
        echo "$line" >>"$table"
        echo "$line"
    done
done
{
    echo
    echo "### Near the threshold ($CS_DEFAULT_MAX_LEAK B/iteration): 20,000 iterations, $runs runs each"
    echo
    echo "| leak (B/iteration) | heap_bytes called leak | heap_blocks called leak | heap verdicts seen | median figure (B/iteration) |"
    echo "| ---: | ---: | ---: | --- | ---: |"
} >>"$table"
for size in 1 2 4 6; do
    hits=0; blocks=0; seen=""; figs=""
    i=1
    while [ "$i" -le "$runs" ]; do
        dir="$out/edge-$size-$i"
        set -- $(run "$dir" --fault "leak-bytes:$size" --call "Add(1)" --iterations 20000 --fail-on none)
        [ "$2" = leak ] && hits=$((hits + 1))
        [ "$(field "$dir/run.json" heap_blocks verdict)" = leak ] && blocks=$((blocks + 1))
        case " $seen " in *" $2 "*) ;; *) seen="$seen $2" ;; esac
        figs="$figs $3"
        i=$((i + 1))
    done
    med=$(echo $figs | tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    line="| $size | $hits/$runs | $blocks/$runs |$seen | $med |"
    echo "$line" >>"$table"
    echo "$line"
done
{
    echo
    echo "### Specificity: clean class, BSTR-heavy calls, $clean_runs runs each"
    echo
    echo "Calls: \`Echo('xxxxxxxx')\`, \`Echo('a somewhat longer string to copy')\`, \`Add(1)\`; 20,000 iterations."
    echo
    echo "| BSTR cache | heap_bytes called leak | any metric called leak (exit 1) | heap verdicts seen | max heap figure (B/iteration) |"
    echo "| --- | ---: | ---: | --- | ---: |"
} >>"$table"
for cache in off on; do
    heap=0; any=0; seen=""; figs=""
    i=1
    while [ "$i" -le "$clean_runs" ]; do
        set -- $(run "$out/clean-$cache-$i" --call "Echo('xxxxxxxx')" \
                     --call "Echo('a somewhat longer string to copy')" --call "Add(1)" \
                     --iterations 20000 --bstr-cache "$cache")
        [ "$2" = leak ] && heap=$((heap + 1))
        [ "$1" = 1 ] && any=$((any + 1))
        case " $seen " in *" $2 "*) ;; *) seen="$seen $2" ;; esac
        figs="$figs $3"
        i=$((i + 1))
    done
    max=$(echo $figs | tr ' ' '\n' | sort -g | tail -n 1)
    line="| $cache | $heap/$clean_runs | $any/$clean_runs |$seen | $max |"
    echo "$line" >>"$table"
done
{
    echo
    echo "### Realistic noise: intermittent leaks, one call per iteration, 20,000 iterations, $runs runs each"
    echo
    echo "A 24-byte block on every N-th call (\`leak-every:N\`) or with probability P per call"
    echo "(\`leak-random:P\`, a new seed per run). Thresholds: $CS_DEFAULT_MAX_LEAK B/iteration for"
    echo "\`heap_bytes\`, 0.01 blocks/iteration for \`heap_blocks\`."
    echo
    echo "| fault | mean leak (B, blocks /iteration) | heap_bytes verdicts seen | heap_blocks verdicts seen | detected (exit 1) | called leak by | median heap_bytes (B/iteration) | median heap_blocks (blocks/iteration) |"
    echo "| --- | ---: | --- | --- | ---: | --- | ---: | ---: |"
} >>"$table"
for spec in leak-every:10 leak-every:50 leak-every:100 leak-random:10 leak-random:2 leak-random:1; do
    n=${spec#*:}
    case $spec in
        leak-every:*) mean=$(awk -v n=$n 'BEGIN { printf "%.2f, %.3f", 24 / n, 1 / n }') ;;
        *) mean=$(awk -v n=$n 'BEGIN { printf "%.2f, %.3f", 24 * n / 100, n / 100 }') ;;
    esac
    seen=""; bseen=""; det=0; by=""; figs=""; bfigs=""
    i=1
    while [ "$i" -le "$runs" ]; do
        dir="$out/noise-$spec-$i"
        set -- $(run "$dir" --fault "$spec" --call "Add(1)" --iterations 20000)
        seen=$(add_seen "$seen" "$2")
        bseen=$(add_seen "$bseen" "$(field "$dir/run.json" heap_blocks verdict)")
        [ "$1" = 1 ] && det=$((det + 1))
        for m in $(leaks "$dir/run.json" | tr ',' ' '); do by=$(add_seen "$by" "$m"); done
        figs="$figs $3"
        bfigs="$bfigs $(field "$dir/run.json" heap_blocks per_iteration)"
        i=$((i + 1))
    done
    line="| \`$spec\` | $mean | $seen | $bseen | $det/$runs | $(echo ${by:--} | sed "s/ /, /g") | $(median $figs) | $(median $bfigs) |"
    echo "$line" >>"$table"
    echo "$line"
done
{
    echo
    echo "### Realistic noise: growth that is not a leak, 20,000 iterations, $clean_runs runs each"
    echo
    echo "\`plateau-cache:N\`: each call adds a 64-byte entry until a bound drawn per run from N/2 to"
    echo "3N/2; \`temp-allocs:MAX\`: 1 to 4 blocks of 1 to MAX bytes made and freed within each call."
    echo "The warm-up is the first 2,000 iterations."
    echo
    echo "| fault | heap_bytes verdicts seen | heap_blocks verdicts seen | an exact metric called leak (exit 1) | any metric called leak | max heap_bytes figure (B/iteration) |"
    echo "| --- | --- | --- | ---: | ---: | ---: |"
} >>"$table"
for spec in plateau-cache:1000 plateau-cache:5000 plateau-cache:10000 temp-allocs temp-allocs:65536; do
    exact=0; any=0; seen=""; bseen=""; figs=""
    i=1
    while [ "$i" -le "$clean_runs" ]; do
        dir="$out/noise-$spec-$i"
        set -- $(run "$dir" --fault "$spec" --call "Add(1)" --iterations 20000)
        [ "$1" = 1 ] && exact=$((exact + 1))
        [ -n "$(leaks "$dir/run.json")" ] && any=$((any + 1))
        seen=$(add_seen "$seen" "$2")
        bseen=$(add_seen "$bseen" "$(field "$dir/run.json" heap_blocks verdict)")
        figs="$figs $3"
        i=$((i + 1))
    done
    line="| \`$spec\` | $seen | $bseen | $exact/$clean_runs | $any/$clean_runs | $(maximum $figs) |"
    echo "$line" >>"$table"
    echo "$line"
done
echo
cat "$table"
"$wine" --stop
