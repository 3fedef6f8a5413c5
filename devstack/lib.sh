# shellcheck shell=bash
# Shared by up.sh, down.sh and deps.sh: locations, pid files, ports, the mongo venv.
# All state lives in <checkout>/.devstack; the checkout is the parent of this directory.

DEVSTACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHECKOUT=$(dirname "$DEVSTACK_DIR")
STATE=$CHECKOUT/.devstack
RUN=$STATE/run
LOGS=$STATE/logs
SERVICES=(postgres mongo kafka webhdfs)

PGBIN=${DEVSTACK_PGBIN:-/usr/lib/postgresql/15/bin}
MONGO_PYTHON=${DEVSTACK_MONGO_PYTHON:-/root/.pyenv/versions/3.13.0/bin/python3.13}
MONGO_VENV=$STATE/venv-mongo
if [[ -x /usr/bin/python3 ]]; then SYS_PYTHON=/usr/bin/python3; else SYS_PYTHON=python3; fi
TIMEOUT=${DEVSTACK_TIMEOUT:-30}          # seconds to wait for a service to answer
STOP_TIMEOUT=${DEVSTACK_STOP_TIMEOUT:-10} # seconds between SIGTERM and SIGKILL

die() {
    echo "devstack: $*" >&2
    exit 1
}

probe() { "$SYS_PYTHON" "$DEVSTACK_DIR/probe.py" "$@"; }

# .devstack is local state: keep it out of git without touching the checkout's .gitignore.
init_state() {
    mkdir -p "$STATE" "$RUN" "$LOGS"
    [[ -e $STATE/.gitignore ]] || echo '*' >"$STATE/.gitignore"
}

# One up/down at a time per checkout. Children must not inherit fd 9 (see launch in up.sh),
# or the lock would live as long as the services.
take_lock() {
    init_state
    exec 9>"$RUN/lock"
    flock -w 300 9 || die "another up.sh/down.sh holds $RUN/lock"
}

pid_file() { echo "$RUN/$1.pid"; }

# What /proc/PID/cmdline must contain for PID to be this checkout's service: pid files can
# outlive their process, the pid can be reused by an unrelated program, and the same server
# script may also run for another state directory.
cmdline_marker() {
    case $1 in
        postgres) echo "-D $STATE/pg/data" ;;
        mongo) echo "$MONGO_VENV/bin/python $DEVSTACK_DIR/mongo_server.py" ;;
        kafka) echo "$STATE/bin/kafka-mock-host" ;;
        webhdfs) echo "$DEVSTACK_DIR/webhdfs_server.py --state $STATE/hdfs" ;;
        *) return 1 ;;
    esac
}

# Prints the pid of the running service named $1 (from its pid file); fails if not running.
service_pid() {
    local file pid cmdline marker
    file=$(pid_file "$1")
    [[ -s $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1 # empty for zombies
    marker=$(cmdline_marker "$1")
    [[ $cmdline == *"$marker"* ]] || return 1
    echo "$pid"
}

# Ports are recorded in .devstack/ports (name=port) and reused while they stay free, so a
# restarted service usually comes back on the same port.
port_get() { sed -n "s/^$1=//p" "$STATE/ports" 2>/dev/null | tail -n 1; }

port_set() {
    { grep -v "^$1=" "$STATE/ports" 2>/dev/null || true; echo "$1=$2"; } >"$STATE/ports.tmp"
    mv "$STATE/ports.tmp" "$STATE/ports"
}

choose_port() {
    local port others
    port=$(port_get "$1")
    if [[ -z $port ]] || ! probe port-free "$port"; then
        others=$(grep -v "^$1=" "$STATE/ports" 2>/dev/null | cut -d= -f2 | tr '\n' ' ' || true)
        # shellcheck disable=SC2086 # word splitting of the port list is intended
        port=$(probe free-port $others)
        port_set "$1" "$port"
    fi
    echo "$port"
}

# The venv is rebuilt only when mongo-requirements.txt changes (its copy is the stamp).
ensure_mongo_venv() {
    local req=$DEVSTACK_DIR/mongo-requirements.txt
    local stamp=$MONGO_VENV/devstack-requirements.txt
    if [[ -x $MONGO_VENV/bin/python && -f $stamp ]] && cmp -s "$req" "$stamp"; then
        return 0
    fi
    [[ -x $MONGO_PYTHON ]] || die "Python 3.13 not found at $MONGO_PYTHON (mongoeco needs" \
        ">= 3.13): install it (e.g. pyenv install 3.13.0) or set DEVSTACK_MONGO_PYTHON"
    init_state
    echo "mongo: creating $MONGO_VENV (first run only)"
    rm -rf "$MONGO_VENV"
    "$MONGO_PYTHON" -m venv "$MONGO_VENV"
    "$MONGO_VENV/bin/pip" install --disable-pip-version-check -q -r "$req" \
        >>"$LOGS/mongo-venv.log" 2>&1 || die "pip install failed; see $LOGS/mongo-venv.log"
    cp "$req" "$stamp"
}
