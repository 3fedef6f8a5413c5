/// A sensor's latest readings (at most `capacity`), with their classes: the recency state behind health.
///
/// "Recent" is defined by data order, not by wall-clock time: the window holds the `capacity` readings with
/// the greatest (timestamp, id), whatever order they arrived in. Merging takes the union and keeps the
/// `capacity` greatest, which gives the same window as one pass over all the readings (the top N of a union
/// is the top N of the tops), so it is exact, associative and commutative. Ties in timestamp are broken by
/// reading id so the order of merges never matters. Counting the last N readings rather than the last N
/// seconds keeps a slow sensor judged on as much evidence as a fast one.
///
/// Readings are counted as delivered: a reading delivered twice appears twice. Exactly-once delivery is
/// the sources' job, as it is for every other count.
public struct RecentWindow: Sendable, Equatable {
    /// One reading as the window remembers it.
    public struct Entry: Sendable, Equatable {
        public let timestamp: Timestamp
        public let id: ReadingID
        public let readingClass: ReadingClass

        public init(timestamp: Timestamp, id: ReadingID, readingClass: ReadingClass) {
            self.timestamp = timestamp
            self.id = id
            self.readingClass = readingClass
        }

        /// The order of recency: timestamp, then id.
        func precedes(_ other: Entry) -> Bool {
            (timestamp, id) < (other.timestamp, other.id)
        }
    }

    /// How many readings the window keeps: enough for the 20% degraded rule to mean "4 of the last 20".
    public static let capacity = 20

    /// The kept readings, oldest first.
    public private(set) var entries: [Entry]

    /// An empty window.
    public init() {
        entries = []
    }

    /// Restores persisted entries in any order; only the `capacity` most recent are kept.
    public init(entries: [Entry]) {
        self.entries = Array(entries.sorted { $0.precedes($1) }.suffix(Self.capacity))
    }

    /// The newest `count` entries (all of them if there are fewer), oldest first.
    public func latest(_ count: Int) -> ArraySlice<Entry> {
        entries.suffix(count)
    }

    /// Adds one reading, dropping the oldest when full.
    public mutating func add(_ entry: Entry) {
        if entries.count == Self.capacity, let oldest = entries.first, !oldest.precedes(entry) {
            return  // older than everything kept: it would be dropped at once
        }
        // Readings mostly arrive in order, so search from the newest end.
        var index = entries.count
        while index > 0, entry.precedes(entries[index - 1]) { index -= 1 }
        entries.insert(entry, at: index)
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
    }

    /// Combines with another window: the `capacity` most recent of both.
    public mutating func merge(_ other: RecentWindow) {
        guard !other.entries.isEmpty else { return }
        guard !entries.isEmpty else {
            self = other
            return
        }
        // Merge the two sorted lists from the newest end, stopping once the window is full.
        var merged: [Entry] = []
        merged.reserveCapacity(Self.capacity)
        var (left, right) = (entries.count - 1, other.entries.count - 1)
        while merged.count < Self.capacity, left >= 0 || right >= 0 {
            if right < 0 || (left >= 0 && other.entries[right].precedes(entries[left])) {
                merged.append(entries[left])
                left -= 1
            } else {
                merged.append(other.entries[right])
                right -= 1
            }
        }
        entries = merged.reversed()
    }
}
