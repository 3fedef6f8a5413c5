/// One sensor's metrics as every store keeps them: the whole cumulative state (so each store is a complete
/// copy, and readers of either can recompute summaries), its health under the job's rules, and a version.
public struct SensorMetricsRow: Sendable, Equatable {
    public var partial: SensorPartial
    /// Health under the rules of the job that wrote the row (stored for readers such as the dashboard).
    public var health: SensorHealth
    /// Raised by one on every change of the row: a store keeps the row with the highest version.
    public var version: Int64
    public var updatedAt: Timestamp

    public init(_ partial: SensorPartial, health: SensorHealth, version: Int64, updatedAt: Timestamp) {
        self.partial = partial
        self.health = health
        self.version = version
        self.updatedAt = updatedAt
    }

    public init(_ partial: SensorPartial, rules: HealthRules, version: Int64, updatedAt: Timestamp) {
        self.init(partial, health: rules.health(of: partial), version: version, updatedAt: updatedAt)
    }

    public var sensorID: String { partial.sensorID }
    public var sensorType: String { partial.sensorType }

    /// Share of readings in a class, in percent (0 when there are none).
    public func percent(_ readingClass: ReadingClass) -> Double {
        let counts = partial.counts
        return counts.total == 0 ? 0 : Double(counts[readingClass]) * 100 / Double(counts.total)
    }
}

/// One time-series bucket: the valid readings of one sensor type in [bucketStart, bucketStart + width).
public struct SeriesRow: Sendable, Equatable {
    public var sensorType: String
    public var bucketMilliseconds: Int64
    public var bucketStart: Timestamp
    public var readings: Int64
    public var valueSum: Double
    public var version: Int64

    public init(
        sensorType: String, bucketMilliseconds: Int64, bucketStart: Timestamp, readings: Int64, valueSum: Double,
        version: Int64
    ) {
        self.sensorType = sensorType
        self.bucketMilliseconds = bucketMilliseconds
        self.bucketStart = bucketStart
        self.readings = readings
        self.valueSum = valueSum
        self.version = version
    }

    /// The key every store files the bucket under: `<type>|<width ms>|<start ms>`.
    public var key: String { "\(sensorType)|\(bucketMilliseconds)|\(bucketStart.milliseconds)" }

    /// The mean of the bucket's valid values.
    public var mean: Double { readings > 0 ? valueSum / Double(readings) : 0 }
}

/// The summary of one group of sensors (one type, or all when `sensorType` is nil) at `computedAt`.
public struct SummaryRow: Sendable, Equatable {
    public var sensorType: String?
    public var sensorsTotal: Int
    public var sensorsOnline: Int
    public var health: MetricsSummary.HealthCounts
    public var readings: ReadingCounts
    public var values: ValueStats
    public var readingsPerSecond: Double
    public var computedAt: Timestamp

    public init(
        sensorType: String?, sensorsTotal: Int, sensorsOnline: Int, health: MetricsSummary.HealthCounts,
        readings: ReadingCounts, values: ValueStats, readingsPerSecond: Double, computedAt: Timestamp
    ) {
        self.sensorType = sensorType
        self.sensorsTotal = sensorsTotal
        self.sensorsOnline = sensorsOnline
        self.health = health
        self.readings = readings
        self.values = values
        self.readingsPerSecond = readingsPerSecond
        self.computedAt = computedAt
    }

    /// The rows of a summary: overall first, then one per type by name.
    public static func rows(of summary: MetricsSummary) -> [SummaryRow] {
        ([summary.overall] + summary.byType.keys.sorted().map { summary.byType[$0]! }).map { group in
            SummaryRow(
                sensorType: group.sensorType, sensorsTotal: group.sensorsTotal, sensorsOnline: group.sensorsOnline,
                health: group.health, readings: group.readings, values: group.values,
                readingsPerSecond: group.readingsPerSecond, computedAt: summary.now)
        }
    }

    /// The key both stores use: `all`, or `type:<name>`.
    public var key: String { sensorType.map { "type:\($0)" } ?? "all" }
}

/// What a metrics job writes to every store after a batch: absolute, versioned rows (never increments), so
/// writing the same output twice, or an older output after a newer one, changes nothing.
public struct MetricsOutput: Sendable {
    public var sensors: [SensorMetricsRow]
    public var series: [SeriesRow]
    public var rejects: [JobReject]
    public var files: [FileProgress]

    public init(
        sensors: [SensorMetricsRow] = [], series: [SeriesRow] = [], rejects: [JobReject] = [],
        files: [FileProgress] = []
    ) {
        self.sensors = sensors
        self.series = series
        self.rejects = rejects
        self.files = files
    }

    /// Nothing to write.
    public var isEmpty: Bool { sensors.isEmpty && series.isEmpty && rejects.isEmpty && files.isEmpty }
}

/// What a store holds, by key, compared with the ledger before copying rows to it: a store that missed writes
/// (a crash between the ledger commit and its write, an outage) gets only what it lacks.
public struct StoredVersions: Sendable, Equatable {
    /// Version per sensor id.
    public var sensors: [String: Int64]
    /// Version per `SeriesRow.key`.
    public var series: [String: Int64]
    /// Bytes done per `FileProgress.key`.
    public var files: [String: Int64]
    /// Rejects kept per job.
    public var rejects: [String: Int]

    public init(sensors: [String: Int64], series: [String: Int64], files: [String: Int64], rejects: [String: Int]) {
        self.sensors = sensors
        self.series = series
        self.files = files
        self.rejects = rejects
    }

    /// Whether this store holds everything `ledger` holds, in at least its versions (the comparisons of
    /// `missing(from:)`, on versions alone): then a resync has nothing to copy and need not read any row.
    public func isUpToDate(with ledger: StoredVersions) -> Bool {
        ledger.sensors.allSatisfy { (sensors[$0.key] ?? .min) >= $0.value }
            && ledger.series.allSatisfy { (series[$0.key] ?? .min) >= $0.value }
            && ledger.rejects.allSatisfy { (rejects[$0.key] ?? 0) >= $0.value }
            && ledger.files.allSatisfy { files[$0.key] == $0.value }
    }

    /// The part of `output` (everything the ledger holds) that this store lacks or holds in an older version.
    public func missing(from output: MetricsOutput) -> MetricsOutput {
        let rejectCounts = Dictionary(grouping: output.rejects, by: \.job).mapValues(\.count)
        return MetricsOutput(
            sensors: output.sensors.filter { (sensors[$0.sensorID] ?? .min) < $0.version },
            series: output.series.filter { (series[$0.key] ?? .min) < $0.version },
            rejects: output.rejects.filter { (rejects[$0.job] ?? 0) < rejectCounts[$0.job]! },
            files: output.files.filter { files[$0.key] != $0.bytesDone })
    }
}
