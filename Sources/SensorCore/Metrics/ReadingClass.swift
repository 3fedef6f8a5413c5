/// How one reading's value is classified for metrics and health.
///
/// The ranges come from `GeneratorProfile` so that "normal" means the same thing to the generator and to
/// the jobs that judge its output. The classes are disjoint and cover every possible value.
public enum ReadingClass: UInt8, Sendable, Hashable, CaseIterable {
    /// A value in the normal range, 80–100 inclusive.
    case normal
    /// A value in the atypical range, 20–45 inclusive: a real but unusual measurement.
    case atypical
    /// A burned sensor: the value is null, or exactly -1. A non-finite number (which validated readings never
    /// carry) is also a fault: it cannot be a measurement and would poison every sum it entered.
    case fault
    /// Any other number (e.g. 50 or 120): a real measurement outside both known ranges.
    case outOfRange

    /// Classifies a raw value as received.
    public init(value: Double?) {
        guard let value, value.isFinite, value != GeneratorProfile.burnedValue else {
            self = .fault
            return
        }
        if GeneratorProfile.goodRange.contains(value) {
            self = .normal
        } else if GeneratorProfile.atypicalRange.contains(value) {
            self = .atypical
        } else {
            self = .outOfRange
        }
    }

    /// Whether the value is a measurement that feeds mean, deviation, min/max, EWMA and the time series.
    ///
    /// Only faults are excluded: atypical and out-of-range values are things the sensor really measured,
    /// and hiding them would make a drifting sensor look steadier than it is. A fault (-1 or null) is not a
    /// measurement at all, and -1 would drag every average down.
    public var isValid: Bool { self != .fault }

    /// Whether the class counts against a sensor's health (everything except `normal`).
    public var isAbnormal: Bool { self != .normal }

    /// The name stores and reports use: `normal`, `atypical`, `fault`, `out_of_range`.
    public var name: String {
        switch self {
        case .normal: "normal"
        case .atypical: "atypical"
        case .fault: "fault"
        case .outOfRange: "out_of_range"
        }
    }

    /// The class of a stored name.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }
}

/// Per-class reading counts. Merging adds the fields, so it is exact, associative and commutative.
public struct ReadingCounts: Sendable, Equatable {
    /// All readings, whatever their value.
    public private(set) var total: Int64
    /// Readings in 80–100.
    public private(set) var normal: Int64
    /// Readings in 20–45.
    public private(set) var atypical: Int64
    /// Readings that were null or -1.
    public private(set) var fault: Int64
    /// Readings with any other value.
    public private(set) var outOfRange: Int64

    /// Counts as persisted; `total` is derived so the parts and the whole cannot disagree.
    public init(normal: Int64 = 0, atypical: Int64 = 0, fault: Int64 = 0, outOfRange: Int64 = 0) {
        self.normal = normal
        self.atypical = atypical
        self.fault = fault
        self.outOfRange = outOfRange
        self.total = normal + atypical + fault + outOfRange
    }

    /// Readings that carry a measurement (everything but faults).
    public var valid: Int64 { total - fault }

    /// The count of one class.
    public subscript(readingClass: ReadingClass) -> Int64 {
        switch readingClass {
        case .normal: normal
        case .atypical: atypical
        case .fault: fault
        case .outOfRange: outOfRange
        }
    }

    /// Counts one more reading of `readingClass`.
    public mutating func add(_ readingClass: ReadingClass) {
        total += 1
        switch readingClass {
        case .normal: normal += 1
        case .atypical: atypical += 1
        case .fault: fault += 1
        case .outOfRange: outOfRange += 1
        }
    }

    /// Adds another set of counts.
    public mutating func merge(_ other: ReadingCounts) {
        total += other.total
        normal += other.normal
        atypical += other.atypical
        fault += other.fault
        outOfRange += other.outOfRange
    }
}
