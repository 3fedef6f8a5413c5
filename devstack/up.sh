#!/usr/bin/env bash
# Starts this checkout's service stack (postgres, mongo, kafka, webhdfs), reusing services that
# already run, and writes <checkout>/.devstack/env for clients to source.
#   devstack/up.sh
# The services started by this run are listed in .devstack/run/started-by-last-up and, when
# DEVSTACK_STARTED_FILE is set, appended to that file too (with-stack.sh uses it).
set -euo pipefail
# shellcheck source=devstack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOPIC=${DEVSTACK_KAFKA_TOPIC:-sensor.readings}
PARTITIONS=${DEVSTACK_KAFKA_PARTITIONS:-6}
HDFS_USER=sensor_corp
HDFS_ROOT=/user/sensor_corp
PG_DATA=$STATE/pg/data
PG_SOCK=$STATE/pg/sock
PG_PASSWORD_FILE=$STATE/pg/password
KAFKA_DIR=$STATE/kafka
declare -A STARTED_AT=()

now_ms() { echo $((${EPOCHREALTIME/[.,]/} / 1000)); }

elapsed() {
    local ms=$(($(now_ms) - STARTED_AT[$1]))
    printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100))
}

fail() {
    echo "devstack: $1 $2; see $LOGS/$1.log" >&2
    tail -n 20 "$LOGS/$1.log" 2>/dev/null | sed 's/^/  | /' >&2
    exit 1
}

mark_started() {
    echo "$1" >>"$RUN/started-by-last-up"
    if [[ -n ${DEVSTACK_STARTED_FILE:-} ]]; then echo "$1" >>"$DEVSTACK_STARTED_FILE"; fi
}

# Runs a program detached in its own session (a Ctrl-C meant for the caller does not reach it),
# logging to .devstack/logs/NAME.log, and records its pid. setsid does not fork here because a
# background job of a non-interactive shell is not a process group leader, so $! is the
# program itself; wait_ready's cmdline check would notice otherwise.
launch() {
    local name=$1
    shift
    echo "--- $(date -Is) $*" >>"$LOGS/$name.log"
    STARTED_AT[$name]=$(now_ms)
    setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null 9>&- &
    echo $! >"$(pid_file "$name")"
    mark_started "$name"
}

wait_ready() {
    local name=$1 deadline=$((SECONDS + TIMEOUT))
    shift
    until "$@" >/dev/null 2>&1; do
        service_pid "$name" >/dev/null || fail "$name" "exited during startup"
        ((SECONDS < deadline)) || fail "$name" "did not answer within ${TIMEOUT}s"
        sleep 0.1
    done
}

# --- postgres (real PostgreSQL 15, run as the postgres user) ------------------------------
pg() { runuser -u postgres -- "$@" 9>&-; }

pg_port() { sed -n 4p "$PG_DATA/postmaster.pid"; }

