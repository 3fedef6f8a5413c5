import SensorCore
import Testing

@Suite struct GeneratorTests {
    static let count = 100_000

    @Test func goodDataIsNormalWithAFewAtypicalValues() {
        var generator = ReadingGenerator(profile: GeneratorProfile(kind: .good, atypicalChance: 0.05, seed: 7))
        var atypical = 0
        for _ in 0..<Self.count {
            let value = try! #require(generator.next().value)
            if GeneratorProfile.atypicalRange.contains(value) {
                atypical += 1
            } else {
                #expect(GeneratorProfile.goodRange.contains(value), "value \(value) out of both ranges")
            }
            #expect((value * 100).rounded() / 100 == value, "two-decimal resolution")
        }
        // 5% of 100k: the binomial standard deviation is ~69, so ±500 is over 7 sigma.
        #expect(abs(atypical - 5000) < 500, "atypical: \(atypical)")
    }

    @Test func goodValuesCoverTheirWholeRange() {
        var generator = ReadingGenerator(profile: GeneratorProfile(kind: .good, atypicalChance: 0.5, seed: 8))
        var values: [Double] = []
        for _ in 0..<Self.count { values.append(generator.next().value!) }
        let normal = values.filter { $0 >= 80 }
        let atypical = values.filter { $0 <= 45 }
        #expect(normal.min()! < 80.1 && normal.max()! > 99.9)
        #expect(atypical.min()! < 20.1 && atypical.max()! > 44.9)
        let mean = normal.reduce(0, +) / Double(normal.count)
        #expect(abs(mean - 90) < 0.2, "uniform on 80–100 has mean 90, got \(mean)")
    }

    @Test func anomalyDataIsBurnedSensorsOnly() {
        var generator = ReadingGenerator(profile: GeneratorProfile(kind: .anomaly, nullShare: 0.3, seed: 9))
        var nulls = 0
        for _ in 0..<Self.count {
            let value = generator.next().value
            if value == nil { nulls += 1 } else { #expect(value == -1) }
        }
        #expect(abs(nulls - 30_000) < 1000, "nulls: \(nulls)")
    }

    @Test func aSeedFixesSensorsAndValuesButNotIdsOrTimes() {
        let profile = GeneratorProfile(kind: .good, seed: 42)
        var first = ReadingGenerator(profile: profile)
        var second = ReadingGenerator(profile: profile)
        var other = ReadingGenerator(profile: GeneratorProfile(kind: .good, seed: 43))
        var sameAsOther = 0
        for _ in 0..<1000 {
            let (a, b, c) = (first.next(), second.next(), other.next())
            #expect(a.sensorID == b.sensorID && a.value == b.value)
            #expect(a.id != b.id)
            if a.value == c.value && a.sensorID == c.sensorID { sameAsOther += 1 }
        }
        #expect(sameAsOther < 50)
    }

    @Test func sensorsAreSpreadOverTheTypes() {
        let profile = GeneratorProfile(sensorCount: 10, sensorTypes: ["temperature", "humidity", "pressure"], seed: 1)
        #expect(profile.sensors.map(\.id) == [
            "temperature-001", "humidity-001", "pressure-001", "temperature-002", "humidity-002", "pressure-002",
            "temperature-003", "humidity-003", "pressure-003", "temperature-004",
        ])
        var generator = ReadingGenerator(profile: profile)
        var perSensor: [String: Int] = [:]
        for _ in 0..<Self.count {
            let reading = generator.next()
            #expect(reading.sensorID.hasPrefix(reading.sensorType + "-"))
            perSensor[reading.sensorID, default: 0] += 1
        }
        #expect(perSensor.count == 10)
        #expect(perSensor.values.allSatisfy { abs($0 - 10_000) < 600 })
    }

    @Test func readingsCarryTheCurrentTimeAndTheApp() {
        let before = Timestamp.now()
        var generator = ReadingGenerator(profile: GeneratorProfile(app: "fleet-a"))
        let readings = (0..<1000).map { _ in generator.next() }
        let after = Timestamp.now()
        #expect(readings.allSatisfy { $0.timestamp >= before && $0.timestamp <= after && $0.app == "fleet-a" })
        #expect(Set(readings.map(\.id)).count == 1000)
    }
}
