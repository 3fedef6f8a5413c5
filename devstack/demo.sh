#!/usr/bin/env bash
# `make demo`: set up the local stack, generate good and anomaly readings into every sink, and show
# what landed where, read back from each service itself.
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

step "sensorctl generate --sink $SINKS -n 3000 --app $GOOD"
"$BIN" generate --sink "$SINKS" -n 3000 --app "$GOOD"

step "sensorctl generate --sink $SINKS -n 500 --type-data anomaly --app $BURNED"
"$BIN" generate --sink "$SINKS" -n 500 --type-data anomaly --app "$BURNED"

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
