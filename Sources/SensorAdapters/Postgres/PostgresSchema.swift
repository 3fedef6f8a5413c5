import SensorCore

/// The PostgreSQL objects sensorctl owns, each with a query that says whether it exists and the idempotent
/// DDL that creates it, in creation order, so `setup` can always run.
enum PostgresSchema {
    static let readingsTable = "sensor_readings"

    struct Object {
        let label: String
        /// One row, one boolean column: does the object exist?
        let exists: String
        let ddl: String
    }

    static let objects: [Object] = [
        Object(
            label: "table sensor_readings", exists: "SELECT to_regclass('sensor_readings') IS NOT NULL",
            ddl: """
                CREATE TABLE IF NOT EXISTS sensor_readings (
                    id uuid PRIMARY KEY,
                    sensor_id text NOT NULL,
                    sensor_type text NOT NULL,
                    value double precision,
                    ts timestamptz NOT NULL,
                    app text NOT NULL
                )
                """),
        Object(
            label: "index sensor_readings_sensor_id_ts",
            exists: "SELECT to_regclass('sensor_readings_sensor_id_ts') IS NOT NULL",
            ddl: "CREATE INDEX IF NOT EXISTS sensor_readings_sensor_id_ts ON sensor_readings (sensor_id, ts)"),
        // The producer's position: the id of the inserting transaction and an insertion sequence, both set
        // by the server for any writer. See PostgresSource for why this never misses a late commit.
        column("txid", "xid8 NOT NULL DEFAULT pg_current_xact_id()"),
        column("seq", "bigserial"),
        Object(
            label: "index sensor_readings_txid_seq", exists: "SELECT to_regclass('sensor_readings_txid_seq') IS NOT NULL",
            ddl: "CREATE INDEX IF NOT EXISTS sensor_readings_txid_seq ON sensor_readings (txid, seq)"),
        // Job bookkeeping (`job migrate`): run records, resumable positions, and records set aside.
        table(
            "job_runs",
            """
            id uuid PRIMARY KEY, job text NOT NULL, engine text NOT NULL, started_at timestamptz NOT NULL,
            finished_at timestamptz, readings_in bigint NOT NULL DEFAULT 0, readings_out bigint NOT NULL DEFAULT 0,
            rejected bigint NOT NULL DEFAULT 0, status text NOT NULL, error text
            """),
        table("job_checkpoints", "job text PRIMARY KEY, position text NOT NULL, updated_at timestamptz NOT NULL"),
        table(
            "migration_rejects",
            "job text NOT NULL, source_key text, record text NOT NULL, reason text NOT NULL, "
                + "rejected_at timestamptz NOT NULL"),
        // Metrics jobs (`job metrics`, `job hdfs`): cumulative per-sensor state, time series, summaries, the
        // source positions committed with them, and records set aside. Columns are documented in the README.
        table(
            "sensor_metrics",
            """
            sensor_id text PRIMARY KEY, sensor_type text NOT NULL, health text NOT NULL,
            readings_total bigint NOT NULL, readings_normal bigint NOT NULL, readings_atypical bigint NOT NULL,
            readings_fault bigint NOT NULL, readings_out_of_range bigint NOT NULL,
            value_count bigint NOT NULL, value_mean double precision, value_m2 double precision NOT NULL,
            value_stddev double precision, value_min double precision, value_max double precision,
            smoothed double precision, smoothing_tau_s double precision NOT NULL,
            ewma_weighted_sum double precision NOT NULL, ewma_weight_sum double precision NOT NULL,
            ewma_reference timestamptz, last_value double precision, last_reading_id uuid,
            first_seen timestamptz, last_seen timestamptz,
            recent_ms bigint[] NOT NULL, recent_ids uuid[] NOT NULL, recent_classes text[] NOT NULL,
            activity_seconds bigint[] NOT NULL, activity_counts bigint[] NOT NULL,
            version bigint NOT NULL, updated_at timestamptz NOT NULL
            """),
        table(
            "metrics_series",
            """
            sensor_type text NOT NULL, bucket_ms bigint NOT NULL, bucket_start timestamptz NOT NULL,
            readings bigint NOT NULL, value_sum double precision NOT NULL, mean double precision NOT NULL,
            version bigint NOT NULL, updated_at timestamptz NOT NULL,
            PRIMARY KEY (sensor_type, bucket_ms, bucket_start)
            """),
        table(
            "metrics_summary",
            """
            group_key text PRIMARY KEY, sensor_type text, sensors_total integer NOT NULL,
            sensors_online integer NOT NULL, healthy integer NOT NULL, degraded integer NOT NULL,
            failed integer NOT NULL, readings_total bigint NOT NULL, readings_normal bigint NOT NULL,
            readings_atypical bigint NOT NULL, readings_fault bigint NOT NULL, readings_out_of_range bigint NOT NULL,
            value_count bigint NOT NULL, value_mean double precision, value_m2 double precision NOT NULL,
            value_stddev double precision, value_min double precision, value_max double precision,
            readings_per_second double precision NOT NULL, computed_at timestamptz NOT NULL
            """),
        table(
            "job_offsets",
            """
            job text NOT NULL, topic text NOT NULL, partition integer NOT NULL, next_offset bigint NOT NULL,
            updated_at timestamptz NOT NULL, PRIMARY KEY (job, topic, partition)
            """),
        table(
            "hdfs_manifest",
            """
            job text NOT NULL, path text NOT NULL, bytes_done bigint NOT NULL, lines_done bigint NOT NULL,
            length bigint NOT NULL, modification_time timestamptz NOT NULL, readings bigint NOT NULL,
            rejected bigint NOT NULL, complete boolean NOT NULL, updated_at timestamptz NOT NULL,
            PRIMARY KEY (job, path)
            """),
        table(
            "job_rejects",
            """
            job text NOT NULL, origin text NOT NULL, position bigint NOT NULL, reason text NOT NULL,
            record text NOT NULL, rejected_at timestamptz NOT NULL, PRIMARY KEY (job, origin, position)
            """),
    ]

    private static func table(_ name: String, _ columns: String) -> Object {
        Object(
            label: "table \(name)", exists: "SELECT to_regclass('\(name)') IS NOT NULL",
            ddl: "CREATE TABLE IF NOT EXISTS \(name) (\(columns))")
    }

    private static func column(_ name: String, _ definition: String) -> Object {
        Object(
            label: "column sensor_readings.\(name)",
            exists: """
                SELECT EXISTS (SELECT 1 FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = 'sensor_readings' AND column_name = '\(name)')
                """,
            ddl: "ALTER TABLE sensor_readings ADD COLUMN IF NOT EXISTS \(name) \(definition)")
    }

    /// The binary COPY statement of the readings table; columns in `Reading.fieldNames` order (the server
    /// fills `txid` and `seq`).
    static let copyReadings =
        "COPY sensor_readings (\(Reading.fieldNames.joined(separator: ", "))) FROM STDIN (FORMAT binary)"
}
