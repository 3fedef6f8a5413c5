/// Readings per one-second bucket of data time over a sensor's most recent `horizonSeconds`: the
/// counters behind "readings per second".
///
/// Buckets are whole seconds, `floor(ts / 1 s)`. Only the buckets within `horizonSeconds` of the newest
/// bucket seen are kept, so the state stays small however long a job runs. Pruning is relative to the
/// newest bucket, which only moves forward as partials merge, so anything pruned early would also have
/// been pruned after a single pass: merging is exact, associative and commutative. A sensor prunes
/// against its own newest bucket, which is never later than the newest bucket of all sensors, so the
/// buckets a global window needs are never lost.
public struct ActivityCounts: Sendable, Equatable {
    /// How much data time is kept, and so the longest window a rate can be computed over.
    public static let horizonSeconds: Int64 = 60

    /// Reading count by bucket (seconds since the epoch).
    public private(set) var counts: [Int64: Int64]
    /// The newest bucket seen; nil when empty.
    public private(set) var newestSecond: Int64?

    /// No readings.
    public init() {
        counts = [:]
        newestSecond = nil
    }

    /// Restores persisted buckets; any outside the horizon are dropped.
    public init(counts: [Int64: Int64]) {
        self.counts = counts.filter { $0.value > 0 }
        newestSecond = self.counts.keys.max()
        prune()
    }

    /// The second bucket of a timestamp (floor division, so times before 1970 bucket correctly too).
    public static func second(of timestamp: Timestamp) -> Int64 {
        timestamp.milliseconds.floorDivided(by: 1000).quotient
    }

    /// Readings in the `length` whole-second buckets ending with (and including) `endSecond`.
    public func count(endingAt endSecond: Int64, length: Int64) -> Int64 {
        let start = endSecond - length + 1
        return counts.reduce(into: 0) { sum, bucket in
            if bucket.key >= start && bucket.key <= endSecond { sum += bucket.value }
        }
    }

    /// Counts one reading at `timestamp`.
    public mutating func add(_ timestamp: Timestamp) {
        let second = Self.second(of: timestamp)
        if let newest = newestSecond, second <= newest - Self.horizonSeconds { return }
        counts[second, default: 0] += 1
        if second > newestSecond ?? .min {
            newestSecond = second
            prune()
        }
    }

    /// Adds another sensor's (or batch's) buckets, then prunes to the horizon.
    public mutating func merge(_ other: ActivityCounts) {
        guard let otherNewest = other.newestSecond else { return }
        counts.merge(other.counts, uniquingKeysWith: +)
        newestSecond = Swift.max(newestSecond ?? otherNewest, otherNewest)
        prune()
    }

    private mutating func prune() {
        guard let newest = newestSecond else { return }
        let oldestKept = newest - Self.horizonSeconds + 1
        if counts.keys.contains(where: { $0 < oldestKept }) {
            counts = counts.filter { $0.key >= oldestKept }
        }
    }
}
