import SensorCore
import Testing

/// "Any split, any order == one pass": the property that lets batches, consumers, engines and restarts
/// share one merge.
@Suite struct MetricsMergeTests {
    static let seeds: [UInt64] = [1, 2, 3, 42, 2024]

    @Test(arguments: seeds)
    func anySplitInAnyOrderEqualsOnePass(seed: UInt64) {
        let readings = MetricsFixture.readings(seed: seed)
        var onePass = MetricsState(tau: .seconds(MetricsFixture.tauSeconds))
        onePass.apply(batch: readings)
        #expect(onePass.sensors.count == 10)
        #expect(onePass.readingsTotal == Int64(readings.count))
        var random = Xoshiro256(seed: seed &* 31)
        for _ in 0..<40 {
            var state = MetricsState(tau: .seconds(MetricsFixture.tauSeconds))
            for batch in MetricsFixture.randomBatches(of: readings, maxBatches: 25, using: &random) {
                state.apply(batch: batch)
            }
            expectEquivalent(state, onePass)
            expectSameSummaries(state, onePass)
        }
    }

    /// Health, liveness, counts and rates are exact, so whole summaries agree but for rounding in `values`.
    func expectSameSummaries(_ actual: MetricsState, _ expected: MetricsState) {
        let now = expected.latestTimestamp!
        for rateWindow in [Duration.seconds(1), .seconds(10), .seconds(60)] {
            let got = actual.summary(now: now, rateWindow: rateWindow)
            let want = expected.summary(now: now, rateWindow: rateWindow)
            #expect(got.byType.keys.sorted() == want.byType.keys.sorted())
            let pairs =
                [(got.overall, want.overall)]
                + want.byType.compactMap { type, group in
                    got.byType[type].map { ($0, group) }
                }
            for (group, other) in pairs {
                #expect(group.sensorsTotal == other.sensorsTotal && group.sensorsOnline == other.sensorsOnline)
                #expect(group.health == other.health && group.readings == other.readings)
                #expect(group.readingsPerSecond == other.readingsPerSecond)
                #expect(isClose(group.values.mean, other.values.mean))
            }
        }
    }

    @Test(arguments: seeds)
    func mergingBatchPartialsAsARandomTreeEqualsOnePass(seed: UInt64) {
        let readings = MetricsFixture.readings(seed: seed)
        let onePass = Aggregator.partials(of: readings, tauSeconds: MetricsFixture.tauSeconds)
        var random = Xoshiro256(seed: seed &* 37)
        for _ in 0..<20 {
            // Merge random pairs until one is left: a different bracketing each round, as consumers and an
            // engine's reducers would produce.
            var pending = MetricsFixture.randomBatches(of: readings, maxBatches: 30, using: &random).map { batch in
                let partials = Aggregator.partials(of: batch, tauSeconds: MetricsFixture.tauSeconds)
                return MetricsState(
                    tauSeconds: MetricsFixture.tauSeconds, sensors: partials, series: Aggregator.series(of: batch))
            }
            while pending.count > 1 {
                let first = pending.remove(at: Int.random(in: 0..<pending.count, using: &random))
                let index = Int.random(in: 0..<pending.count, using: &random)
                pending[index].merge(first)
            }
            for (sensorID, partial) in onePass {
                guard let merged = pending[0].sensors[sensorID] else {
                    Issue.record("\(sensorID) lost in the merge")
                    continue
                }
                expectEquivalent(merged, partial)
            }
            expectEquivalent(pending[0].series, Aggregator.series(of: readings))
        }
    }

    @Test(arguments: seeds)
    func mergeIsAssociativeAndCommutative(seed: UInt64) {
        let readings = MetricsFixture.readings(seed: seed, count: 900)
        let thirds = [readings[0..<300], readings[300..<600], readings[600...]].map {
            Aggregator.partials(of: Array($0), tauSeconds: MetricsFixture.tauSeconds)
        }
        for sensorID in Set(thirds.flatMap(\.keys)) {
            let empty = SensorPartial(sensorID: sensorID, sensorType: "any", tauSeconds: MetricsFixture.tauSeconds)
            let (a, b, c) = (thirds[0][sensorID] ?? empty, thirds[1][sensorID] ?? empty, thirds[2][sensorID] ?? empty)
            expectEquivalent(a.merging(b).merging(c), a.merging(b.merging(c)))
            expectEquivalent(a.merging(b), b.merging(a))
            expectEquivalent(c.merging(a).merging(b), a.merging(b).merging(c))
        }
    }

    @Test(arguments: seeds)
    func mergingWithAnEmptyPartialIsAnExactIdentity(seed: UInt64) {
        for (sensorID, partial) in Aggregator.partials(of: MetricsFixture.readings(seed: seed), tauSeconds: 30) {
            let empty = SensorPartial(sensorID: sensorID, sensorType: "unknown", tauSeconds: 30)
            #expect(partial.merging(empty) == partial)
            #expect(empty.merging(partial) == partial)
        }
        var state = MetricsState(tau: .seconds(30))
        state.apply(batch: MetricsFixture.readings(seed: seed))
        var merged = state
        merged.merge(MetricsState(tau: .seconds(30)))
        merged.apply(batch: [])
        #expect(merged == state)
    }

    @Test func theLastValueIsTheLatestByTimestampThenIdWhateverTheArrivalOrder() {
        let readings = [
            MetricsFixture.reading(91, at: 5_000, id: 1),
            MetricsFixture.reading(nil, at: 5_000, id: 3),  // latest: same ts, greatest id, a fault
            MetricsFixture.reading(-1, at: 4_000, id: 9),
            MetricsFixture.reading(95, at: 5_000, id: 2),
            MetricsFixture.reading(30, at: 1_000, id: 7),
        ]
        var random = Xoshiro256(seed: 5)
        for _ in 0..<50 {
            var state = MetricsState()
            let arrived = readings.shuffled(using: &random)
            for batch in MetricsFixture.randomBatches(of: arrived, maxBatches: 5, using: &random) {
                state.apply(batch: batch)
            }
            let partial = state.sensors["temperature-001"]
            #expect(partial?.last?.value == nil)
            #expect(partial?.last?.id == readings[1].id)
            #expect(partial?.lastSeen == Timestamp(milliseconds: 5_000))
            #expect(partial?.firstSeen == Timestamp(milliseconds: 1_000))
        }
        let burned = Aggregator.partials(of: [MetricsFixture.reading(-1, at: 9_000), readings[0]])
        #expect(burned["temperature-001"]?.last?.value == -1, "a fault's last value is kept as received")
    }

    @Test func aSensorsTypeComesFromItsLatestReading() {
        let old = MetricsFixture.reading(90, at: 1_000, type: "humidity")
        let new = MetricsFixture.reading(90, at: 2_000, type: "temperature")
        let forward = Aggregator.partials(of: [old])["temperature-001"]!.merging(
            Aggregator.partials(of: [new])["temperature-001"]!)
        let backward = Aggregator.partials(of: [new])["temperature-001"]!.merging(
            Aggregator.partials(of: [old])["temperature-001"]!)
        #expect(forward.sensorType == "temperature" && backward.sensorType == "temperature")
    }
}
