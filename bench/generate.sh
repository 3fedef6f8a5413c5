#!/usr/bin/env bash
# Benchmark of `sensorctl generate` against the raw ceilings, measured in the same run on the same stack:
#   PostgreSQL: sensorctl generate --sink postgres  vs  psql \copy of the same rows into an identical empty table
#   Kafka:      sensorctl generate --sink kafka     vs  kcat -P of the same messages (same producer settings)
# Usage: bench/generate.sh [SENSORCTL_BINARY] [COUNT]   (run through `make bench`, which starts the stack)
# Targets: PostgreSQL ratio >= 0.8 and peak RSS <= 100 MB; Kafka ratio >= 0.5.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Timings are taken as timing=$(measure …): a failing command then stops the script (set -e).
BIN=$(realpath "${1:-.build/release/sensorctl}")
COUNT=${2:-1000000}
OUT=bench/out
mkdir -p "$OUT"
# A fresh database per run, so both loads start from empty tables with the same indexes.
fresh_database "bench_$(date +%s)"
"$BIN" setup --service postgres --postgres-url "$PG_URL" --quiet
psql -X -q "$PG_URL" -c "CREATE TABLE copy_baseline (LIKE sensor_readings INCLUDING ALL)"

echo "== PostgreSQL, $COUNT readings"
timing=$(measure "$BIN" generate --sink postgres -n "$COUNT" --postgres-url "$PG_URL" --quiet)
read -r pg_s pg_rss <<<"$timing"
# The reading columns only: txid and seq are server defaults on both tables.
COLUMNS="id, sensor_id, sensor_type, value, ts, app"
psql -X -q "$PG_URL" -c "\\copy (SELECT $COLUMNS FROM sensor_readings) TO '$OUT/readings.csv' CSV"
timing=$(measure psql -X -q "$PG_URL" -c "\\copy copy_baseline ($COLUMNS) FROM '$OUT/readings.csv' CSV")
read -r copy_s _ <<<"$timing"
echo "sensorctl generate: ${pg_s} s ($(rate "$COUNT" "$pg_s")), peak RSS ${pg_rss} MB"
echo "psql \\copy:         ${copy_s} s ($(rate "$COUNT" "$copy_s"))"
echo "ratio sensorctl / \\copy: $(ratio "$copy_s" "$pg_s")  (target >= 0.8; RSS target <= 100 MB)"

echo "== Kafka, $COUNT readings"
# Fresh topics with many partitions: the mock keeps only ~5 MB per partition (see ../shared/STACK.md).
stamp=$(date +%s)
for topic in "bench.sensorctl.$stamp" "bench.kcat.$stamp"; do
    echo "create-topic $topic 24" >"$SENSORCTL_DEVSTACK_KAFKA_CTL"
done
sleep 0.5
python3 bench/kafka_lines.py <"$OUT/readings.csv" >"$OUT/messages.tsv"
timing=$(measure "$BIN" generate --sink kafka -n "$COUNT" --topic "bench.sensorctl.$stamp" --quiet)
read -r kafka_s kafka_rss <<<"$timing"
read -r kcat_s _ < <(measure kcat -P -b "$SENSORCTL_KAFKA_BROKERS" -t "bench.kcat.$stamp" -K $'\t' \
    -X enable.idempotence=true -X acks=all -X linger.ms=5 -X partitioner=murmur2_random -l "$OUT/messages.tsv")
echo "sensorctl generate: ${kafka_s} s ($(rate "$COUNT" "$kafka_s")), peak RSS ${kafka_rss} MB"
echo "kcat -P:            ${kcat_s} s ($(rate "$COUNT" "$kcat_s"))"
echo "ratio sensorctl / kcat: $(ratio "$kcat_s" "$kafka_s")  (target >= 0.5)"
rm -f "$OUT/readings.csv" "$OUT/messages.tsv"
