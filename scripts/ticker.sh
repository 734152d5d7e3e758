# Sourced by the set-up scripts: a line every 30 s while a long step runs
# in silence, so a first set-up never looks hung.
#   ticker_start "install-deps: installing packages"; ...; ticker_stop
ticker_start() {
    ticker_t0=$(date +%s)
    echo "$1" >&2
    (
        while sleep 30 </dev/null >/dev/null 2>&1; do
            echo "${1%% (*}: still going, $(( $(date +%s) - ticker_t0 )) s" >&2
        done
    ) &
    ticker_pid=$!
}
ticker_stop() {
    [ -n "${ticker_pid:-}" ] && kill "$ticker_pid" 2>/dev/null || true
    wait "$ticker_pid" 2>/dev/null || true
    ticker_pid=""
    echo "$1 ($(( $(date +%s) - ticker_t0 )) s)" >&2
}
