import SensorCore

/// The ledger half: one transaction per batch holds the position checks, the merge of the batch's partials
/// into the locked sensor rows, the series additions and the rejects. Either all of it is stored or none.
extension PostgresMetricStore {
    public func commit(_ delta: MetricsDelta, rules: HealthRules) throws(SensorError) -> LedgerCommit {
        try connection.query("BEGIN")
        do throws(SensorError) {
            // Positions first: a batch that lost a race is refused before it locks any sensor row.
            for advance in delta.advances where try !self.advance(advance, job: delta.job) {
                try connection.query("ROLLBACK")
                return .conflict(origin: advance.next.origin)
            }
            let sensors = try merge(delta.partials, rules: rules)
            let series = try add(delta.series)
            try insert(rejects: delta.rejects)
            try connection.query("COMMIT")
            let files = delta.advances.compactMap { advance -> FileProgress? in
                if case .file(let progress) = advance.next { return progress } else { return nil }
            }
            return .committed(MetricsOutput(sensors: sensors, series: series, rejects: delta.rejects, files: files))
        } catch {
            _ = try? connection.query("ROLLBACK")
            rowCache.removeAll()  // it may hold rows of the rolled-back merge
            throw error
        }
    }

    public func positions(job: String) throws(SensorError) -> [String: SourcePosition] {
        var positions: [String: SourcePosition] = [:]
        for row in try connection.query("SELECT topic, partition, next_offset FROM job_offsets WHERE job = $1", [job]) {
            guard let topic = row[0], let partition = row[1].flatMap({ Int32($0) }),
                let offset = PostgresText.int64(row[2])
            else { continue }
            let position = SourcePosition.partition(topic: topic, partition: partition, nextOffset: offset)
            positions[position.origin] = position
        }
        let manifest = try connection.query(
            """
            SELECT path, bytes_done, lines_done, length, \(PostgresMetricRows.ms("modification_time")), readings,
                   rejected
            FROM hdfs_manifest WHERE job = $1
            """, [job])
        for row in manifest {
            guard let path = row[0] else { continue }
            let number = { (index: Int) in PostgresText.int64(row[index]) ?? 0 }
            positions[path] = .file(
                FileProgress(
                    job: job, path: path, bytesDone: number(1), linesDone: number(2), length: number(3),
                    modificationTime: number(4), readings: number(5), rejected: number(6)))
        }
        return positions
    }

    public func everything() throws(SensorError) -> MetricsOutput {
        let rejects = try connection.query("SELECT job, origin, position, reason, record FROM job_rejects").compactMap {
            row -> JobReject? in
            guard let job = row[0], let origin = row[1], let position = PostgresText.int64(row[2]) else { return nil }
            return JobReject(
                job: job, origin: origin, position: position, reason: row[3] ?? "", record: Array((row[4] ?? "").utf8))
        }
        var files: [FileProgress] = []
        for job in try connection.query("SELECT DISTINCT job FROM hdfs_manifest").compactMap({ $0[0] }) {
            for case .file(let progress) in try positions(job: job).values { files.append(progress) }
        }
        return MetricsOutput(sensors: try sensors(), series: try series(since: nil), rejects: rejects, files: files)
    }

    /// Moves one stored position from `previous` to `next`; false when the stored position is not `previous`.
    private func advance(_ advance: PositionAdvance, job: String) throws(SensorError) -> Bool {
        switch (advance.previous, advance.next) {
        case (nil, .partition(let topic, let partition, let next)):
            return try !connection.query(
                """
                INSERT INTO job_offsets (job, topic, partition, next_offset, updated_at) VALUES ($1, $2, $3, $4, now())
                ON CONFLICT DO NOTHING RETURNING 1
                """, [job, topic, String(partition), String(next)]
            ).isEmpty
        case (.partition(_, _, let previous), .partition(let topic, let partition, let next)):
            return try !connection.query(
                """
                UPDATE job_offsets SET next_offset = $4, updated_at = now()
                WHERE job = $1 AND topic = $2 AND partition = $3 AND next_offset = $5 RETURNING 1
                """, [job, topic, String(partition), String(next), String(previous)]
            ).isEmpty
        case (nil, .file(let progress)):
            return try !connection.query(
                """
                \(Self.insertManifestRow)
                ON CONFLICT DO NOTHING RETURNING 1
                """, Self.manifestParameters(progress)
            ).isEmpty
        case (.file(let previous), .file(let progress)):
            return try !connection.query(
                """
                UPDATE hdfs_manifest SET bytes_done = $3::bigint, lines_done = $4::bigint, length = $5::bigint,
                    modification_time = to_timestamp($6::bigint / 1000.0), readings = $7::bigint,
                    rejected = $8::bigint, complete = $9::boolean, updated_at = now()
                WHERE job = $1 AND path = $2 AND bytes_done = $10::bigint RETURNING 1
                """, Self.manifestParameters(progress) + [String(previous.bytesDone)]
            ).isEmpty
        default:
            throw SensorError(.failure, "a position cannot change kind (\(advance.next.origin))")
        }
    }

