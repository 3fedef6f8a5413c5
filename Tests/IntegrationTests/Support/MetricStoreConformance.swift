import SensorCore
import Testing

/// The shared metric store conformance test: every `MetricStore` must keep exactly what it was given — whole
/// sensor partials that read back equal, the newest version of each sensor and series row, the summary as
/// last computed (replaced whole, never by an older one), each reject once, manifest progress that never goes back, and job runs.
///
/// The stores are the stack's shared databases, so every check works on sensor ids, types and jobs of its
/// own (`TestStack.uniqueName`) and looks only at those rows. What the `MetricStore` protocol cannot read
/// back (rejects, manifest rows, job runs) is read by the store's `Inspector`, with plain client calls.
enum MetricStoreConformance {
    /// Reads a store's bookkeeping independently of the adapter.
    struct Inspector {
        /// `job`'s rejects as (origin, position, reason, record), in any order.
        var rejects: (_ job: String) throws -> [StoredReject]
        /// `job`'s manifest rows.
        var manifest: (_ job: String) throws -> [FileProgress]
        /// The status of the job run with this id; nil when there is none.
        var jobRunStatus: (_ id: String) throws -> String?
    }

    struct StoredReject: Hashable {
        var origin: String
        var position: Int64
        var reason: String
        var record: String
    }

    static func check(
        _ store: some MetricStore, inspector: Inspector, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try sensorRowsReadBackEqual(store, sourceLocation)
        try olderVersionsNeverOverwriteNewerOnes(store, sourceLocation)
        try seriesKeepTheNewestVersion(store, sourceLocation)
        try summaryIsReplacedWhole(store, sourceLocation)
        try rejectsAreStoredOnce(store, inspector, sourceLocation)
        try manifestProgressNeverGoesBack(store, inspector, sourceLocation)
        try jobRunsAreRecorded(store, inspector, sourceLocation)
    }

    // MARK: sensors

    private static func sensorRowsReadBackEqual(_ store: some MetricStore, _ location: SourceLocation) throws {
        let type = TestStack.uniqueName("conformance-\(store.service)")
        let rows = MetricSamples.sensorRows(type: type, version: 1)
        try #require(rows.count == MetricSamples.sensorCount, sourceLocation: location)
        try store.save(MetricsOutput(sensors: rows))
        let stored = try ownRows(store, type: type)
        #expect(stored == rows, "\(store.service): sensor rows differ after a round trip", sourceLocation: location)
    }

    private static func olderVersionsNeverOverwriteNewerOnes(
        _ store: some MetricStore, _ location: SourceLocation
    ) throws {
        let type = TestStack.uniqueName("versions-\(store.service)")
        let second = MetricSamples.sensorRows(type: type, version: 2, readingsPerSensor: 30)
        let first = MetricSamples.sensorRows(type: type, version: 1, readingsPerSensor: 10)
        try store.save(MetricsOutput(sensors: second))
        try store.save(MetricsOutput(sensors: first))
        #expect(try ownRows(store, type: type) == second, "an older version overwrote", sourceLocation: location)
        try store.save(MetricsOutput(sensors: second))
        #expect(try ownRows(store, type: type) == second, "saving twice changed the rows", sourceLocation: location)
        let third = MetricSamples.sensorRows(type: type, version: 3, readingsPerSensor: 40)
        try store.save(MetricsOutput(sensors: third))
        #expect(try ownRows(store, type: type) == third, "a newer version was not stored", sourceLocation: location)
    }

    private static func ownRows(_ store: some MetricStore, type: String) throws -> [SensorMetricsRow] {
        try store.sensors().filter { $0.sensorID.hasPrefix(type + "-") }
    }

    // MARK: series

    private static func seriesKeepTheNewestVersion(_ store: some MetricStore, _ location: SourceLocation) throws {
        let type = TestStack.uniqueName("series-\(store.service)")
        let first = MetricSamples.seriesRows(type: type, version: 1, scale: 1)
        let second = MetricSamples.seriesRows(type: type, version: 2, scale: 3)
        let own = { (since: Timestamp?) in try store.series(since: since).filter { $0.sensorType == type } }
        try store.save(MetricsOutput(series: first))
        #expect(try own(nil) == first, "series rows differ after a round trip", sourceLocation: location)
        try store.save(MetricsOutput(series: second))
        #expect(try own(nil) == second, "a newer series version was not stored", sourceLocation: location)
        try store.save(MetricsOutput(series: first))
        #expect(try own(nil) == second, "an older series version overwrote", sourceLocation: location)
        try store.save(MetricsOutput(series: second))
        #expect(try own(nil) == second, "saving twice changed the series", sourceLocation: location)
        let since = second[2].bucketStart
        #expect(try own(since) == Array(second[2...]), "series(since:) is not the buckets from then on")
    }

