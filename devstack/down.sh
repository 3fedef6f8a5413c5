#!/usr/bin/env bash
# Stops this checkout's services by pid file (never by process name); data stays.
#   devstack/down.sh [postgres|mongo|kafka|webhdfs]...     (default: all)
# Stale pid files (process gone, or the pid now belongs to another program) are removed
# without killing anything.
set -euo pipefail
# shellcheck source=devstack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stop_service() {
    local name=$1 file pid waited=0
    file=$(pid_file "$name")
    if [[ ! -e $file ]]; then
        echo "$name: not running (no pid file)"
        return 0
    fi
    if ! pid=$(service_pid "$name"); then
        echo "$name: removed stale pid file ($(<"$file") is not this stack's $name)"
        rm -f "$file"
        return 0
    fi
    if [[ $name == postgres ]]; then
        # fast = roll back open transactions and disconnect clients, then a clean checkpoint
        runuser -u postgres -- "$PGBIN/pg_ctl" stop -D "$STATE/pg/data" -m fast -w \
            -t "$STOP_TIMEOUT" >/dev/null 9>&- || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    while service_pid "$name" >/dev/null; do
        if ((waited >= STOP_TIMEOUT * 10)); then
            echo "$name: no exit ${STOP_TIMEOUT}s after SIGTERM, sending SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$file"
    echo "$name: stopped (pid $pid)"
}

targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=(webhdfs kafka mongo postgres) # reverse start order
fi
for name in "${targets[@]}"; do
    cmdline_marker "$name" >/dev/null || die "unknown service '$name' (known: ${SERVICES[*]})"
done

take_lock
for name in "${targets[@]}"; do
    stop_service "$name"
done
