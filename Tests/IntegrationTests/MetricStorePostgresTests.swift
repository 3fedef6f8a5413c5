import SensorAdapters
import SensorCore
import Testing

/// PostgresMetricStore against the stack's PostgreSQL; what the store protocol cannot read back is read with
/// plain libpq (`PostgresSinkTests.rows`).
@Suite(.serialized) struct MetricStorePostgresTests {
    @Test func conformsToTheMetricStoreContract() throws {
        try MetricStoreConformance.check(try Self.store(), inspector: Self.inspector)
    }

    /// The store, after making sure the schema exists (as `sensorctl setup` does).
    static func store() throws -> PostgresMetricStore {
        let config = try TestStack.config()
        _ = try PostgresProbe(config: config).setup()
        return try PostgresMetricStore(config: config)
    }

    static var inspector: MetricStoreConformance.Inspector {
        MetricStoreConformance.Inspector(
            rejects: { job in
                try PostgresSinkTests.rows(
                    "SELECT origin, position::text, reason, record FROM job_rejects WHERE job = $1", job
                )
                .map { .init(origin: $0[0]!, position: Int64($0[1]!)!, reason: $0[2]!, record: $0[3]!) }
            },
            manifest: { job in
                try PostgresSinkTests.rows(
                    """
                    SELECT path, bytes_done::text, lines_done::text, length::text,
                           (extract(epoch FROM modification_time) * 1000)::bigint::text, readings::text, rejected::text
                    FROM hdfs_manifest WHERE job = $1
                    """, job
                ).map { row in
                    FileProgress(
                        job: job, path: row[0]!, bytesDone: Int64(row[1]!)!, linesDone: Int64(row[2]!)!,
                        length: Int64(row[3]!)!, modificationTime: Int64(row[4]!)!, readings: Int64(row[5]!)!,
                        rejected: Int64(row[6]!)!)
                }
            },
            jobRunStatus: { id in
                try PostgresSinkTests.rows("SELECT status FROM job_runs WHERE id = $1::uuid", id).first?[0]
                    ?? nil
            })
    }
}
