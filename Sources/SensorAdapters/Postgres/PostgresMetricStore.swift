import SensorCore

/// The PostgreSQL metric store and ledger: the tables every reader uses, and the one transaction per batch
/// that makes the metrics jobs exactly once (see `PostgresMetricStore+Commit.swift`).
public final class PostgresMetricStore: MetricLedger {
    public let service = "postgres"
    let connection: PostgresConnection
    /// Sensor rows as this store last read or wrote them. Decoding a row (its window and activity arrays)
    /// costs far more than reading its version, so reads fetch the versions and decode only rows that
    /// changed since (another member's writes, a reset): each batch and each summary then costs one small
    /// query per sensor set instead of a full decode.
    var rowCache: [String: SensorMetricsRow] = [:]

    public init(config: SensorConfig) throws(SensorError) {
        connection = try PostgresConnection(url: config.postgresURL)
        // A missing table means `setup` never ran: say so instead of failing on the first batch.
        let missing = try connection.query(
            "SELECT to_regclass('sensor_metrics') IS NULL OR to_regclass('job_rejects') IS NULL")
        if missing.first?.first == "t" {
            throw SensorError(
                .config, service: "postgres", endpoint: connection.endpoint,
                "the metrics tables do not exist; run 'sensorctl setup' first")
        }
    }

    // MARK: MetricStore

    public func save(_ output: MetricsOutput) throws(SensorError) {
        try connection.transaction { () throws(SensorError) in
            try upsert(sensors: output.sensors, ifNewer: true)
            try upsert(series: output.series)
            try insert(rejects: output.rejects)
            try upsert(files: output.files)
        }
    }

    public func saveSummary(_ rows: [SummaryRow]) throws(SensorError) {
        var records = PostgresJSONRecords()
        for row in rows { PostgresMetricRows.append(row, to: &records) }
        let names = PostgresMetricRows.summaryColumnNames
        let list = names.joined(separator: ", ")
        let assignments = names.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        // Upserted, not deleted and reinserted: members of one group write summaries concurrently, and a
        // summary computed earlier never replaces a later one.
        try connection.transaction { () throws(SensorError) in
            try connection.query(
                """
                INSERT INTO metrics_summary (\(list))
                SELECT \(list) FROM jsonb_to_recordset($1::jsonb) AS r(\(PostgresMetricRows.summaryColumns))
                ON CONFLICT (group_key) DO UPDATE SET \(assignments)
                WHERE metrics_summary.computed_at <= excluded.computed_at
                """, [records.text])
            // A sensor type that no longer exists must not keep its old row.
            try connection.query(
                "DELETE FROM metrics_summary WHERE group_key <> ALL (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))",
                [postgresJSONArray(rows.map(\.key))])
        }
    }

    public func sensors() throws(SensorError) -> [SensorMetricsRow] {
        try currentRows(of: nil, locking: false)
    }

    /// The stored rows of `ids` (nil: of every sensor), in id order; `locking` takes their row locks
    /// (FOR UPDATE) for the rest of the transaction. Only rows whose (version, updated_at) differ from the
    /// cache are fetched whole.
    func currentRows(of ids: [String]?, locking: Bool) throws(SensorError) -> [SensorMetricsRow] {
        let filter = ids == nil ? "" : "WHERE sensor_id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))"
        let versions = try connection.query(
            """
            SELECT sensor_id, version, \(PostgresMetricRows.ms("updated_at")) FROM sensor_metrics \(filter)
            ORDER BY sensor_id \(locking ? "FOR UPDATE" : "")
            """, ids.map { [postgresJSONArray($0)] } ?? [])
        var stale: [String] = []
        for row in versions {
            guard let id = row[0] else { continue }
            let cached = rowCache[id]
            if cached?.version != PostgresText.int64(row[1]) || cached?.updatedAt.milliseconds != PostgresText.int64(row[2]) {
                stale.append(id)
            }
        }
        if !stale.isEmpty {
            let rows = try connection.query(
                """
                SELECT \(PostgresMetricRows.sensorSelect) FROM sensor_metrics
                WHERE sensor_id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))
                """, [postgresJSONArray(stale)])
            for columns in rows {
                guard let row = PostgresMetricRows.sensorRow(columns) else {
                    throw SensorError(
                        .data, service: "postgres", endpoint: connection.endpoint,
                        "the sensor_metrics row of \(columns.first.flatMap { $0 } ?? "?") cannot be read back")
                }
                rowCache[row.sensorID] = row
            }
        }
        let listed = versions.compactMap { $0[0] }
        if ids == nil, rowCache.count > listed.count {
            let present = Set(listed)
            rowCache = rowCache.filter { present.contains($0.key) }
        }
        return listed.compactMap { rowCache[$0] }
    }

    public func summary() throws(SensorError) -> [SummaryRow] {
        try connection.query(
            "SELECT \(PostgresMetricRows.summarySelect) FROM metrics_summary ORDER BY sensor_type NULLS FIRST"
        ).compactMap(PostgresMetricRows.summaryRow)
    }

    public func series(since: Timestamp?) throws(SensorError) -> [SeriesRow] {
        try connection.query(
            """
            SELECT \(PostgresMetricRows.seriesSelect) FROM metrics_series
            WHERE $1::bigint IS NULL OR bucket_start >= to_timestamp($1::bigint / 1000.0)
            ORDER BY sensor_type, bucket_ms, bucket_start
            """, [since.map { String($0.milliseconds) }]
        ).compactMap(PostgresMetricRows.seriesRow)
    }

