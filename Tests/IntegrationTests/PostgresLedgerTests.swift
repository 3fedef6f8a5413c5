import SensorAdapters
import SensorCore
import Testing

/// The exactly-once commit of `PostgresMetricStore` against the stack's PostgreSQL. Every test uses sensor
/// types, jobs and topics of its own, and looks only at those rows of the shared tables.
@Suite(.serialized) struct PostgresLedgerTests {
    let store: PostgresMetricStore

    init() throws {
        store = try MetricStorePostgresTests.store()
    }

    @Test func twoCommitsMergeToWhatOneCommitOfAllReadingsStores() throws {
        let (split, whole) = (TestStack.uniqueName("ledger-split"), TestStack.uniqueName("ledger-whole"))
        let (job, topic) = (TestStack.uniqueName("metrics/ledger"), TestStack.uniqueName("topic"))
        // 150 readings per sensor: 135 s of data, so activity is pruned to its horizon on the way.
        let first = MetricSamples.readings(type: split, perSensor: 80)
        let second = MetricSamples.readings(type: split, perSensor: 70, from: 80)
        let offset = { (next: Int64) in SourcePosition.partition(topic: topic, partition: 0, nextOffset: next) }
        try commit(first, job: job, advances: [PositionAdvance(previous: nil, next: offset(80))])
        try commit(second, job: job, advances: [PositionAdvance(previous: offset(80), next: offset(150))])
        try commit(
            MetricSamples.readings(type: whole, perSensor: 150), job: TestStack.uniqueName("metrics/ledger"),
            advances: [])

        let (merged, once) = (try sensors(type: split), try sensors(type: whole))
        try #require(merged.count == MetricSamples.sensorCount && once.count == MetricSamples.sensorCount)
        for (left, right) in zip(merged, once) {
            Self.expectSameState(left.partial, right.partial, renamed: (split, whole))
            #expect(left.version == (left.sensorID.hasSuffix("-3") ? 1 : 2), "one version per commit that changed it")
            #expect(left.health == right.health)
        }
        #expect(try store.positions(job: job) == ["\(topic)/0": offset(150)])

        let (splitSeries, wholeSeries) = (try series(type: split), try series(type: whole))
        #expect(splitSeries.map(\.bucketStart) == wholeSeries.map(\.bucketStart))
        #expect(splitSeries.map(\.readings) == wholeSeries.map(\.readings), "bucket counts add up exactly")
        for (left, right) in zip(splitSeries, wholeSeries) {
            #expect(Self.close(left.valueSum, right.valueSum), "bucket \(left.bucketStart) sums")
        }
        let valid = (first + second).filter(\.isValidMeasurement).count
        #expect(splitSeries.reduce(0) { $0 + $1.readings } == Int64(valid))
    }

    @Test func aStalePartitionOffsetIsAConflictAndWritesNothing() throws {
        let (type, job, topic) = (TestStack.uniqueName("ledger-kafka"), TestStack.uniqueName("metrics/k"), "t")
        let offset = { (next: Int64) in SourcePosition.partition(topic: topic, partition: 2, nextOffset: next) }
        let readings = MetricSamples.readings(type: type, perSensor: 10)
        try commit(readings, job: job, advances: [PositionAdvance(previous: nil, next: offset(10))])
        let before = try sensors(type: type)

        // A zombie that read from 5, and a consumer that never saw the stored position: both are refused.
        for previous in [offset(5), nil] {
            let delta = Self.delta(
                readings, job: job, rejects: [Self.reject(job: job, origin: "t/2", position: 11)],
                advances: [PositionAdvance(previous: previous, next: offset(20))])
            let outcome = try store.commit(delta, rules: .standard)
            guard case .conflict(let origin) = outcome else {
                Issue.record("expected a conflict, got \(outcome)")
                continue
            }
            #expect(origin == "t/2")
        }
        #expect(try sensors(type: type) == before, "a refused commit changed sensor rows")
        #expect(try Self.rejectCount(job: job) == 0, "a refused commit stored a reject")
        #expect(try store.positions(job: job) == ["t/2": offset(10)])
    }

    @Test func aStaleFilePositionIsAConflictAndWritesNothing() throws {
        let (type, job) = (TestStack.uniqueName("ledger-hdfs"), TestStack.uniqueName("hdfs"))
        let progress = { (bytes: Int64) in
            SourcePosition.file(
                FileProgress(
                    job: job, path: "/user/sensor_corp/\(job).csv", bytesDone: bytes, linesDone: bytes / 50,
                    length: 1000, modificationTime: 1_700_000_000_250, readings: bytes / 50, rejected: 0))
        }
        let readings = MetricSamples.readings(type: type, perSensor: 10)
        guard
            case .committed(let output) = try store.commit(
                Self.delta(readings, job: job, advances: [PositionAdvance(previous: nil, next: progress(400))]),
                rules: .standard)
        else {
            Issue.record("the first commit was refused")
            return
        }
        #expect(output.files.count == 1)
        let before = try sensors(type: type)

        let stale = Self.delta(
            readings, job: job, rejects: [Self.reject(job: job, origin: "/user/sensor_corp/\(job).csv", position: 9)],
            advances: [PositionAdvance(previous: progress(200), next: progress(600))])
        guard case .conflict(let origin) = try store.commit(stale, rules: .standard) else {
            Issue.record("a stale file position was accepted")
            return
        }
        #expect(origin == "/user/sensor_corp/\(job).csv")
        #expect(try sensors(type: type) == before)
        #expect(try Self.rejectCount(job: job) == 0)
        #expect(try store.positions(job: job) == [origin: progress(400)])

        try commit(readings, job: job, advances: [PositionAdvance(previous: progress(400), next: progress(1000))])
        #expect(try store.positions(job: job) == [origin: progress(1000)])
    }

