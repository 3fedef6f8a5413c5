#!/usr/bin/env bash
# Benchmark of the metrics jobs against the raw ceilings, measured in the same run on the same stack:
#   job metrics: sensorctl job metrics --until-idle over COUNT readings already in a topic  vs  kcat consuming
#                the same topic into /dev/null, as a member of a fresh consumer group (-G) like the job, and
#                without a group (-C: no join, the transport's ceiling)
#   job hdfs:    sensorctl job hdfs over COUNT readings in CSV files  vs  curl fetching the same files from
#                WebHDFS into /dev/null (what `hdfs dfs -cat` does)
# Usage: bench/jobs.sh [SENSORCTL_BINARY] [COUNT] [SENSORS]   (run through `make bench`)
# Targets: job metrics >= 200k readings/s, job hdfs >= 300k readings/s; RSS independent of COUNT.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BIN=$(realpath "${1:-.build/release/sensorctl}")
COUNT=${2:-1000000}
SENSORS=${3:-1000}
STAMP=$(date +%s)
# Outside the datalake root (a later `job hdfs` there must not fold benchmark files in), removed at the end.
ROOT=/bench/sensorctl-$STAMP
remove_root() {
    curl -sS -X DELETE "$SENSORCTL_HDFS_URL/webhdfs/v1$ROOT?op=DELETE&recursive=true&user.name=$SENSORCTL_HDFS_USER" \
        >/dev/null || true
}
trap 'drop_databases; remove_root' EXIT
# `phases FILE`: a job's --json split into start-up (connecting, the group join, the first batch), the steady
# part (reading, aggregating, committing to PostgreSQL; its rate leaves out the first batch's readings) and
# the final wait for the last rows to reach MongoDB (the single-threaded stand-in).
phases() {
    python3 - "$1" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))
steady = job["elapsed_s"] - job["startup_s"] - job["mirror_wait_s"]
rate = (job["readings"] - job["startup_readings"]) / steady
print(f"  of which start-up {job['startup_s']:.2f} s ({job['startup_readings']} readings), steady {steady:.2f} s "
      f"({rate:,.0f}/s), final wait for mongo {job['mirror_wait_s']:.2f} s")
PY
}
fresh_database "bench_jobs_$STAMP"
export SENSORCTL_POSTGRES_URL=$PG_URL
export SENSORCTL_MONGO_URL=${SENSORCTL_MONGO_URL%/*}/bench_jobs_$STAMP
"$BIN" setup --service postgres,mongo --quiet

# Many partitions and many sensors (the keys): the mock keeps only ~5 MB per partition.
export SENSORCTL_TOPIC=bench.jobs.$STAMP
echo "create-topic $SENSORCTL_TOPIC 96" >"$SENSORCTL_DEVSTACK_KAFKA_CTL"
sleep 0.5
"$BIN" generate --sink kafka -n "$COUNT" --sensors "$SENSORS" --quiet
in_topic=$(kcat -C -b "$SENSORCTL_KAFKA_BROKERS" -t "$SENSORCTL_TOPIC" -e -q -o beginning \
    -X isolation.level=read_committed -f '.\n' | wc -l)

echo "== job metrics, $in_topic readings in $SENSORCTL_TOPIC (96 partitions, $SENSORS sensors)"
OUT=bench/out
mkdir -p "$OUT"
export BIN STAMP OUT ROOT
timing=$(measure bash -c '"$BIN" job metrics --until-idle --group "bench-$STAMP" --batch-records 200000 --json --quiet \
    >"$OUT/job-metrics.json"')
read -r job_s job_rss <<<"$timing"
read_by_job=$(psql -X -A -t "$PG_URL" -c "SELECT readings_in FROM job_runs WHERE job = 'metrics/bench-$STAMP'")
timing=$(measure bash -c "kcat -b '$SENSORCTL_KAFKA_BROKERS' -G kcat-bench-$STAMP -e -q -o beginning \
    -X isolation.level=read_committed '$SENSORCTL_TOPIC' >/dev/null")
read -r group_s _ <<<"$timing"
timing=$(measure bash -c "kcat -C -b '$SENSORCTL_KAFKA_BROKERS' -t '$SENSORCTL_TOPIC' -e -q -o beginning \
    -X isolation.level=read_committed >/dev/null")
read -r plain_s _ <<<"$timing"
echo "sensorctl job metrics:   ${job_s} s ($(rate "$read_by_job" "$job_s")), peak RSS ${job_rss} MB, read $read_by_job"
phases "$OUT/job-metrics.json"
echo "kcat -G (group) >null:   ${group_s} s ($(rate "$in_topic" "$group_s"))"
echo "kcat -C (no group)>null: ${plain_s} s ($(rate "$in_topic" "$plain_s"))"
echo "ratio sensorctl / kcat -G: $(ratio "$group_s" "$job_s"); both include the group join (~3 s on the mock)"

"$BIN" generate --sink hdfs-csv -n "$COUNT" --sensors "$SENSORS" --hdfs-root "$ROOT" --quiet
echo "== job hdfs, $COUNT readings in CSV files under $ROOT"
timing=$(measure bash -c '"$BIN" job hdfs --root "$ROOT" --batch-records 200000 --json --quiet >"$OUT/job-hdfs.json"')
read -r hdfs_s hdfs_rss <<<"$timing"
files=$(curl -sS "$SENSORCTL_HDFS_URL/webhdfs/v1$ROOT/csv?op=LISTSTATUS&user.name=$SENSORCTL_HDFS_USER" |
    python3 -c 'import json, sys; print(" ".join(f["pathSuffix"] for f in json.load(sys.stdin)["FileStatuses"]["FileStatus"]))')
cat_files() {
    for file in $files; do
        curl -sS -L "$SENSORCTL_HDFS_URL/webhdfs/v1$ROOT/csv/$file?op=OPEN&user.name=$SENSORCTL_HDFS_USER"
    done >/dev/null
}
export -f cat_files
export files ROOT
timing=$(measure bash -c cat_files)
read -r cat_s _ <<<"$timing"
echo "sensorctl job hdfs:      ${hdfs_s} s ($(rate "$COUNT" "$hdfs_s")), peak RSS ${hdfs_rss} MB"
phases "$OUT/job-hdfs.json"
echo "curl (hdfs dfs -cat):    ${cat_s} s ($(rate "$COUNT" "$cat_s"))"
echo "ratio sensorctl / cat: $(ratio "$cat_s" "$hdfs_s")"