    public func record(_ run: JobRun) throws(SensorError) {
        try connection.record(run)
    }

    public func storedVersions() throws(SensorError) -> StoredVersions {
        func pairs(_ sql: String) throws(SensorError) -> [String: Int64] {
            var result: [String: Int64] = [:]
            for row in try connection.query(sql) {
                if let key = row[0], let value = PostgresText.int64(row[1]) { result[key] = value }
            }
            return result
        }
        return StoredVersions(
            sensors: try pairs("SELECT sensor_id, version FROM sensor_metrics"),
            series: try pairs(
                "SELECT sensor_type || '|' || bucket_ms || '|' || \(PostgresMetricRows.ms("bucket_start")), version FROM metrics_series"),
            files: try pairs("SELECT job || '|' || path, bytes_done FROM hdfs_manifest"),
            rejects: try pairs("SELECT job, count(*) FROM job_rejects GROUP BY job").mapValues { Int($0) })
    }

    // MARK: writes shared by save and commit

    /// Inserts or replaces sensor rows; with `ifNewer`, a stored row is replaced only by a higher version.
    func upsert(sensors rows: [SensorMetricsRow], ifNewer: Bool) throws(SensorError) {
        guard !rows.isEmpty else { return }
        var records = PostgresJSONRecords()
        for row in rows { PostgresMetricRows.append(row, to: &records) }
        let names = PostgresMetricRows.sensorColumnNames
        let list = names.joined(separator: ", ")
        let assignments = names.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        try connection.query(
            """
            INSERT INTO sensor_metrics (\(list))
            SELECT \(list) FROM jsonb_to_recordset($1::jsonb) AS r(\(PostgresMetricRows.sensorColumns))
            ORDER BY sensor_id  -- the lock order of every sensor writer
            ON CONFLICT (sensor_id) DO UPDATE SET \(assignments)
            \(ifNewer ? "WHERE sensor_metrics.version < excluded.version" : "")
            """, [records.text])
    }

    /// Stores absolute bucket rows, keeping the higher version.
    private func upsert(series rows: [SeriesRow]) throws(SensorError) {
        guard !rows.isEmpty else { return }
        var records = PostgresJSONRecords()
        for row in rows { PostgresMetricRows.append(row, to: &records) }
        try connection.query(
            """
            INSERT INTO metrics_series (sensor_type, bucket_ms, bucket_start, readings, value_sum, mean, version,
                                        updated_at)
            SELECT sensor_type, bucket_ms, bucket_start, readings, value_sum, value_sum / greatest(readings, 1),
                   version, now()
            FROM jsonb_to_recordset($1::jsonb) AS r(\(PostgresMetricRows.seriesColumns))
            ORDER BY sensor_type, bucket_ms, bucket_start  -- the lock order of every series writer
            ON CONFLICT (sensor_type, bucket_ms, bucket_start) DO UPDATE SET readings = excluded.readings,
                value_sum = excluded.value_sum, mean = excluded.mean, version = excluded.version,
                updated_at = excluded.updated_at
            WHERE metrics_series.version < excluded.version
            """, [records.text])
    }

    /// Sets rejects aside once: a replayed reject (same job, origin and position) is already there.
    func insert(rejects: [JobReject]) throws(SensorError) {
        guard !rejects.isEmpty else { return }
        var records = PostgresJSONRecords()
        for reject in rejects { PostgresMetricRows.append(reject, to: &records) }
        try connection.query(
            """
            INSERT INTO job_rejects (job, origin, position, reason, record, rejected_at)
            SELECT job, origin, position, reason, record, now()
            FROM jsonb_to_recordset($1::jsonb) AS r(\(PostgresMetricRows.rejectColumns))
            ON CONFLICT (job, origin, position) DO NOTHING
            """, [records.text])
    }

    /// Stores manifest rows as they are (a mirror write; the ledger's own writes are guarded in commit).
    private func upsert(files: [FileProgress]) throws(SensorError) {
        for file in files {
            try connection.query(
                """
                \(Self.insertManifestRow)
                ON CONFLICT (job, path) DO UPDATE SET bytes_done = excluded.bytes_done,
                    lines_done = excluded.lines_done, length = excluded.length,
                    modification_time = excluded.modification_time, readings = excluded.readings,
                    rejected = excluded.rejected, complete = excluded.complete, updated_at = excluded.updated_at
                WHERE hdfs_manifest.bytes_done <= excluded.bytes_done
                """, Self.manifestParameters(file))
        }
    }

    /// The insert of one manifest row; its parameters are `manifestParameters`.
    static let insertManifestRow = """
        INSERT INTO hdfs_manifest (job, path, bytes_done, lines_done, length, modification_time, readings,
                                   rejected, complete, updated_at)
        VALUES ($1, $2, $3::bigint, $4::bigint, $5::bigint, to_timestamp($6::bigint / 1000.0), $7::bigint,
                $8::bigint, $9::boolean, now())
        """

    static func manifestParameters(_ file: FileProgress) -> [String?] {
        [
            file.job, file.path, String(file.bytesDone), String(file.linesDone), String(file.length),
            String(file.modificationTime), String(file.readings), String(file.rejected),
            file.isComplete ? "true" : "false",
        ]
    }
}
