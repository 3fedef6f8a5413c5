#!/usr/bin/env bash
# Benchmark of `sensorctl produce` against the raw ceiling, in the same run on the same stack:
#   sensorctl produce --from postgres (Kafka transactions + checkpoint)  vs  psql exporting the same rows as
#   JSON lines piped into kcat -P (idempotent, acks=all, no transactions, no checkpoint)
# plus the MongoDB producer's rate, which the single-threaded stand-in bounds.
# Usage: bench/produce.sh [SENSORCTL_BINARY] [COUNT] [MONGO_COUNT]   (run through `make bench`)
# Target: sensorctl >= 0.7x the psql | kcat pipeline.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=$(realpath "${1:-.build/release/sensorctl}")
COUNT=${2:-200000}
MONGO_COUNT=${3:-5000}
set -a
# shellcheck source=/dev/null
source .devstack/env
set +a
: "${SENSORCTL_DEVSTACK_PG_SOCKET_DIR:?run through make bench}"

measure() { python3 bench/measure.py "$@"; }
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'{a / b:.2f}')" "$1" "$2"; }
rate() { python3 -c "import sys; n, s = map(float, sys.argv[1:]); print(f'{n / s:,.0f}/s')" "$1" "$2"; }

STAMP=$(date +%s)
DB=bench_produce_$STAMP
PG_PORT=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlparse(sys.argv[1]).port)' "$SENSORCTL_POSTGRES_URL")
admin() { psql -X -q -h "$SENSORCTL_DEVSTACK_PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres -c "$1"; }
admin "CREATE DATABASE $DB OWNER sensorctl"
trap 'admin "DROP DATABASE IF EXISTS $DB" || true' EXIT
PG_URL=${SENSORCTL_POSTGRES_URL%/*}/$DB
"$BIN" setup --service postgres --postgres-url "$PG_URL" --quiet
"$BIN" generate --sink postgres -n "$COUNT" --postgres-url "$PG_URL" --quiet

# Fresh topics with many partitions (the mock keeps ~5 MB per partition).
SENSORCTL_TOPIC=bench.produce.$STAMP
BASELINE_TOPIC=bench.produce-kcat.$STAMP
for topic in "$SENSORCTL_TOPIC" "$SENSORCTL_TOPIC.checkpoints" "$BASELINE_TOPIC"; do
    echo "create-topic $topic 24" >"$SENSORCTL_DEVSTACK_KAFKA_CTL"
done
sleep 0.5

echo "== PostgreSQL -> Kafka, $COUNT readings"
read -r produce_s produce_rss < <(measure "$BIN" produce --from postgres --postgres-url "$PG_URL" --topic "$SENSORCTL_TOPIC" --quiet)
baseline() {
    psql -X -A -t "$PG_URL" -c "SELECT r.sensor_id || chr(9) || json_build_object('id', r.id, 'sensor_id', r.sensor_id,
        'sensor_type', r.sensor_type, 'value', r.value, 'ts', r.ts, 'app', r.app, 'source', 'postgres')::text
        FROM sensor_readings r ORDER BY r.txid, r.seq" |
        kcat -P -b "$SENSORCTL_KAFKA_BROKERS" -t "$BASELINE_TOPIC" -K $'\t' -X enable.idempotence=true -X acks=all -X linger.ms=5
}
export -f baseline
export PG_URL BASELINE_TOPIC
read -r baseline_s _ < <(measure bash -c baseline)
echo "sensorctl produce:  ${produce_s} s ($(rate "$COUNT" "$produce_s")), peak RSS ${produce_rss} MB"
echo "psql | kcat -P:     ${baseline_s} s ($(rate "$COUNT" "$baseline_s"))"
echo "ratio sensorctl / (psql | kcat): $(ratio "$baseline_s" "$produce_s")  (target >= 0.7)"

echo "== MongoDB -> Kafka, $MONGO_COUNT readings (bounded by the single-threaded stand-in)"
MONGO_URL=${SENSORCTL_MONGO_URL%/*}/bench_$STAMP
"$BIN" generate --sink mongo -n "$MONGO_COUNT" --mongo-url "$MONGO_URL" --quiet
read -r mongo_s _ < <(measure "$BIN" produce --from mongo --mongo-url "$MONGO_URL" --topic "$SENSORCTL_TOPIC" --quiet)
echo "sensorctl produce --from mongo: ${mongo_s} s ($(rate "$MONGO_COUNT" "$mongo_s"))"
