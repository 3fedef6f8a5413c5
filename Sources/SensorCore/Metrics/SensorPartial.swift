/// Everything the metrics jobs know about one sensor, computed from some set of its readings.
///
/// A partial can be built from one batch, merged with the partial of another batch (in any grouping and
/// any order), and the result equals the partial of all the readings at once: exactly for counts,
/// min/max, first/last seen, the last value and the recency window; up to floating-point rounding for
/// the mean, M2 and the EWMA. The same merge therefore serves one batch, many batches, many consumers, a
/// remote engine and a restart from persisted state. A partial with no readings is an exact identity.
public struct SensorPartial: Sendable, Equatable {
    /// The reading that is latest by (timestamp, id), as it arrived: its value is nil or -1 for a fault.
    public struct LastReading: Sendable, Equatable {
        public let timestamp: Timestamp
        public let id: ReadingID
        public let value: Double?

        public init(timestamp: Timestamp, id: ReadingID, value: Double?) {
            self.timestamp = timestamp
            self.id = id
            self.value = value
        }

        /// Later by timestamp, then by id: a total order, so "latest" never depends on arrival order.
        func isLater(than other: LastReading) -> Bool {
            (timestamp, id) > (other.timestamp, other.id)
        }
    }

    /// The sensor, e.g. `temperature-007`.
    public let sensorID: String
    /// The sensor's type, taken from its latest reading (a sensor is not expected to change type, but if
    /// it does, the latest word wins, deterministically).
    public private(set) var sensorType: String
    /// Readings by class.
    public private(set) var counts: ReadingCounts
    /// Count, mean, M2, min and max of valid values (everything but faults; see `ReadingClass.isValid`).
    public private(set) var values: ValueStats
    /// Time-decayed EWMA of valid values.
    public private(set) var smoothed: DecayedAverage
    /// The earliest timestamp of any reading, faults included; nil when empty.
    public private(set) var firstSeen: Timestamp?
    /// The latest reading by (timestamp, id), faults included; nil when empty.
    public private(set) var last: LastReading?
    /// The latest readings' classes, for health.
    public private(set) var recent: RecentWindow
    /// Per-second reading counts over the latest minute of data, for rates.
    public private(set) var activity: ActivityCounts

    /// A sensor with no readings yet; `tauSeconds` is the EWMA time constant.
    public init(sensorID: String, sensorType: String, tauSeconds: Double) {
        self.init(
            sensorID: sensorID, sensorType: sensorType, counts: ReadingCounts(), values: .empty,
            smoothed: DecayedAverage(tauSeconds: tauSeconds), firstSeen: nil, last: nil, recent: RecentWindow(),
            activity: ActivityCounts())
    }

    /// Restores persisted state, field by field.
    public init(
        sensorID: String, sensorType: String, counts: ReadingCounts, values: ValueStats, smoothed: DecayedAverage,
        firstSeen: Timestamp?, last: LastReading?, recent: RecentWindow, activity: ActivityCounts
    ) {
        self.sensorID = sensorID
        self.sensorType = sensorType
        self.counts = counts
        self.values = values
        self.smoothed = smoothed
        self.firstSeen = firstSeen
        self.last = last
        self.recent = recent
        self.activity = activity
    }

    /// The latest timestamp of any reading; nil when empty.
    public var lastSeen: Timestamp? { last?.timestamp }

    /// Whether no reading has been folded in.
    public var isEmpty: Bool { counts.total == 0 }

    /// Folds in one reading of this sensor, in any order relative to the others.
    public mutating func add(_ reading: Reading) {
        precondition(reading.sensorID == sensorID, "SensorPartial: reading of \(reading.sensorID) in \(sensorID)")
        let readingClass = ReadingClass(value: reading.value)
        counts.add(readingClass)
        if readingClass.isValid, let value = reading.value {
            values.add(value)
            smoothed.add(value, at: reading.timestamp)
        }
        firstSeen = min(firstSeen ?? reading.timestamp, reading.timestamp)
        let candidate = LastReading(timestamp: reading.timestamp, id: reading.id, value: reading.value)
        if last.map({ candidate.isLater(than: $0) }) ?? true {
            last = candidate
            sensorType = reading.sensorType
        }
        recent.add(.init(timestamp: reading.timestamp, id: reading.id, readingClass: readingClass))
        activity.add(reading.timestamp)
    }

    /// Combines with another partial of the same sensor.
    public mutating func merge(_ other: SensorPartial) {
        precondition(other.sensorID == sensorID, "SensorPartial: cannot merge \(other.sensorID) into \(sensorID)")
        // Returning early keeps the empty partial an exact identity (no rounding, no type change).
        guard !other.isEmpty else { return }
        guard !isEmpty else {
            self = other
            return
        }
        counts.merge(other.counts)
        values.merge(other.values)
        smoothed.merge(other.smoothed)
        if let otherFirst = other.firstSeen { firstSeen = min(firstSeen ?? otherFirst, otherFirst) }
        if let otherLast = other.last, last.map({ otherLast.isLater(than: $0) }) ?? true {
            last = otherLast
            sensorType = other.sensorType
        }
        recent.merge(other.recent)
        activity.merge(other.activity)
    }

    /// The merge of two partials, leaving both unchanged.
    public func merging(_ other: SensorPartial) -> SensorPartial {
        var result = self
        result.merge(other)
        return result
    }
}
