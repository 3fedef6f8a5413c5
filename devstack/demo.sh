#!/usr/bin/env bash
# `make demo`: the whole pipeline on the local stack. Set up; generate good and anomaly readings into every
# sink and show what landed where, read back from each service itself; stream both databases into Kafka;
# run the metrics jobs (Kafka and HDFS) and both migrations; print the metrics table; say how to open the
# dashboard.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${1:-.build/release/sensorctl}
set -a
# shellcheck source=/dev/null
source .devstack/env
set +a

step() { printf '\n== %s\n' "$*"; }

# App names unique to this run, so "what landed where" counts exactly this demo's readings.
RUN=$(date +%Y%m%d%H%M%S)
GOOD=demo-good-$RUN
BURNED=demo-burned-$RUN
SINKS=postgres,mongo,hdfs-csv,hdfs-json,kafka
START_MS=$(($(date +%s) * 1000))

step "sensorctl setup"
"$BIN" setup

# One generate run per sink, so that every route into the metrics carries its own readings: the jobs count
# what they are delivered, and a reading written to two databases and produced from both would count twice.
for sink in ${SINKS//,/ }; do
    step "sensorctl generate --sink $sink -n 3000 --app $GOOD  (then 500 anomaly readings, --app $BURNED)"
    "$BIN" generate --sink "$sink" -n 3000 --app "$GOOD"
    "$BIN" generate --sink "$sink" -n 500 --type-data anomaly --sensors 3 --app "$BURNED"
done

step "What landed where (read back from each service)"
echo "PostgreSQL sensor_readings (app, readings, null values, -1 values):"
psql "$SENSORCTL_POSTGRES_URL" -X -q -A -F ' ' -t -v good="$GOOD" -v burned="$BURNED" <<'SQL'
SELECT '  ' || app, count(*), count(*) FILTER (WHERE value IS NULL), count(*) FILTER (WHERE value = -1)
FROM sensor_readings WHERE app IN (:'good', :'burned') GROUP BY app ORDER BY app;
SQL
echo "MongoDB sensor_readings (app, documents, null values):"
.devstack/venv-mongo/bin/python - "$SENSORCTL_MONGO_URL" "$GOOD" "$BURNED" <<'PY'
import sys
from pymongo import MongoClient
url, *apps = sys.argv[1:]
readings = MongoClient(url, serverSelectionTimeoutMS=5000).get_default_database().sensor_readings
for app in apps:
    print(f"  {app} {readings.count_documents({'app': app})} {readings.count_documents({'app': app, 'value': None})}")
PY
for format in csv json; do
    echo "HDFS $SENSORCTL_HDFS_ROOT/$format (files written by this demo):"
    curl -sf "$SENSORCTL_HDFS_URL/webhdfs/v1$SENSORCTL_HDFS_ROOT/$format?op=LISTSTATUS&user.name=$SENSORCTL_HDFS_USER" |
        python3 -c '
import json, sys
for status in json.load(sys.stdin)["FileStatuses"]["FileStatus"]:
    if status["modificationTime"] >= int(sys.argv[1]):
        print("  " + status["pathSuffix"], status["length"], "bytes")' "$START_MS"
done
echo "Kafka topic $SENSORCTL_TOPIC (messages of this demo, read_committed):"
kcat -b "$SENSORCTL_KAFKA_BROKERS" -C -t "$SENSORCTL_TOPIC" -o beginning -e -q -X isolation.level=read_committed 2>/dev/null |
    grep -oE "\"app\":\"($GOOD|$BURNED)\"" | sort | uniq -c | sed 's/^ */  /'

step "sensorctl check"
"$BIN" check

step "sensorctl produce --from postgres; sensorctl produce --from mongo  (exactly once into $SENSORCTL_TOPIC)"
"$BIN" produce --from postgres
"$BIN" produce --from mongo

step "sensorctl job metrics --until-idle  (the topic -> metrics in PostgreSQL and MongoDB)"
"$BIN" job metrics --until-idle

step "sensorctl job hdfs  (every CSV and JSON file under $SENSORCTL_HDFS_ROOT -> the same metrics)"
"$BIN" job hdfs

step "sensorctl job migrate mongo-to-pg --verify; sensorctl job migrate pg-to-mongo --verify"
"$BIN" job migrate mongo-to-pg --verify
"$BIN" job migrate pg-to-mongo --verify

step "sensorctl metrics  (the same figures are in MongoDB: sensorctl metrics --store mongo)"
"$BIN" metrics >.devstack/demo-metrics.txt
head -n 40 .devstack/demo-metrics.txt
lines=$(wc -l <.devstack/demo-metrics.txt)
if [ "$lines" -gt 40 ]; then echo "… $((lines - 40)) more lines in .devstack/demo-metrics.txt"; fi

step "Dashboard"
cat <<'TEXT'
Open the live dashboard of these metrics (PostgreSQL, or MongoDB from its sidebar):
    make dashboard        then browse http://127.0.0.1:8501
Keep the metrics live while you watch:
    source .devstack/env && .build/release/sensorctl job metrics &      # follows the topic
    .build/release/sensorctl generate --sink kafka -n 100000 --rate 200
Note: the metrics are cumulative over every demo run, and the migrations copy readings between the two
databases, so a later `produce` sends the copies too (see README, "Duplicates").
TEXT