    @Test func aDifferentTimeConstantIsRefusedWithAConfigError() throws {
        let (type, job) = (TestStack.uniqueName("ledger-tau"), TestStack.uniqueName("metrics/tau"))
        let offset = { (next: Int64) in SourcePosition.partition(topic: "tau", partition: 0, nextOffset: next) }
        let readings = MetricSamples.readings(type: type, perSensor: 10)
        try commit(readings, job: job, advances: [PositionAdvance(previous: nil, next: offset(1))])
        let before = try sensors(type: type)
        let other = MetricsDelta(
            job: job, readings: readings, tauSeconds: 30, bucketMilliseconds: 10_000, rejects: [],
            advances: [PositionAdvance(previous: offset(1), next: offset(2))])
        let error = try #require(throws: SensorError.self) { _ = try store.commit(other, rules: .standard) }
        #expect(error.code == .config)
        #expect(error.description.contains("--smoothing-tau"), "\(error)")
        #expect(try sensors(type: type) == before)
        #expect(try store.positions(job: job) == ["tau/0": offset(1)], "the refused commit moved the position")
    }

    @Test func rejectsReplayedInALaterCommitAreStoredOnce() throws {
        let (type, job) = (TestStack.uniqueName("ledger-rejects"), TestStack.uniqueName("metrics/rejects"))
        let offset = { (next: Int64) in SourcePosition.partition(topic: "r", partition: 1, nextOffset: next) }
        let readings = MetricSamples.readings(type: type, perSensor: 4)
        let reject = { (position: Int64) in Self.reject(job: job, origin: "r/1", position: position) }
        try commit(
            readings, job: job, rejects: [reject(3), reject(5)],
            advances: [PositionAdvance(previous: nil, next: offset(6))])
        try commit(
            readings, job: job, rejects: [reject(5), reject(8)],
            advances: [PositionAdvance(previous: offset(6), next: offset(9))])
        #expect(try Self.rejectCount(job: job) == 3)
    }

    // MARK: helpers

    private func commit(
        _ readings: [Reading], job: String, rejects: [JobReject] = [], advances: [PositionAdvance]
    ) throws {
        let outcome = try store.commit(
            Self.delta(readings, job: job, rejects: rejects, advances: advances), rules: .standard)
        guard case .committed(let output) = outcome else { throw Refused(outcome: "\(outcome)") }
        let ids = Set(output.sensors.map(\.sensorID))
        #expect(try store.sensors().filter { ids.contains($0.sensorID) } == output.sensors, "committed rows as stored")
    }

    private struct Refused: Error {
        var outcome: String
    }

    private static func delta(
        _ readings: [Reading], job: String, rejects: [JobReject] = [], advances: [PositionAdvance]
    ) -> MetricsDelta {
        MetricsDelta(
            job: job, readings: readings, tauSeconds: MetricSamples.tauSeconds, bucketMilliseconds: 10_000,
            rejects: rejects, advances: advances)
    }

    private func sensors(type: String) throws -> [SensorMetricsRow] {
        try store.sensors().filter { $0.sensorType == type }
    }

    private func series(type: String) throws -> [SeriesRow] {
        try store.series(since: nil).filter { $0.sensorType == type }
    }

    private static func reject(job: String, origin: String, position: Int64) -> JobReject {
        JobReject(job: job, origin: origin, position: position, reason: "invalid JSON", record: Array("{".utf8))
    }

    private static func rejectCount(job: String) throws -> Int {
        try Int(PostgresSinkTests.rows("SELECT count(*)::text FROM job_rejects WHERE job = $1", job)[0][0]!)!
    }

    /// Within 1e-9 relative (or absolute, near zero): what floating-point merging may differ by.
    private static func close(_ left: Double, _ right: Double) -> Bool {
        abs(left - right) <= 1e-9 * max(1, abs(left), abs(right))
    }

    /// The partials of the same readings under different sensor names: counts, extremes, times, the window
    /// and activity exactly; mean, M2 and the EWMA sums up to rounding.
    private static func expectSameState(
        _ left: SensorPartial, _ right: SensorPartial, renamed names: (String, String),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let name = left.sensorID
        #expect(left.sensorID.dropFirst(names.0.count) == right.sensorID.dropFirst(names.1.count))
        #expect(left.counts == right.counts, "\(name) counts", sourceLocation: sourceLocation)
        #expect(left.values.count == right.values.count, sourceLocation: sourceLocation)
        #expect(left.values.min == right.values.min && left.values.max == right.values.max, "\(name) min/max")
        #expect(close(left.values.mean, right.values.mean), "\(name) mean", sourceLocation: sourceLocation)
        #expect(close(left.values.m2, right.values.m2), "\(name) m2", sourceLocation: sourceLocation)
        #expect(close(left.smoothed.weightedSum, right.smoothed.weightedSum), "\(name) Σw·x")
        #expect(close(left.smoothed.weightSum, right.smoothed.weightSum), "\(name) Σw")
        #expect(left.smoothed.reference == right.smoothed.reference, sourceLocation: sourceLocation)
        #expect(left.firstSeen == right.firstSeen && left.last == right.last, "\(name) first/last")
        #expect(left.recent == right.recent, "\(name) window", sourceLocation: sourceLocation)
        #expect(left.activity == right.activity, "\(name) activity", sourceLocation: sourceLocation)
    }
}

extension Reading {
    /// Whether the reading feeds values and series (not a fault).
    fileprivate var isValidMeasurement: Bool { ReadingClass(value: value).isValid }
}
