#!/usr/bin/env bash
# Runs a command against the service stack:
#   devstack/with-stack.sh CMD [ARGS...]
# up.sh, then CMD with .devstack/env in its environment, then stops only the services this run
# started (services that were already up stay up). Exits with CMD's exit status.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
state=$(dirname "$here")/.devstack

(($# > 0)) || { echo "usage: $0 CMD [ARGS...]" >&2; exit 64; }

mkdir -p "$state/run"
started_file=$state/run/with-stack.$$.started # private to this run, unlike started-by-last-up
: >"$started_file"

stop_started() {
    local started=()
    mapfile -t started <"$started_file"
    if ((${#started[@]} > 0)); then
        "$here/down.sh" "${started[@]}" || echo "with-stack: down.sh failed" >&2
    fi
    rm -f "$started_file"
}
trap stop_started EXIT
trap 'exit 130' INT # run the EXIT trap on Ctrl-C too
trap 'exit 143' TERM

DEVSTACK_STARTED_FILE=$started_file "$here/up.sh"
# shellcheck source=/dev/null
source "$state/env"

status=0
"$@" || status=$?
exit "$status"
