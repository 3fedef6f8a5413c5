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

step "sensorctl setup"
"$BIN" setup

step "sensorctl generate --sink postgres,mongo,hdfs-csv,hdfs-json,kafka -n 3000 (good data)"
"$BIN" generate --sink postgres,mongo,hdfs-csv,hdfs-json,kafka -n 3000 --app demo-good

step "sensorctl generate --sink postgres,mongo,hdfs-csv,hdfs-json,kafka -n 500 --type-data anomaly"
"$BIN" generate --sink postgres,mongo,hdfs-csv,hdfs-json,kafka -n 500 --type-data anomaly --app demo-burned

step "What landed where"
echo "PostgreSQL sensor_readings by app:"
psql "$SENSORCTL_POSTGRES_URL" -X -q -A -F ' ' -t -c \
    "SELECT '  ' || app, count(*), count(*) FILTER (WHERE value IS NULL) AS nulls FROM sensor_readings GROUP BY app ORDER BY app"
echo "MongoDB sensor_readings by app:"
.devstack/venv-mongo/bin/python - "$SENSORCTL_MONGO_URL" <<'PY'
import sys
from pymongo import MongoClient
client = MongoClient(sys.argv[1], serverSelectionTimeoutMS=5000)
db = client.get_default_database()
for row in db.sensor_readings.aggregate([{"$group": {"_id": "$app", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}]):
    print(f"  {row['_id']} {row['n']}")
PY
for format in csv json; do
    echo "HDFS $SENSORCTL_HDFS_ROOT/$format:"
    curl -sf "$SENSORCTL_HDFS_URL/webhdfs/v1$SENSORCTL_HDFS_ROOT/$format?op=LISTSTATUS&user.name=$SENSORCTL_HDFS_USER" |
        python3 -c 'import json,sys; [print(f"  {f[\"pathSuffix\"]} {f[\"length\"]} bytes") for f in json.load(sys.stdin)["FileStatuses"]["FileStatus"]]'
done
echo "Kafka topic $SENSORCTL_TOPIC: $(kcat -b "$SENSORCTL_KAFKA_BROKERS" -C -t "$SENSORCTL_TOPIC" -o beginning -e -q -X isolation.level=read_committed 2>/dev/null | wc -l) messages"

step "sensorctl check"
"$BIN" check
