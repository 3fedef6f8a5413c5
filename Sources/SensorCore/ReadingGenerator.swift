/// Makes readings one at a time, so memory stays flat however many are asked for.
///
/// Sensors and values come from a seedable generator; ids and timestamps come from the clock and an
/// independent unseeded generator, so a seeded rerun produces the same values with fresh ids and times.
public struct ReadingGenerator: Sendable {
    public let profile: GeneratorProfile
    private let sensors: [(id: String, type: String)]
    private var values: Xoshiro256
    private var ids = Xoshiro256()
    private let clock: @Sendable () -> Timestamp

    public init(profile: GeneratorProfile, clock: @escaping @Sendable () -> Timestamp = Timestamp.now) {
        precondition(profile.sensorCount > 0 && !profile.sensorTypes.isEmpty, "a profile needs sensors and types")
        self.profile = profile
        self.sensors = profile.sensors
        self.values = profile.seed.map(Xoshiro256.init(seed:)) ?? Xoshiro256()
        self.clock = clock
    }

    public mutating func next() -> Reading {
        let sensor = sensors[Int(values.next() % UInt64(sensors.count))]
        let now = clock()
        return Reading(
            id: ReadingID(version7At: now.milliseconds, random: &ids),
            sensorID: sensor.id, sensorType: sensor.type, value: nextValue(), timestamp: now, app: profile.app)
    }

    /// Appends `count` readings to `batch` (which the caller reuses to avoid reallocating).
    public mutating func fill(_ batch: inout [Reading], count: Int) {
        for _ in 0..<count { batch.append(next()) }
    }

    private mutating func nextValue() -> Double? {
        switch profile.kind {
        case .good:
            let range = unit() < profile.atypicalChance ? GeneratorProfile.atypicalRange : GeneratorProfile.goodRange
            return hundredths(in: range)
        case .anomaly:
            return unit() < profile.nullShare ? nil : GeneratorProfile.burnedValue
        }
    }

    /// A uniform value on the 0.01 grid of `range`, like a sensor with two-decimal resolution.
    private mutating func hundredths(in range: ClosedRange<Double>) -> Double {
        let low = Int64((range.lowerBound * 100).rounded())
        let steps = UInt64(Int64((range.upperBound * 100).rounded()) - low + 1)
        return Double(low + Int64(values.next() % steps)) / 100
    }

    /// Uniform in [0, 1) from the top 53 bits.
    private mutating func unit() -> Double {
        Double(values.next() >> 11) * 0x1.0p-53
    }
}
