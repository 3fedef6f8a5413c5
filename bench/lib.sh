# shellcheck shell=bash
# Shared by the benchmark scripts: the stack's environment, timing helpers and a throwaway database.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
set -a
# shellcheck source=/dev/null
source .devstack/env
set +a
: "${SENSORCTL_DEVSTACK_PG_SOCKET_DIR:?run through make bench}"

# `measure CMD...` prints "<wall seconds> <peak RSS MB>" of the command.
measure() { python3 bench/measure.py "$@"; }
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{a / b:.2f}')" "$1" "$2"; }
rate() { python3 -c "import sys; n, s = map(float, sys.argv[1:]); print(f'{n / s:,.0f}/s')" "$1" "$2"; }

PG_PORT=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlparse(sys.argv[1]).port)' "$SENSORCTL_POSTGRES_URL")
admin() { psql -X -q -h "$SENSORCTL_DEVSTACK_PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres -c "$1"; }
BENCH_DATABASES=()
drop_databases() { for db in "${BENCH_DATABASES[@]}"; do admin "DROP DATABASE IF EXISTS $db" || true; done; }
trap drop_databases EXIT

# `fresh_database NAME` creates an empty database owned by sensorctl (as the superuser over the stack's
# local socket), to be dropped when the script exits, and sets PG_URL to it.
fresh_database() {
    admin "CREATE DATABASE $1 OWNER sensorctl"
    BENCH_DATABASES+=("$1")
    PG_URL=${SENSORCTL_POSTGRES_URL%/*}/$1
}
