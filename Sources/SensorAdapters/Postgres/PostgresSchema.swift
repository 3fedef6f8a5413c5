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
