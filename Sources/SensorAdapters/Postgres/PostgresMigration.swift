import SensorCore

/// PostgreSQL as a side of `job migrate`. As the target, each batch is one transaction: binary COPY into a
/// temporary table, `INSERT … SELECT … ON CONFLICT (id) DO NOTHING` into `sensor_readings`, the rejects and
/// the checkpoint — so a crash leaves either the whole batch with its checkpoint or neither.
public final class PostgresMigration: MigrationEndpoint {
    public let service = ServiceKind.postgres.rawValue
    private let connection: PostgresConnection
    private var buffer: [UInt8] = []
    private var stagingReady = false

    public init(config: SensorConfig) throws(SensorError) {
        connection = try PostgresConnection(url: config.postgresURL)
    }

    public func records(after position: String?, limit: Int) throws(SensorError)
        -> (records: [SourceRecord], last: String?)
    {
        // The primary key's index gives the order; the same row shape as PostgresSource, so the same checks.
        let rows = try connection.query(
            """
            SELECT \(PostgresSource.readingColumns)
            FROM sensor_readings r
            WHERE $1::uuid IS NULL OR r.id > $1::uuid
            ORDER BY r.id
            LIMIT $2
            """, [position, String(limit)])
        return (rows.map(PostgresSource.record), rows.last?[0] ?? nil)
    }

    public func storedIDs(after position: String?, limit: Int) throws(SensorError) -> [String] {
        // uuid order is the order of the canonical lowercase text, which the merge in --verify compares.
        try connection.query(
            "SELECT id::text FROM sensor_readings WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2",
            [position, String(limit)]
        ).compactMap { $0[0] }
    }

    public func store(_ batch: MigrationBatch, job: String) throws(SensorError) -> Int {
        try connection.query("BEGIN")
        do throws(SensorError) {
            let copied = try insertNew(batch.readings)
            for reject in batch.rejects {
                // Not a key of the table: a rerun must not set the same record aside twice.
                try connection.query(
                    """
                    INSERT INTO migration_rejects (job, source_key, record, reason, rejected_at)
                    SELECT $1, $2, $3, $4, now()
                    WHERE NOT EXISTS (SELECT 1 FROM migration_rejects
                                      WHERE job = $1 AND source_key IS NOT DISTINCT FROM $2 AND record = $3)
                    """, [job, reject.key, reject.raw, reject.reason])
            }
            try connection.query(
                """
                INSERT INTO job_checkpoints (job, position, updated_at) VALUES ($1, $2, now())
                ON CONFLICT (job) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                """, [job, batch.position])
            try connection.query("COMMIT")
            return copied
        } catch {
            _ = try? connection.query("ROLLBACK")
            throw error
        }
    }

    /// Binary COPY into the session's staging table, then one set-based insert of the ids not yet present.
    private func insertNew(_ readings: [Reading]) throws(SensorError) -> Int {
        guard !readings.isEmpty else { return 0 }
        if !stagingReady {
            try connection.query(
                """
                CREATE TEMP TABLE IF NOT EXISTS migrate_staging (
                    id uuid, sensor_id text, sensor_type text, value double precision, ts timestamptz, app text)
                """)
            stagingReady = true
        }
        try connection.query("TRUNCATE migrate_staging")
        buffer.removeAll(keepingCapacity: true)
        PostgresBinaryCopyEncoder.appendHeader(to: &buffer)
        for reading in readings { PostgresBinaryCopyEncoder.append(reading, to: &buffer) }
        PostgresBinaryCopyEncoder.appendTrailer(to: &buffer)
        let columns = Reading.fieldNames.joined(separator: ", ")
        try connection.beginCopy("COPY migrate_staging (\(columns)) FROM STDIN (FORMAT binary)")
        try connection.putCopyData(buffer)
        _ = try connection.endCopy()
        let rows = try connection.query(
            """
            WITH inserted AS (
                INSERT INTO sensor_readings (\(columns))
                SELECT DISTINCT ON (id) \(columns) FROM migrate_staging ORDER BY id
                ON CONFLICT (id) DO NOTHING
                RETURNING 1)
            SELECT count(*) FROM inserted
            """)
        return rows.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0
    }

    public func checkpoint(job: String) throws(SensorError) -> String? {
        try connection.query("SELECT position FROM job_checkpoints WHERE job = $1", [job]).first?.first ?? nil
    }

    public func clearCheckpoint(job: String) throws(SensorError) {
        try connection.query("DELETE FROM job_checkpoints WHERE job = $1", [job])
    }

    public func record(_ run: JobRun) throws(SensorError) {
        try connection.record(run)
    }
}