prepare_postgres() {
    mkdir -p "$STATE/pg"
    install -d -o postgres -g postgres -m 700 "$PG_DATA"
    install -d -o postgres -g postgres -m 755 "$PG_SOCK"
    pg test -w "$PG_DATA" ||
        die "user postgres cannot reach $PG_DATA: every parent directory needs o+x"
    # Unix socket paths are limited to 107 bytes: <sock>/.s.PGSQL.<port>
    ((${#PG_SOCK} + 17 <= 107)) || die "path too long for a Unix socket: $PG_SOCK"
    if [[ ! -s $PG_PASSWORD_FILE ]]; then
        (umask 077 && "$SYS_PYTHON" -c 'import secrets; print(secrets.token_urlsafe(24))' \
            >"$PG_PASSWORD_FILE")
    fi
    if [[ ! -s $PG_DATA/PG_VERSION ]]; then
        echo "postgres: initdb $PG_DATA"
        pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >>"$LOGS/postgres.log" 2>&1 ||
            fail postgres "initdb failed"
    fi
    touch "$LOGS/postgres.log"
    chown postgres: "$LOGS/postgres.log" # pg_ctl -l writes it as postgres
}

start_postgres() {
    local port
    port=$(choose_port postgres)
    STARTED_AT[postgres]=$(now_ms)
    if ! pg "$PGBIN/pg_ctl" start -D "$PG_DATA" -l "$LOGS/postgres.log" -w -t "$TIMEOUT" \
        -o "-p $port -k '$PG_SOCK' -c listen_addresses=127.0.0.1" >/dev/null; then
        # A postmaster that is merely slow must still be stoppable by down.sh/with-stack.sh;
        # it writes postmaster.pid shortly after pg_ctl forks it.
        for _ in {1..50}; do [[ -s $PG_DATA/postmaster.pid ]] && break || sleep 0.1; done
        if [[ -s $PG_DATA/postmaster.pid ]]; then
            head -n 1 "$PG_DATA/postmaster.pid" >"$(pid_file postgres)"
            mark_started postgres
        fi
        fail postgres "did not start"
    fi
    head -n 1 "$PG_DATA/postmaster.pid" >"$(pid_file postgres)"
    mark_started postgres
    ready_postgres
    echo "postgres: started on 127.0.0.1:$port ($(elapsed postgres))"
}

ready_postgres() {
    port_set postgres "$(pg_port)"
    pg_isready -q -h 127.0.0.1 -p "$(pg_port)" -t "$TIMEOUT" ||
        fail postgres "does not accept TCP connections on 127.0.0.1:$(pg_port)"
}

# Role and database for the clients; the password is re-applied so it always matches the file.
ensure_pg_database() {
    local password
    password=$(<"$PG_PASSWORD_FILE") # token_urlsafe: no quotes, safe inside the SQL literal
    pg "$PGBIN/psql" -h "$PG_SOCK" -p "$(pg_port)" -U postgres -d postgres -qAt \
        -v ON_ERROR_STOP=1 >/dev/null <<SQL || fail postgres "could not create role/database"
SELECT 'CREATE ROLE sensorctl LOGIN' WHERE NOT EXISTS
  (SELECT FROM pg_roles WHERE rolname = 'sensorctl') \gexec
ALTER ROLE sensorctl LOGIN PASSWORD '$password';
SELECT 'CREATE DATABASE sensorctl OWNER sensorctl' WHERE NOT EXISTS
  (SELECT FROM pg_database WHERE datname = 'sensorctl') \gexec
SQL
}

# --- mongo (mongoeco wire server) ---------------------------------------------------------
launch_mongo() {
    ensure_mongo_venv
    launch mongo "$MONGO_VENV/bin/python" "$DEVSTACK_DIR/mongo_server.py" \
        --port "$(choose_port mongo)"
}

ready_mongo() { wait_ready mongo probe mongo "$(port_get mongo)"; }

# --- kafka (librdkafka mock cluster) -------------------------------------------------------
launch_kafka() {
    local src=$DEVSTACK_DIR/kafka_mock_host.c bin=$STATE/bin/kafka-mock-host
    if [[ ! -x $bin || $src -nt $bin ]]; then
        mkdir -p "$STATE/bin"
        # shellcheck disable=SC2046 # pkg-config output must split into flags
        gcc -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -o "$bin.tmp" "$src" \
            $(pkg-config --cflags --libs rdkafka) >>"$LOGS/kafka.log" 2>&1 ||
            fail kafka "build of $bin failed"
        mv "$bin.tmp" "$bin"
    fi
    mkdir -p "$KAFKA_DIR"
    rm -f "$KAFKA_DIR/bootstraps"
    : >"$KAFKA_DIR/ctl.reply"
    launch kafka "$bin" -b "$KAFKA_DIR/bootstraps" -c "$KAFKA_DIR/ctl" \
        -r "$KAFKA_DIR/ctl.reply" -t "$TOPIC" -p "$PARTITIONS"
}

kafka_answers() {
    [[ -s $KAFKA_DIR/bootstraps ]] && probe tcp "$(cut -d, -f1 "$KAFKA_DIR/bootstraps")"
}

ready_kafka() { wait_ready kafka kafka_answers; }

# --- webhdfs (dev server: namenode + datanode ports) --------------------------------------
launch_webhdfs() {
    local nn dn
    nn=$(choose_port webhdfs)
    dn=$(choose_port webhdfs-datanode)
    launch webhdfs "$SYS_PYTHON" "$DEVSTACK_DIR/webhdfs_server.py" --state "$STATE/hdfs" \
        --namenode-port "$nn" --datanode-port "$dn"
}

webhdfs_url() { echo "http://127.0.0.1:$(port_get webhdfs)/webhdfs/v1"; }

ready_webhdfs() { wait_ready webhdfs curl -fsS -o /dev/null "$(webhdfs_url)/?op=LISTSTATUS"; }

# --- reporting ------------------------------------------------------------------------------
describe() {
    case $1 in
        postgres) echo "on 127.0.0.1:$(pg_port)" ;;
        mongo) echo "on 127.0.0.1:$(port_get mongo)" ;;
        kafka) echo "on $(<"$KAFKA_DIR/bootstraps")" ;;
        webhdfs)
            echo "on 127.0.0.1:$(port_get webhdfs)" \
                "(datanode 127.0.0.1:$(port_get webhdfs-datanode))"
            ;;
    esac
}

