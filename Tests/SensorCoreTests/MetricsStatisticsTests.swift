import SensorCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mean, deviation and the decayed EWMA against direct computations over the raw readings.
@Suite struct MetricsStatisticsTests {
    /// The valid values of each sensor, and their timestamps, straight from the readings.
    static func validValues(_ readings: [Reading]) -> [String: [(value: Double, ms: Int64)]] {
        var result: [String: [(value: Double, ms: Int64)]] = [:]
        for reading in readings {
            guard let value = reading.value, value != -1 else { continue }
            result[reading.sensorID, default: []].append((value, reading.timestamp.milliseconds))
        }
        return result
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func meanAndDeviationMatchANaiveTwoPassComputation(seed: UInt64) {
        let readings = MetricsFixture.readings(seed: seed)
        let partials = Aggregator.partials(of: readings)
        let valid = Self.validValues(readings)
        for (sensorID, partial) in partials {
            let values = valid[sensorID, default: []].map(\.value)
            #expect(partial.values.count == Int64(values.count))
            #expect(partial.counts.valid == Int64(values.count))
            guard values.count > 1 else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            #expect(isClose(partial.values.mean, mean), "\(sensorID)")
            #expect(isClose(partial.values.m2, squares), "\(sensorID)")
            #expect(isClose(partial.values.standardDeviation, (squares / Double(values.count - 1)).squareRoot()))
            #expect(isClose(partial.values.populationStandardDeviation, (squares / Double(values.count)).squareRoot()))
            #expect(partial.values.min == values.min() && partial.values.max == values.max())
        }
    }

    @Test func faultsAreCountedButKeptOutOfTheStatistics() {
        let readings = [
            MetricsFixture.reading(90, at: 1_000), MetricsFixture.reading(-1, at: 2_000),
            MetricsFixture.reading(nil, at: 3_000), MetricsFixture.reading(100, at: 4_000),
            MetricsFixture.reading(30, at: 5_000), MetricsFixture.reading(150, at: 6_000),
        ]
        let partial = Aggregator.partials(of: readings)["temperature-001"]!
        #expect(partial.counts == ReadingCounts(normal: 2, atypical: 1, fault: 2, outOfRange: 1))
        #expect(partial.counts.total == 6 && partial.counts.valid == 4)
        #expect(partial.values.count == 4)
        #expect(partial.values.mean == 92.5, "atypical and out-of-range values are real measurements")
        #expect(partial.values.min == 30 && partial.values.max == 150)
        #expect(partial.firstSeen == Timestamp(milliseconds: 1_000))
        let burnedOnly = Aggregator.partials(of: [readings[1], readings[2]])["temperature-001"]!
        #expect(burnedOnly.values == .empty && burnedOnly.smoothed.value == nil)
        #expect(burnedOnly.values.standardDeviation == nil && burnedOnly.values.min == nil)
    }

    @Test func classesFollowTheGeneratorRanges() {
        let cases: [(Double?, ReadingClass)] = [
            (nil, .fault), (-1, .fault), (.nan, .fault), (.infinity, .fault), (-1.5, .outOfRange), (0, .outOfRange),
            (19.99, .outOfRange), (20, .atypical), (45, .atypical), (45.01, .outOfRange), (79.99, .outOfRange),
            (80, .normal), (100, .normal), (100.01, .outOfRange),
        ]
        for (value, expected) in cases {
            #expect(ReadingClass(value: value) == expected, "\(String(describing: value))")
        }
    }

    @Test(arguments: [UInt64(21), 22, 23])
    func theEWMAEqualsTheDirectlyWeightedAverageOverIrregularTimestamps(seed: UInt64) {
        let readings = MetricsFixture.readings(seed: seed)
        let tau = MetricsFixture.tauSeconds
        let partials = Aggregator.partials(of: readings, tauSeconds: tau)
        for (sensorID, values) in Self.validValues(readings) {
            let reference = values.map(\.ms).max()!
            let weights = values.map { exp(-Double(reference - $0.ms) / 1000 / tau) }
            let weightSum = weights.reduce(0, +)
            let weighted = zip(weights, values).reduce(0) { $0 + $1.0 * $1.1.value }
            let smoothed = partials[sensorID]!.smoothed
            #expect(smoothed.reference == Timestamp(milliseconds: reference))
            #expect(isClose(smoothed.weightSum, weightSum), "\(sensorID)")
            #expect(isClose(smoothed.weightedSum, weighted), "\(sensorID)")
            #expect(isClose(smoothed.value, weighted / weightSum), "\(sensorID)")
        }
    }

    @Test func theEWMAWeighsByElapsedTime() {
        // Two values τ apart: the older has weight 1/e.
        var average = DecayedAverage(tauSeconds: 60)
        average.add(1, at: Timestamp(milliseconds: 60_000))
        average.add(0, at: Timestamp(milliseconds: 0))  // arrives late: weighted as of the later reference
        #expect(isClose(average.value, 1 / (1 + exp(-1)), relative: 1e-15))
        #expect(average.reference == Timestamp(milliseconds: 60_000))
        // A burst of equal timestamps weighs like that many readings: no flushing of history by count.
        var burst = DecayedAverage(tauSeconds: 60)
        for _ in 0..<3 { burst.add(30, at: Timestamp(milliseconds: 1_000)) }
        burst.add(90, at: Timestamp(milliseconds: 1_000))
        #expect(burst.value == 45 && burst.weightSum == 4)
    }

    @Test func afterAGapOfTenTauANewValueDominates() {
        let tau = 60.0
        var readings = (0..<100).map { MetricsFixture.reading(90, at: Int64($0) * 1_000) }
        let gapEnd: Int64 = 99_000 + Int64(10 * tau * 1000)
        readings.append(MetricsFixture.reading(30, at: gapEnd))
        let before = Aggregator.partials(of: Array(readings.dropLast()), tauSeconds: tau)["temperature-001"]!
        #expect(isClose(before.smoothed.value, 90, relative: 1e-12))
        let after = Aggregator.partials(of: readings, tauSeconds: tau)["temperature-001"]!
        // The new value has weight 1; the whole history has at most Σ e^(−10 − k/60) ≈ 49·e^(−10) ≈ 0.0022.
        let newShare = 1 / after.smoothed.weightSum
        #expect(newShare > 0.997)
        #expect(abs(after.smoothed.value! - 30) < 0.2)
        // Merging the history and the new value as separate partials gives the same.
        let merged = before.merging(Aggregator.partials(of: [readings.last!], tauSeconds: tau)["temperature-001"]!)
        #expect(isClose(merged.smoothed.value, after.smoothed.value))
        // The plain mean, by contrast, barely moves.
        #expect(after.values.mean > 89)
    }

    @Test func oldWeightsMayUnderflowWithoutBreakingTheAverage() {
        var average = DecayedAverage(tauSeconds: 1)
        average.add(90, at: Timestamp(milliseconds: 0))
        average.add(30, at: Timestamp(milliseconds: 10_000_000))  // 10⁴ τ later: exp(−10⁴) is 0
        #expect(average.value == 30 && average.weightSum == 1)
        var late = average
        late.add(90, at: Timestamp(milliseconds: 0))
        #expect(late.value == 30)
    }
}
