/// Count, mean, M2 (sum of squared deviations), min and max of a set of values, mergeable in any grouping.
///
/// Values are added one at a time with Welford's update and sets are combined with Chan, Golub and
/// LeVeque's parallel formula. Both avoid the catastrophic cancellation of the Σx² − (Σx)²/n shortcut,
/// which matters here: sensor values sit near 90 with a spread of a few units, so Σx² is ~10⁴ times larger
/// than the variance it would have to reveal. Merging is associative and commutative up to floating-point
/// rounding; `count`, `min` and `max` are exact.
public struct ValueStats: Sendable, Equatable {
    /// Number of values.
    public private(set) var count: Int64
    /// Arithmetic mean; 0 when `count` is 0.
    public private(set) var mean: Double
    /// Σ(x − mean)²; 0 when `count` < 2.
    public private(set) var m2: Double
    /// Smallest value; nil when `count` is 0.
    public private(set) var min: Double?
    /// Largest value; nil when `count` is 0.
    public private(set) var max: Double?

    /// No values.
    public static let empty = ValueStats()

    /// Restores persisted state. `min` and `max` must be nil exactly when `count` is 0.
    public init(count: Int64 = 0, mean: Double = 0, m2: Double = 0, min: Double? = nil, max: Double? = nil) {
        precondition(
            count >= 0 && (count == 0) == (min == nil) && (count == 0) == (max == nil),
            "ValueStats: min/max must be present exactly when count > 0")
        self.count = count
        self.mean = mean
        self.m2 = m2
        self.min = min
        self.max = max
    }

    /// Population variance, M2 / n; nil without values.
    public var populationVariance: Double? { count > 0 ? m2 / Double(count) : nil }

    /// Sample variance, M2 / (n − 1); nil with fewer than two values.
    public var sampleVariance: Double? { count > 1 ? m2 / Double(count - 1) : nil }

    /// Sample standard deviation (n − 1 denominator, as SQL's `stddev` and Spark's `stddev` use); nil with
    /// fewer than two values.
    public var standardDeviation: Double? { sampleVariance.map { $0.squareRoot() } }

    /// Population standard deviation (n denominator); nil without values.
    public var populationStandardDeviation: Double? { populationVariance.map { $0.squareRoot() } }

    /// Adds one value (Welford).
    public mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
        min = Swift.min(min ?? value, value)
        max = Swift.max(max ?? value, value)
    }

    /// Combines with another set (Chan et al.). Merging with an empty set returns the other set unchanged,
    /// bit for bit, so the empty set is an exact identity.
    public mutating func merge(_ other: ValueStats) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        let total = count + other.count
        let (n, otherN, totalN) = (Double(count), Double(other.count), Double(total))
        let delta = other.mean - mean
        // Weighting both means symmetrically keeps the result independent of which side is `self`
        // (mean + delta·nb/n would round differently when the operands swap).
        mean = (mean * n + other.mean * otherN) / totalN
        m2 += other.m2 + delta * delta * (n * otherN / totalN)
        count = total
        min = Swift.min(min!, other.min!)
        max = Swift.max(max!, other.max!)
    }

    /// The merge of two sets, leaving both unchanged.
    public func merging(_ other: ValueStats) -> ValueStats {
        var result = self
        result.merge(other)
        return result
    }
}
