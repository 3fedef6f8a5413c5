import SensorCore
import Testing

/// Totals per type and overall, and the data-time rate.
@Suite struct MetricsSummaryTests {
    static let base: Int64 = 1_780_000_000_000

    /// temperature-001: healthy, 20 readings in second 100 and 10 in second 130 of the test's epoch.
    /// temperature-002: failed (burned), last seen at second 159.5.
    /// humidity-001: degraded, last seen at second 10.
    static func state() -> MetricsState {
        var readings: [Reading] = []
        for index in 0..<20 { readings.append(MetricsFixture.reading(90, at: base + 100_000 + Int64(index))) }
        for index in 0..<10 { readings.append(MetricsFixture.reading(82, at: base + 130_000 + Int64(index))) }
        for index in 0..<5 {
            let value: Double? = index % 2 == 0 ? nil : -1
            readings.append(
                MetricsFixture.reading(value, at: base + 159_500 + Int64(index) - 4, sensor: "temperature-002"))
        }
        for (index, value) in [90.0, 30, 95, 35].enumerated() {
            readings.append(
                MetricsFixture.reading(
                    value, at: base + 7_000 + Int64(index) * 1_000, sensor: "humidity-001",
                    type: "humidity"))
        }
        var state = MetricsState()
        state.apply(batch: readings)
        return state
    }

    @Test func totalsPerTypeAndOverall() {
        let now = Timestamp(milliseconds: Self.base + 150_000)
        let summary = Self.state().summary(now: now)
        #expect(summary.overall.sensorType == nil)
        #expect(summary.overall.sensorsTotal == 3)
        #expect(summary.overall.sensorsOnline == 2, "humidity-001 was last seen 140 s before now")
        #expect(summary.overall.health == .init(healthy: 1, degraded: 1, failed: 1))
        #expect(summary.overall.readings.total == 39 && summary.overall.readings.fault == 5)
        #expect(summary.overall.readings.atypical == 2 && summary.overall.readings.normal == 32)
        #expect(summary.byType.keys.sorted() == ["humidity", "temperature"])
        let temperature = summary.byType["temperature"]!
        #expect(temperature.sensorsTotal == 2 && temperature.sensorsOnline == 2)
        #expect(temperature.health[.failed] == 1 && temperature.health[.healthy] == 1)
        #expect(temperature.values.count == 30 && isClose(temperature.values.mean, (20 * 90 + 10 * 82) / 30.0))
        let humidity = summary.byType["humidity"]!
        #expect(humidity.sensorsOnline == 0 && humidity.health[.degraded] == 1)
        #expect(humidity.values.mean == 62.5 && humidity.values.min == 30)
    }

    @Test func readingsPerSecondCountsTheLatestSecondsOfDataTime() {
        let state = Self.state()
        #expect(state.latestTimestamp == Timestamp(milliseconds: Self.base + 159_500))
        let now = Timestamp(milliseconds: Self.base + 999_000)  // wall clock far ahead: rates use data time
        // Default window: the 60 whole seconds ending with second 159, i.e. seconds 100…159.
        let full = state.summary(now: now)
        #expect(full.rateWindowSeconds == 60)
        #expect(full.rateWindowEndSecond == (Self.base + 159_500) / 1000)
        #expect(full.overall.readingsPerSecond == 35.0 / 60)
        #expect(full.byType["temperature"]!.readingsPerSecond == 35.0 / 60)
        #expect(full.byType["humidity"]!.readingsPerSecond == 0)
        // 30 s: seconds 130…159.
        #expect(state.summary(now: now, rateWindow: .seconds(30)).overall.readingsPerSecond == 15.0 / 30)
        // 1 s: only second 159.
        #expect(state.summary(now: now, rateWindow: .seconds(1)).overall.readingsPerSecond == 5)
        // An explicit end: the 10 s ending with second 109.
        let end = Timestamp(milliseconds: Self.base + 109_000)
        let early = state.summary(now: now, rateWindow: .seconds(10), rateEnd: end)
        #expect(early.overall.readingsPerSecond == 2)
        // Longer than the horizon the counters keep: clamped to 60 s.
        #expect(state.summary(now: now, rateWindow: .seconds(600)).rateWindowSeconds == 60)
        #expect(MetricsState().summary(now: now).overall.readingsPerSecond == 0)
    }

    @Test func activityKeepsOnlyTheHorizonAndMergesExactly() {
        var activity = ActivityCounts()
        activity.add(Timestamp(milliseconds: 0))
        activity.add(Timestamp(milliseconds: 200_999))
        activity.add(Timestamp(milliseconds: 141_000))
        activity.add(Timestamp(milliseconds: 140_999))  // second 140: outside [141, 200]
        #expect(activity.counts == [141: 1, 200: 1])
        #expect(activity.newestSecond == 200)
        var older = ActivityCounts()
        older.add(Timestamp(milliseconds: 140_000))
        older.add(Timestamp(milliseconds: 150_000))
        var merged = older
        merged.merge(activity)
        activity.merge(older)
        #expect(merged == activity && merged.counts == [141: 1, 150: 1, 200: 1])
        #expect(ActivityCounts(counts: [0: 3, 100: 2]).counts == [100: 2])
    }
}