write_env() {
    local pg_url
    pg_url=postgresql://sensorctl:$(<"$PG_PASSWORD_FILE")@127.0.0.1:$(pg_port)/sensorctl
    cat >"$STATE/env.tmp" <<EOF
export SENSORCTL_POSTGRES_URL=$pg_url
export SENSORCTL_MONGO_URL=mongodb://127.0.0.1:$(port_get mongo)/sensorctl
export SENSORCTL_KAFKA_BROKERS=$(<"$KAFKA_DIR/bootstraps")
export SENSORCTL_TOPIC=$TOPIC
export SENSORCTL_HDFS_URL=http://127.0.0.1:$(port_get webhdfs)
export SENSORCTL_HDFS_USER=$HDFS_USER
export SENSORCTL_HDFS_ROOT=$HDFS_ROOT
export SENSORCTL_DEVSTACK_KAFKA_CTL=$KAFKA_DIR/ctl
export SENSORCTL_DEVSTACK_PG_SOCKET_DIR=$PG_SOCK
EOF
    chmod 600 "$STATE/env.tmp" # holds the postgres password
    mv "$STATE/env.tmp" "$STATE/env"
}

# --- main -----------------------------------------------------------------------------------
take_lock
mkdir -p "$RUN" "$LOGS" "$STATE/hdfs"
: >"$RUN/started-by-last-up"

# A postgres running on our data dir without a pid file (pid file removed, or started by
# hand) is adopted rather than started twice.
if ! service_pid postgres >/dev/null && [[ -s $PG_DATA/postmaster.pid ]] &&
    pg "$PGBIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; then
    head -n 1 "$PG_DATA/postmaster.pid" >"$(pid_file postgres)"
fi

declare -A RUNNING=()
for service in "${SERVICES[@]}"; do
    if pid=$(service_pid "$service"); then
        RUNNING[$service]=$pid
    else
        rm -f "$(pid_file "$service")" # stale: process gone or pid reused
    fi
done

# Launch the background services first so they boot while postgres starts (pg_ctl -w blocks).
for service in mongo kafka webhdfs; do
    [[ -n ${RUNNING[$service]:-} ]] || "launch_$service"
done
[[ -n ${RUNNING[postgres]:-} ]] || prepare_postgres

for service in "${SERVICES[@]}"; do
    if [[ -n ${RUNNING[$service]:-} ]]; then
        "ready_$service"
        echo "$service: already running (pid ${RUNNING[$service]}) $(describe "$service")"
    elif [[ $service == postgres ]]; then
        start_postgres
    else
        "ready_$service"
        echo "$service: started $(describe "$service") ($(elapsed "$service"))"
    fi
done

# What an admin creates next to the readings topic on a real cluster: its dead-letter and checkpoint
# topics (the mock answers no CreateTopics, so `sensorctl setup` cannot create them here).
if [[ -z ${RUNNING[kafka]:-} ]]; then
    for extra in "$TOPIC.dlq" "$TOPIC.checkpoints"; do
        echo "create-topic $extra 1" >"$KAFKA_DIR/ctl"
    done
fi
ensure_pg_database
curl -fsS -o /dev/null -X PUT "$(webhdfs_url)$HDFS_ROOT?op=MKDIRS&user.name=$HDFS_USER" ||
    fail webhdfs "MKDIRS $HDFS_ROOT failed"
write_env
echo "env: source $STATE/env"
