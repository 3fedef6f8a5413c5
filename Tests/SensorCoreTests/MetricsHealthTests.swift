import SensorCore
import Testing

/// The documented health and liveness rules, case by case.
@Suite struct MetricsHealthTests {
    /// A value of each class, to spell cases compactly: n normal, a atypical, f fault, o out of range.
    static func value(_ code: Character) -> Double? {
        switch code {
        case "n": 90
        case "a": 30
        case "f": nil
        case "o": 60
        default: fatalError("unknown class code \(code)")
        }
    }

    /// Readings one second apart, oldest first, in the order `codes` spells them.
    static func readings(_ codes: String) -> [Reading] {
        codes.enumerated().map { MetricsFixture.reading(value($0.element), at: Int64($0.offset) * 1_000) }
    }

    static func health(_ readings: [Reading], rules: HealthRules = .standard) -> SensorHealth {
        guard let partial = Aggregator.partials(of: readings)["temperature-001"] else {
            return rules.health(of: RecentWindow())
        }
        return rules.health(of: partial)
    }

    static let cases: [(codes: String, expected: SensorHealth, why: String)] = [
        ("", .healthy, "no readings, nothing against the sensor"),
        ("n", .healthy, "one normal reading"),
        (String(repeating: "n", count: 20), .healthy, "all normal"),
        ("aaa" + String(repeating: "n", count: 17), .healthy, "3 of 20 abnormal: 15%"),
        ("aaaa" + String(repeating: "n", count: 16), .degraded, "4 of 20 abnormal: exactly 20%"),
        ("aafo" + String(repeating: "n", count: 16), .degraded, "faults and out-of-range count as abnormal"),
        ("oooo" + String(repeating: "n", count: 16), .degraded, "out-of-range alone"),
        ("aaaaa" + "aaa" + String(repeating: "n", count: 17), .healthy, "older abnormal readings left the window"),
        ("nnnnann", .healthy, "1 of 7 is 14%"),
        ("nnnnnnn" + "a", .healthy, "1 of 8 is 12.5%"),
        ("nnnna", .degraded, "1 of 5 is exactly 20%"),
        ("nnfff", .failed, "the latest three are faults"),
        (String(repeating: "n", count: 17) + "fff", .failed, "failed wins over a merely 15% abnormal window"),
        ("fffn", .degraded, "a normal reading after the faults: not failed, but 75% abnormal"),
        ("nff", .degraded, "the latest three include a normal reading"),
        ("ff", .failed, "fewer than three readings, all faults"),
        ("f", .failed, "a single fault"),
        (String(repeating: "n", count: 30) + "f", .healthy, "one fault in the last 20 is 5%"),
        ("aaa", .degraded, "atypical values are not faults: degraded, never failed"),
    ]

    @Test(arguments: cases)
    func healthFollowsTheRecentReadings(codes: String, expected: SensorHealth, why: String) {
        #expect(Self.health(Self.readings(codes)) == expected, "\(codes): \(why)")
    }

    @Test func recencyIsByTimestampThenIdNotByArrival() {
        // Arrival order: the faults come first but carry the latest timestamps.
        let readings = [
            MetricsFixture.reading(nil, at: 4_000), MetricsFixture.reading(-1, at: 3_000),
            MetricsFixture.reading(nil, at: 2_000), MetricsFixture.reading(90, at: 1_000),
        ]
        #expect(Self.health(readings) == .failed)
        #expect(Self.health(readings.reversed()) == .failed)
        // Same timestamp: the greater id is the later reading.
        let tied = [MetricsFixture.reading(nil, at: 5_000, id: 2), MetricsFixture.reading(90, at: 5_000, id: 1)]
        let lastOnly = HealthRules(failedRun: 1, degradedShare: 1)
        #expect(Self.health(tied, rules: lastOnly) == .failed)
        #expect(Self.health(tied.reversed(), rules: lastOnly) == .failed)
        let swapped = [MetricsFixture.reading(nil, at: 5_000, id: 1), MetricsFixture.reading(90, at: 5_000, id: 2)]
        #expect(Self.health(swapped, rules: lastOnly) == .healthy)
    }

    @Test func theWindowKeepsTheLatestTwentyAndMergesExactly() {
        let readings = Self.readings("fffff" + String(repeating: "n", count: 30))
        var window = RecentWindow()
        for reading in readings.reversed() {
            window.add(.init(timestamp: reading.timestamp, id: reading.id, readingClass: .normal))
        }
        #expect(window.entries.count == RecentWindow.capacity)
        #expect(window.entries.first?.timestamp == Timestamp(milliseconds: 15_000))
        let split = [Array(readings[..<12]), Array(readings[12...])].map {
            Aggregator.partials(of: $0)["temperature-001"]!.recent
        }
        var merged = split[1]
        merged.merge(split[0])
        #expect(merged == Aggregator.partials(of: readings)["temperature-001"]!.recent)
        #expect(RecentWindow(entries: merged.entries.reversed()) == merged)
    }

    @Test func customThresholds() {
        let strict = HealthRules(failedRun: 5, degradedShare: 0.05)
        #expect(Self.health(Self.readings("nnfff"), rules: strict) == .degraded, "5 faults needed")
        #expect(Self.health(Self.readings("fffff"), rules: strict) == .failed)
        #expect(Self.health(Self.readings(String(repeating: "n", count: 19) + "a"), rules: strict) == .degraded)
    }

    static let ttlCases: [(lastSeenAgo: Int64?, ttl: Duration, online: Bool)] = [
        (0, .seconds(30), true),
        (29_999, .seconds(30), true),
        (30_000, .seconds(30), true),  // the boundary is inclusive
        (30_001, .seconds(30), false),
        (-5_000, .seconds(30), true),  // stamped after `now`: clock skew, still online
        (nil, .seconds(30), false),  // never seen
        (4_000, .seconds(5), true),
        (5_001, .seconds(5), false),
        (1, .zero, false),
    ]

    @Test(arguments: ttlCases)
    func onlineMeansLastSeenWithinTheTTL(lastSeenAgo: Int64?, ttl: Duration, online: Bool) {
        let now = Timestamp(milliseconds: 1_780_000_000_000)
        let rules = HealthRules(onlineTTL: ttl)
        let lastSeen = lastSeenAgo.map { Timestamp(milliseconds: now.milliseconds - $0) }
        #expect(rules.isOnline(lastSeen: lastSeen, now: now) == online)
        if let lastSeen {
            let partial = Aggregator.partials(of: [MetricsFixture.reading(90, at: lastSeen.milliseconds)])
            #expect(rules.isOnline(partial["temperature-001"]!, now: now) == online)
        }
    }

    @Test func standardRulesAreTheDocumentedOnes() {
        #expect(HealthRules.standard.failedRun == 3)
        #expect(HealthRules.standard.degradedShare == 0.2)
        #expect(HealthRules.standard.onlineTTL == .seconds(30))
        #expect(RecentWindow.capacity == 20)
    }
}