    /// Locks the batch's sensor rows (in id order, so two writers never deadlock), merges the batch's
    /// partials into them and writes them back with the version raised by one.
    private func merge(_ partials: [String: SensorPartial], rules: HealthRules) throws(SensorError) -> [SensorMetricsRow] {
        guard !partials.isEmpty else { return [] }
        let ids = partials.keys.sorted()
        var stored: [String: SensorMetricsRow] = [:]
        for row in try currentRows(of: ids, locking: true) { stored[row.sensorID] = row }
        let now = Timestamp.now()
        var merged: [SensorMetricsRow] = []
        merged.reserveCapacity(ids.count)
        for id in ids {
            let batch = partials[id]!
            guard let old = stored[id] else {
                merged.append(SensorMetricsRow(batch, rules: rules, version: 1, updatedAt: now))
                continue
            }
            let (storedTau, jobTau) = (old.partial.smoothed.tauSeconds, batch.smoothed.tauSeconds)
            guard storedTau == jobTau else {
                throw SensorError(
                    .config, service: "postgres", endpoint: connection.endpoint,
                    "sensor_metrics were smoothed with --smoothing-tau \(Format.shortSeconds(storedTau)) but this "
                        + "job uses \(Format.shortSeconds(jobTau)); use the same value (averages with different time "
                        + "constants cannot be merged)")
            }
            merged.append(SensorMetricsRow(old.partial.merging(batch), rules: rules, version: old.version + 1, updatedAt: now))
        }
        try upsert(sensors: merged, ifNewer: false)
        // Not yet committed: a failed transaction empties the cache (see `commit`).
        for row in merged { rowCache[row.sensorID] = row }
        return merged
    }

    /// Adds the batch's buckets to the stored ones and returns them as stored now.
    /// Rows are written in key order: two members adding to the same buckets then take their row locks in the
    /// same order and never deadlock (as the sensor rows, locked in id order).
    private func add(_ series: TypeSeries) throws(SensorError) -> [SeriesRow] {
        guard !series.buckets.isEmpty else { return [] }
        var records = PostgresJSONRecords()
        for (key, bucket) in series.buckets {
            let row = SeriesRow(
                sensorType: key.sensorType, bucketMilliseconds: series.bucketMilliseconds, bucketStart: key.bucketStart,
                readings: bucket.count, valueSum: bucket.sum, version: 1)
            PostgresMetricRows.append(row, to: &records)
        }
        return try connection.query(
            """
            INSERT INTO metrics_series AS s (sensor_type, bucket_ms, bucket_start, readings, value_sum, mean, version,
                                             updated_at)
            SELECT sensor_type, bucket_ms, bucket_start, readings, value_sum, value_sum / readings, 1, now()
            FROM jsonb_to_recordset($1::jsonb) AS r(\(PostgresMetricRows.seriesColumns))
            ORDER BY sensor_type, bucket_ms, bucket_start
            ON CONFLICT (sensor_type, bucket_ms, bucket_start) DO UPDATE SET readings = s.readings + excluded.readings,
                value_sum = s.value_sum + excluded.value_sum,
                mean = (s.value_sum + excluded.value_sum) / (s.readings + excluded.readings),
                version = s.version + 1, updated_at = excluded.updated_at
            RETURNING \(PostgresMetricRows.seriesSelect)
            """, [records.text]
        ).compactMap(PostgresMetricRows.seriesRow)
    }
}

/// Seconds as a short text for messages: `60s`, `2.5s`.
enum Format {
    static func shortSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? "\(Int64(seconds))s" : "\(seconds)s"
    }
}
