/// The mean of valid values per sensor type in fixed buckets of data time: the dashboard's time series.
///
/// A reading at ts falls in the bucket starting at `floor(ts / width) * width` (floor division, so
/// buckets are aligned to the epoch and half-open: [start, start + width)). Each (type, bucket) keeps the
/// count and the sum of valid values; means are derived on demand. Sums and counts add, so merging is
/// associative and commutative (counts exactly, sums up to rounding). Faults are left out, as everywhere.
public struct TypeSeries: Sendable, Equatable {
    /// Identifies one bucket of one type.
    public struct Key: Hashable, Sendable {
        public let sensorType: String
        public let bucketStart: Timestamp

        public init(sensorType: String, bucketStart: Timestamp) {
            self.sensorType = sensorType
            self.bucketStart = bucketStart
        }
    }

    /// The valid values that fell in one bucket.
    public struct Bucket: Sendable, Equatable {
        public private(set) var count: Int64
        public private(set) var sum: Double

        public init(count: Int64 = 0, sum: Double = 0) {
            self.count = count
            self.sum = sum
        }

        /// The mean value; nil for an empty bucket.
        public var mean: Double? { count > 0 ? sum / Double(count) : nil }

        mutating func add(_ value: Double) {
            count += 1
            sum += value
        }

        mutating func merge(_ other: Bucket) {
            count += other.count
            sum += other.sum
        }
    }

    /// One point of the series, as a dashboard plots it.
    public struct Point: Sendable, Equatable {
        public let bucketStart: Timestamp
        public let count: Int64
        public let mean: Double
    }

    /// The default bucket width: 10 s.
    public static let defaultBucketMilliseconds: Int64 = 10_000

    /// The width of every bucket, in milliseconds.
    public let bucketMilliseconds: Int64
    /// Every non-empty bucket.
    public private(set) var buckets: [Key: Bucket]

    /// An empty series with buckets `bucketMilliseconds` (> 0) wide.
    public init(bucketMilliseconds: Int64 = defaultBucketMilliseconds) {
        self.init(bucketMilliseconds: bucketMilliseconds, buckets: [:])
    }

    /// Restores persisted buckets (whose starts must be aligned to `bucketMilliseconds`).
    public init(bucketMilliseconds: Int64, buckets: [Key: Bucket]) {
        precondition(bucketMilliseconds > 0, "TypeSeries: bucket width must be positive")
        self.bucketMilliseconds = bucketMilliseconds
        self.buckets = buckets.filter { $0.value.count > 0 }
    }

    /// The start of the bucket holding `timestamp`.
    public func bucketStart(of timestamp: Timestamp) -> Timestamp {
        let index = timestamp.milliseconds.floorDivided(by: bucketMilliseconds).quotient
        return Timestamp(milliseconds: index * bucketMilliseconds)
    }

    /// Folds in one reading (faults are skipped).
    public mutating func add(_ reading: Reading) {
        guard ReadingClass(value: reading.value).isValid, let value = reading.value else { return }
        let key = Key(sensorType: reading.sensorType, bucketStart: bucketStart(of: reading.timestamp))
        buckets[key, default: .init()].add(value)
    }

    /// Adds another series of the same bucket width.
    public mutating func merge(_ other: TypeSeries) {
        precondition(other.bucketMilliseconds == bucketMilliseconds, "TypeSeries: cannot merge different widths")
        for (key, bucket) in other.buckets { buckets[key, default: .init()].merge(bucket) }
    }

    /// The types present, sorted.
    public var sensorTypes: [String] { Set(buckets.keys.map(\.sensorType)).sorted() }

    /// The series of one type, oldest bucket first.
    public func points(for sensorType: String) -> [Point] {
        buckets.compactMap { key, bucket in
            guard key.sensorType == sensorType, let mean = bucket.mean else { return nil }
            return Point(bucketStart: key.bucketStart, count: bucket.count, mean: mean)
        }
        .sorted { $0.bucketStart < $1.bucketStart }
    }

    /// Drops buckets that start before `cutoff`: the caller's retention policy, since a series that only
    /// grows would make the cumulative state grow with the job's lifetime.
    public mutating func removeBuckets(before cutoff: Timestamp) {
        buckets = buckets.filter { $0.key.bucketStart >= cutoff }
    }
}
