import SensorCore

/// The PostgreSQL objects sensorctl owns. Statements are idempotent (`IF NOT EXISTS`) so `setup` can always run.
enum PostgresSchema {
    static let readingsTable = "sensor_readings"

    /// Tables and indexes in creation order: (kind, name, DDL).
    static let objects: [(kind: String, name: String, ddl: String)] = [
        (
            "table", readingsTable,
            """
            CREATE TABLE IF NOT EXISTS sensor_readings (
                id uuid PRIMARY KEY,
                sensor_id text NOT NULL,
                sensor_type text NOT NULL,
                value double precision,
                ts timestamptz NOT NULL,
                app text NOT NULL
            )
            """
        ),
        (
            "index", "sensor_readings_sensor_id_ts",
            "CREATE INDEX IF NOT EXISTS sensor_readings_sensor_id_ts ON sensor_readings (sensor_id, ts)"
        ),
    ]

    /// The binary COPY statement of the readings table; columns in `Reading.fieldNames` order.
    static let copyReadings =
        "COPY sensor_readings (\(Reading.fieldNames.joined(separator: ", "))) FROM STDIN (FORMAT binary)"
}
