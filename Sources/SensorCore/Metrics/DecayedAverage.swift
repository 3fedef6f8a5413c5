#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A time-decayed exponentially weighted moving average that copes with irregular sampling.
///
/// Each value xᵢ observed at tᵢ has weight wᵢ = exp(−(t_ref − tᵢ)/τ) at the reference time t_ref, and the
/// state is kept as (Σ wᵢ·xᵢ, Σ wᵢ) at t_ref. Weighting by elapsed time rather than by sample count means a
/// burst of readings does not flush the history and a long silence lets the history fade, which a
/// fixed-alpha EWMA cannot do when intervals vary.
///
/// t_ref is always the latest timestamp folded in, so every weight is ≤ 1 and the newest value has weight
/// exactly 1: the sums can never overflow, and Σw ≥ 1 whenever there is a value, so the ratio is always
/// defined even after old weights underflow to zero. Moving t_ref scales both sums by the same factor, so
/// `value` does not depend on t_ref. Merging rescales both sides to the later t_ref and adds, which is
/// associative and commutative up to floating-point rounding.
public struct DecayedAverage: Sendable, Equatable {
    /// The time constant τ, in seconds: after τ a value's weight has fallen to 1/e.
    public let tauSeconds: Double
    /// Σ wᵢ·xᵢ at `reference`.
    public private(set) var weightedSum: Double
    /// Σ wᵢ at `reference`.
    public private(set) var weightSum: Double
    /// t_ref: the latest timestamp folded in; nil when there are no values.
    public private(set) var reference: Timestamp?

    /// No values yet, with time constant `tauSeconds` (> 0).
    public init(tauSeconds: Double) {
        self.init(tauSeconds: tauSeconds, weightedSum: 0, weightSum: 0, reference: nil)
    }

    /// Restores persisted state.
    public init(tauSeconds: Double, weightedSum: Double, weightSum: Double, reference: Timestamp?) {
        precondition(tauSeconds > 0 && tauSeconds.isFinite, "DecayedAverage: tau must be positive and finite")
        self.tauSeconds = tauSeconds
        self.weightedSum = weightedSum
        self.weightSum = weightSum
        self.reference = reference
    }

    /// The smoothed value Σw·x / Σw; nil when there are no values.
    public var value: Double? {
        reference == nil || weightSum == 0 ? nil : weightedSum / weightSum
    }

    /// exp(−Δt/τ) for a gap of `milliseconds` ≥ 0.
    func decay(over milliseconds: Int64) -> Double {
        exp(-Double(milliseconds) / 1000 / tauSeconds)
    }

    /// Folds in `value` observed at `timestamp`, in any order relative to earlier values.
    public mutating func add(_ value: Double, at timestamp: Timestamp) {
        guard let current = reference else {
            (weightedSum, weightSum, reference) = (value, 1, timestamp)
            return
        }
        if timestamp > current {
            // Move t_ref forward: everything already held ages by the gap; the new value has weight 1.
            let factor = decay(over: timestamp.milliseconds - current.milliseconds)
            weightedSum = weightedSum * factor + value
            weightSum = weightSum * factor + 1
            reference = timestamp
        } else {
            // A late (out-of-order) value is already aged at the current t_ref.
            let weight = decay(over: current.milliseconds - timestamp.milliseconds)
            weightedSum += weight * value
            weightSum += weight
        }
    }

    /// Combines with another average of the same τ. An empty side is an exact identity.
    public mutating func merge(_ other: DecayedAverage) {
        guard let otherReference = other.reference else { return }
        guard let current = reference else {
            self = other
            return
        }
        precondition(tauSeconds == other.tauSeconds, "DecayedAverage: cannot merge different time constants")
        let later = Swift.max(current, otherReference)
        let selfFactor = decay(over: later.milliseconds - current.milliseconds)
        let otherFactor = decay(over: later.milliseconds - otherReference.milliseconds)
        // Scaling each side before adding keeps the sum symmetric in its operands.
        weightedSum = weightedSum * selfFactor + other.weightedSum * otherFactor
        weightSum = weightSum * selfFactor + other.weightSum * otherFactor
        reference = later
    }

    /// The merge of two averages, leaving both unchanged.
    public func merging(_ other: DecayedAverage) -> DecayedAverage {
        var result = self
        result.merge(other)
        return result
    }
}
