import SensorCore
import Testing

/// Seeded readings and tolerant comparisons shared by the metrics tests.
enum MetricsFixture {
    static let tauSeconds = 30.0

    /// `count` readings over 10 sensors: mostly good data, some drifting atypical, burned readings
    /// concentrated on two sensors (temperature-001, humidity-001), a few out-of-range values; timestamps
    /// irregular (ties, bursts, long silences); ids seeded. Shuffled when `shuffled`, as readings arrive out
    /// of order from several partitions.
    static func readings(seed: UInt64, count: Int = 2000, shuffled: Bool = true) -> [Reading] {
        var random = Xoshiro256(seed: seed)
        var good = ReadingGenerator(profile: GeneratorProfile(kind: .good, atypicalChance: 0.05, seed: seed &+ 1))
        var drifting = ReadingGenerator(profile: GeneratorProfile(kind: .good, atypicalChance: 0.6, seed: seed &+ 2))
        var burned = ReadingGenerator(profile: GeneratorProfile(kind: .anomaly, sensorCount: 2, seed: seed &+ 3))
        var milliseconds: Int64 = 1_780_000_000_000 + Int64(random.next() % 1_000_000)
        var readings: [Reading] = []
        for _ in 0..<count {
            var reading: Reading
            switch random.next() % 100 {
            case 0..<65: reading = good.next()
            case 65..<80: reading = drifting.next()
            case 80..<97: reading = burned.next()
            default:
                reading = good.next()
                reading.value = [0, 50, 60.5, 150, -2][Int(random.next() % 5)]
            }
            switch random.next() % 100 {
            case 0..<10: break  // same millisecond as the previous reading: exercises the id tie-break
            case 10..<97: milliseconds += Int64(random.next() % 1500)
            default: milliseconds += 60_000 + Int64(random.next() % 240_000)  // a silence of minutes
            }
            reading.timestamp = Timestamp(milliseconds: milliseconds)
            reading.id = ReadingID(version7At: milliseconds, random: &random)
            readings.append(reading)
        }
        return shuffled ? readings.shuffled(using: &random) : readings
    }

    /// Cuts `readings` into 1…`maxBatches` contiguous batches at random points, then shuffles the batches.
    static func randomBatches(
        of readings: [Reading], maxBatches: Int, using random: inout Xoshiro256
    ) -> [[Reading]] {
        let batchCount = Int.random(in: 1...maxBatches, using: &random)
        var cuts = (0..<batchCount - 1).map { _ in Int.random(in: 0...readings.count, using: &random) }
        cuts = [0] + cuts.sorted() + [readings.count]
        let batches = zip(cuts, cuts.dropFirst()).map { Array(readings[$0..<$1]) }
        return batches.shuffled(using: &random)
    }

    /// A reading of `sensor` at `milliseconds` with a fixed id, for hand-built cases.
    static func reading(
        _ value: Double?, at milliseconds: Int64, sensor: String = "temperature-001", type: String = "temperature",
        id: UInt64? = nil
    ) -> Reading {
        Reading(
            id: ReadingID(high: UInt64(bitPattern: milliseconds) << 16, low: id ?? UInt64(bitPattern: milliseconds)),
            sensorID: sensor, sensorType: type, value: value, timestamp: Timestamp(milliseconds: milliseconds),
            app: "metrics-tests")
    }
}

/// |a − b| ≤ tolerance · max(|a|, |b|), with exact equality required for zero and nil.
func isClose(_ a: Double?, _ b: Double?, relative tolerance: Double = 1e-9) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    if a == b { return true }
    return abs(a - b) <= tolerance * max(abs(a), abs(b))
}

/// Expects two partials to agree: exactly where merging is exact, within 1e-9 relative where it rounds.
func expectEquivalent(
    _ actual: SensorPartial, _ expected: SensorPartial, sourceLocation: SourceLocation = #_sourceLocation
) {
    let id = expected.sensorID
    #expect(actual.sensorID == id, sourceLocation: sourceLocation)
    #expect(actual.sensorType == expected.sensorType, "\(id)", sourceLocation: sourceLocation)
    #expect(actual.counts == expected.counts, "\(id)", sourceLocation: sourceLocation)
    #expect(actual.values.count == expected.values.count, "\(id)", sourceLocation: sourceLocation)
    #expect(actual.values.min == expected.values.min, "\(id)", sourceLocation: sourceLocation)
    #expect(actual.values.max == expected.values.max, "\(id)", sourceLocation: sourceLocation)
    #expect(actual.firstSeen == expected.firstSeen, "\(id)", sourceLocation: sourceLocation)
    #expect(actual.lastSeen == expected.lastSeen, "\(id)", sourceLocation: sourceLocation)
    #expect(actual.last == expected.last, "\(id)", sourceLocation: sourceLocation)
    #expect(actual.recent == expected.recent, "\(id)", sourceLocation: sourceLocation)
    #expect(actual.activity == expected.activity, "\(id)", sourceLocation: sourceLocation)
    #expect(isClose(actual.values.mean, expected.values.mean), "\(id) mean", sourceLocation: sourceLocation)
    #expect(isClose(actual.values.m2, expected.values.m2), "\(id) m2", sourceLocation: sourceLocation)
    #expect(
        isClose(actual.values.standardDeviation, expected.values.standardDeviation), "\(id) std",
        sourceLocation: sourceLocation)
    #expect(actual.smoothed.reference == expected.smoothed.reference, "\(id)", sourceLocation: sourceLocation)
    #expect(actual.smoothed.tauSeconds == expected.smoothed.tauSeconds, sourceLocation: sourceLocation)
    #expect(isClose(actual.smoothed.value, expected.smoothed.value), "\(id) ewma", sourceLocation: sourceLocation)
    #expect(
        isClose(actual.smoothed.weightSum, expected.smoothed.weightSum), "\(id) Σw", sourceLocation: sourceLocation)
}

/// Expects two whole states to agree sensor by sensor and bucket by bucket.
func expectEquivalent(
    _ actual: MetricsState, _ expected: MetricsState, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.sensors.keys.sorted() == expected.sensors.keys.sorted(), sourceLocation: sourceLocation)
    for (sensorID, partial) in expected.sensors {
        guard let other = actual.sensors[sensorID] else { continue }
        expectEquivalent(other, partial, sourceLocation: sourceLocation)
    }
    expectEquivalent(actual.series, expected.series, sourceLocation: sourceLocation)
}

/// Expects two series to have the same buckets, counts exactly and sums within 1e-9 relative.
func expectEquivalent(
    _ actual: TypeSeries, _ expected: TypeSeries, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.bucketMilliseconds == expected.bucketMilliseconds, sourceLocation: sourceLocation)
    #expect(Set(actual.buckets.keys) == Set(expected.buckets.keys), sourceLocation: sourceLocation)
    for (key, bucket) in expected.buckets {
        guard let other = actual.buckets[key] else { continue }
        #expect(other.count == bucket.count, "\(key)", sourceLocation: sourceLocation)
        #expect(isClose(other.sum, bucket.sum), "\(key)", sourceLocation: sourceLocation)
    }
}
