import SensorCore
import Testing

/// The per-type time series: bucket boundaries, means and merging.
@Suite struct MetricsSeriesTests {
    @Test func bucketsStartAtMultiplesOfTheWidth() {
        let series = TypeSeries()
        let cases: [(Int64, Int64)] = [
            (0, 0), (1, 0), (9_999, 0), (10_000, 10_000), (19_999, 10_000), (-1, -10_000), (-10_000, -10_000),
            (-10_001, -20_000), (1_780_000_004_321, 1_780_000_000_000),
        ]
        for (ms, start) in cases {
            #expect(series.bucketStart(of: Timestamp(milliseconds: ms)) == Timestamp(milliseconds: start), "\(ms)")
        }
        #expect(
            TypeSeries(bucketMilliseconds: 60_000).bucketStart(of: Timestamp(milliseconds: 119_999))
                == Timestamp(milliseconds: 60_000))
    }

    @Test func meansPerTypeAndBucketExcludeFaults() {
        let readings = [
            MetricsFixture.reading(80, at: 9_999), MetricsFixture.reading(100, at: 0, sensor: "temperature-002"),
            MetricsFixture.reading(-1, at: 5_000), MetricsFixture.reading(nil, at: 5_001),
            MetricsFixture.reading(30, at: 10_000),
            MetricsFixture.reading(50, at: 12_000, sensor: "humidity-001", type: "humidity"),
            MetricsFixture.reading(-1, at: 25_000),  // a bucket with only faults does not appear
        ]
        let series = Aggregator.series(of: readings, bucket: .seconds(10))
        #expect(series.sensorTypes == ["humidity", "temperature"])
        let temperature = series.points(for: "temperature")
        #expect(temperature.map(\.bucketStart.milliseconds) == [0, 10_000])
        #expect(temperature.map(\.mean) == [90, 30])
        #expect(temperature.map(\.count) == [2, 1])
        #expect(series.points(for: "humidity").map(\.mean) == [50])
        #expect(series.points(for: "pressure").isEmpty)
    }

    @Test(arguments: [UInt64(31), 32, 33])
    func perTypeMeansEqualADirectComputation(seed: UInt64) {
        let readings = MetricsFixture.readings(seed: seed)
        let series = Aggregator.series(of: readings)
        var direct: [String: [Int64: [Double]]] = [:]
        for reading in readings {
            guard let value = reading.value, value != -1 else { continue }
            let ms = reading.timestamp.milliseconds
            let start = (ms >= 0 ? ms : ms - 9_999) / 10_000 * 10_000
            direct[reading.sensorType, default: [:]][start, default: []].append(value)
        }
        #expect(series.sensorTypes == direct.keys.sorted())
        for (type, buckets) in direct {
            let points = series.points(for: type)
            #expect(points.map(\.bucketStart.milliseconds) == buckets.keys.sorted())
            for point in points {
                let values = buckets[point.bucketStart.milliseconds]!
                #expect(point.count == Int64(values.count))
                #expect(isClose(point.mean, values.reduce(0, +) / Double(values.count)))
            }
        }
    }

    @Test(arguments: [UInt64(41), 42])
    func mergingBatchSeriesEqualsOnePass(seed: UInt64) {
        let readings = MetricsFixture.readings(seed: seed)
        let onePass = Aggregator.series(of: readings)
        var random = Xoshiro256(seed: seed)
        for _ in 0..<30 {
            var merged = TypeSeries()
            for batch in MetricsFixture.randomBatches(of: readings, maxBatches: 20, using: &random) {
                merged.merge(Aggregator.series(of: batch))
            }
            expectEquivalent(merged, onePass)
        }
        var withEmpty = onePass
        withEmpty.merge(TypeSeries())
        #expect(withEmpty == onePass)
    }

    @Test func retentionDropsOldBuckets() {
        var series = Aggregator.series(of: (0..<5).map { MetricsFixture.reading(90, at: Int64($0) * 10_000) })
        series.removeBuckets(before: Timestamp(milliseconds: 25_000))
        #expect(series.points(for: "temperature").map(\.bucketStart.milliseconds) == [30_000, 40_000])
    }
}
