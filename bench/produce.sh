#!/usr/bin/env bash
# Benchmark of `sensorctl produce` against the raw ceiling, in the same run on the same stack:
#   sensorctl produce --from postgres (Kafka transactions + checkpoint)  vs  psql exporting the same rows as
#   JSON lines piped into kcat -P (idempotent, acks=all, no transactions, no checkpoint)
# plus the MongoDB producer's rate, which the single-threaded stand-in bounds.
# Usage: bench/produce.sh [SENSORCTL_BINARY] [COUNT] [MONGO_COUNT]   (run through `make bench`)
# Target: sensorctl >= 0.7x the psql | kcat pipeline.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Timings are taken as timing=$(measure …): a failing command then stops the script (set -e).
BIN=$(realpath "${1:-.build/release/sensorctl}")
COUNT=${2:-200000}
MONGO_COUNT=${3:-5000}
STAMP=$(date +%s)
fresh_database "bench_produce_$STAMP"
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
timing=$(measure "$BIN" produce --from postgres --postgres-url "$PG_URL" --topic "$SENSORCTL_TOPIC" --quiet)
read -r produce_s produce_rss <<<"$timing"
baseline() {
    psql -X -A -t "$PG_URL" -c "SELECT r.sensor_id || chr(9) || json_build_object('id', r.id, 'sensor_id', r.sensor_id,
        'sensor_type', r.sensor_type, 'value', r.value, 'ts', r.ts, 'app', r.app, 'source', 'postgres')::text
        FROM sensor_readings r ORDER BY r.txid, r.seq" |
        kcat -P -b "$SENSORCTL_KAFKA_BROKERS" -t "$BASELINE_TOPIC" -K $'\t' -X enable.idempotence=true -X acks=all -X linger.ms=5
}
export -f baseline
export PG_URL BASELINE_TOPIC
timing=$(measure bash -c baseline)
read -r baseline_s _ <<<"$timing"
echo "sensorctl produce:  ${produce_s} s ($(rate "$COUNT" "$produce_s")), peak RSS ${produce_rss} MB"
echo "psql | kcat -P:     ${baseline_s} s ($(rate "$COUNT" "$baseline_s"))"
echo "ratio sensorctl / (psql | kcat): $(ratio "$baseline_s" "$produce_s")  (target >= 0.7)"

echo "== MongoDB -> Kafka, $MONGO_COUNT readings (bounded by the single-threaded stand-in)"
MONGO_URL=${SENSORCTL_MONGO_URL%/*}/bench_$STAMP
"$BIN" generate --sink mongo -n "$MONGO_COUNT" --mongo-url "$MONGO_URL" --quiet
timing=$(measure "$BIN" produce --from mongo --mongo-url "$MONGO_URL" --topic "$SENSORCTL_TOPIC" --quiet)
read -r mongo_s _ <<<"$timing"
echo "sensorctl produce --from mongo: ${mongo_s} s ($(rate "$MONGO_COUNT" "$mongo_s"))"
