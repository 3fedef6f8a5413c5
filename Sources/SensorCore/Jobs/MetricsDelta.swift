/// What one micro-batch of a metrics job changes, computed by the pure `Aggregator` and committed by a
/// `MetricLedger` together with the source positions it covers (exactly once).
public struct MetricsDelta: Sendable {
    /// The job whose positions advance (`metrics/<group>`, `hdfs`).
    public var job: String
    /// The batch's per-sensor partials, keyed by sensor id, merged into the stored ones.
    public var partials: [String: SensorPartial]
    /// The batch's per-type time series, added to the stored buckets.
    public var series: TypeSeries
    /// Records that were not valid readings, set aside with where they came from.
    public var rejects: [JobReject]
    /// Where the source stands after the batch, each with where it stood before (the commit checks it).
    public var advances: [PositionAdvance]

    public init(
        job: String, partials: [String: SensorPartial], series: TypeSeries, rejects: [JobReject],
        advances: [PositionAdvance]
    ) {
        self.job = job
        self.partials = partials
        self.series = series
        self.rejects = rejects
        self.advances = advances
    }

    /// The delta of `readings` for a state with time constant `tauSeconds` and buckets `bucketMilliseconds` wide.
    public init(
        job: String, readings: [Reading], tauSeconds: Double, bucketMilliseconds: Int64, rejects: [JobReject],
        advances: [PositionAdvance]
    ) {
        self.init(
            job: job, partials: Aggregator.partials(of: readings, tauSeconds: tauSeconds),
            series: Aggregator.series(of: readings, bucketMilliseconds: bucketMilliseconds), rejects: rejects,
            advances: advances)
    }

    /// Readings folded into the partials.
    public var readingCount: Int64 { partials.values.reduce(0) { $0 + $1.counts.total } }
}

/// A record a job could not use, kept in `job_rejects` with its origin (a topic partition or a file) and
/// its position there (an offset or a line number), so the user can find and fix it.
public struct JobReject: Sendable, Equatable {
    public var job: String
    public var origin: String
    public var position: Int64
    public var reason: String
    /// The record as received (UTF-8, invalid bytes and NULs replaced: no database stores a NUL in text),
    /// truncated to `maxRecordBytes`.
    public var record: String

    /// Records longer than this are cut: a reject is evidence, not a copy of a runaway line.
    public static let maxRecordBytes = 4096

    public init(job: String, origin: String, position: Int64, reason: String, record: some Collection<UInt8>) {
        self.job = job
        self.origin = origin
        self.position = position
        self.reason = reason
        // 0xFF is never valid UTF-8, so a NUL becomes U+FFFD like any other invalid byte.
        self.record = String(decoding: record.prefix(Self.maxRecordBytes).map { $0 == 0 ? 0xFF : $0 }, as: UTF8.self)
    }
}

/// How far a job has read one source unit: a Kafka partition (the next offset) or an HDFS file (the bytes
/// and lines folded in, with the length and modification time seen when it was listed).
public enum SourcePosition: Sendable, Equatable {
    case partition(topic: String, partition: Int32, nextOffset: Int64)
    case file(FileProgress)

    /// The source unit's name: `topic/partition` or the file's path.
    public var origin: String {
        switch self {
        case .partition(let topic, let partition, _): "\(topic)/\(partition)"
        case .file(let progress): progress.path
        }
    }
}

/// One row of the HDFS manifest.
public struct FileProgress: Sendable, Equatable {
    /// The job that read the file (`hdfs`).
    public var job: String
    public var path: String
    /// Bytes folded in: everything up to the end of the last complete line read (a whole file when done).
    public var bytesDone: Int64
    /// Lines folded in (readings, rejects and a CSV header alike), so line numbers continue after a resume.
    public var linesDone: Int64
    /// The file's length and modification time (ms since the epoch) when it was listed.
    public var length: Int64
    public var modificationTime: Int64
    /// Readings and rejected lines taken from this file so far.
    public var readings: Int64
    public var rejected: Int64

    public init(
        job: String, path: String, bytesDone: Int64, linesDone: Int64, length: Int64, modificationTime: Int64, readings: Int64,
        rejected: Int64
    ) {
        self.job = job
        self.path = path
        self.bytesDone = bytesDone
        self.linesDone = linesDone
        self.length = length
        self.modificationTime = modificationTime
        self.readings = readings
        self.rejected = rejected
    }

    /// The key every store files the row under: `<job>|<path>`.
    public var key: String { "\(job)|\(path)" }

    /// Whether every byte listed has been folded in.
    public var isComplete: Bool { bytesDone >= length }
}

/// A source unit's move from the position stored before a batch (nil: none stored yet) to the one after it.
/// A ledger commits it only if the stored position is still `previous`: a second consumer, a zombie or a
/// replay that lost a race is refused instead of counting the same records twice.
public struct PositionAdvance: Sendable, Equatable {
    public var previous: SourcePosition?
    public var next: SourcePosition

    public init(previous: SourcePosition?, next: SourcePosition) {
        self.previous = previous
        self.next = next
    }
}
