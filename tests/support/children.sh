# Sourced by the shell tests that stop a comstress process with Ctrl-C and
# must prove its children went with it. Wine shows a Windows process's
# command line as the Unix process's arguments, so a test finds its own
# children by a pattern naming its output directory: no other test's
# process, and never a process found by name alone.

# The PIDs of the processes whose arguments match the case pattern $1.
children_matching() {
    for p in /proc/[0-9]*; do
        args=$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
        case "$args" in
        $1) echo "${p#/proc/}" ;;
        esac
    done
}

# Waits up to 5 s for the processes matching $1 to be gone (the Unix side
# follows a Windows process's end a moment later); when some are left,
# kills them (this test's own, by PID) and fails with "$2 (pid N) still
# ran 5 s after $3".
expect_children_gone() {
    n=0
    while [ -n "$(children_matching "$1")" ] && [ $n -lt 50 ]; do
        n=$((n + 1)); sleep 0.1
    done
    left=$(children_matching "$1")
    if [ -n "$left" ]; then
        kill -KILL $left
        fail "$2 (pid $left) still ran 5 s after $3"
    fi
}
