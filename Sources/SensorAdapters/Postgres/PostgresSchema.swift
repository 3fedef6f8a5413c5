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
    ]

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