    // MARK: summary

    private static func summaryIsReplacedWhole(_ store: some MetricStore, _ location: SourceLocation) throws {
        let (kept, dropped) = (TestStack.uniqueName("summary-a"), TestStack.uniqueName("summary-b"))
        let rows = MetricSamples.summaryRows(types: [kept, dropped])
        try store.saveSummary(rows)
        #expect(try store.summary() == rows, "summary rows differ after a round trip", sourceLocation: location)
        let later = Timestamp(milliseconds: rows[0].computedAt.milliseconds + 1000)
        let fewer = MetricSamples.summaryRows(types: [kept], computedAt: later)
        try store.saveSummary(fewer)
        #expect(try store.summary() == fewer, "a type no longer present kept its row", sourceLocation: location)
        // Members of one group write summaries concurrently: one computed earlier never replaces a later one.
        try store.saveSummary(MetricSamples.summaryRows(types: [kept], computedAt: rows[0].computedAt))
        #expect(try store.summary().first?.computedAt == later, "an older summary replaced a newer one", sourceLocation: location)
    }

    // MARK: bookkeeping

    private static func rejectsAreStoredOnce(
        _ store: some MetricStore, _ inspector: Inspector, _ location: SourceLocation
    ) throws {
        let job = TestStack.uniqueName("conformance-rejects")
        let reject = { (position: Int64, reason: String) in
            JobReject(
                job: job, origin: "sensor.readings/3", position: position, reason: reason,
                record: Array("{\"bad\": \(position), \"nul\": \"\0\"}".utf8))
        }
        try store.save(MetricsOutput(rejects: [reject(7, "invalid JSON"), reject(9, "missing field id")]))
        try store.save(MetricsOutput(rejects: [reject(9, "replayed"), reject(12, "value is text")]))
        let expected = [reject(7, "invalid JSON"), reject(9, "missing field id"), reject(12, "value is text")].map {
            StoredReject(origin: $0.origin, position: $0.position, reason: $0.reason, record: $0.record)
        }
        let stored = try inspector.rejects(job)
        #expect(stored.count == 3, "\(stored)", sourceLocation: location)
        #expect(Set(stored) == Set(expected), "rejects differ", sourceLocation: location)
    }

    private static func manifestProgressNeverGoesBack(
        _ store: some MetricStore, _ inspector: Inspector, _ location: SourceLocation
    ) throws {
        let job = TestStack.uniqueName("conformance-hdfs")
        let progress = { (bytes: Int64) in
            FileProgress(
                job: job, path: "/user/sensor_corp/\(job)/part-0.csv", bytesDone: bytes, linesDone: bytes / 10,
                length: 2000, modificationTime: 1_700_000_000_123, readings: bytes / 10 - 1, rejected: 1)
        }
        try store.save(MetricsOutput(files: [progress(1000)]))
        try store.save(MetricsOutput(files: [progress(500)]))
        #expect(try inspector.manifest(job) == [progress(1000)], "progress went back", sourceLocation: location)
        try store.save(MetricsOutput(files: [progress(1000)]))
        try store.save(MetricsOutput(files: [progress(2000)]))
        #expect(try inspector.manifest(job) == [progress(2000)], "progress not stored", sourceLocation: location)
    }

    private static func jobRunsAreRecorded(
        _ store: some MetricStore, _ inspector: Inspector, _ location: SourceLocation
    ) throws {
        // Run ids are UUIDs (PostgreSQL's job_runs.id is a uuid).
        var random = SystemRandomNumberGenerator()
        let id = ReadingID(version7At: Timestamp.now().milliseconds, random: &random).description
        var run = JobRun(id: id, job: "metrics/conformance", startedAt: .now())
        try store.record(run)
        #expect(try inspector.jobRunStatus(run.id) == "running", sourceLocation: location)
        run.status = "succeeded"
        run.finishedAt = .now()
        run.readingsIn = 10
        try store.record(run)
        #expect(try inspector.jobRunStatus(run.id) == "succeeded", sourceLocation: location)
    }
}
