import SensorCore
import Testing

/// The shared sink conformance test: every sink adapter must store exactly the readings it was given —
/// the same ids, no more and no fewer, with the same sensor, value (including null and -1), timestamp and app.
enum SinkConformance {
    /// Generates `count` seeded readings of both kinds under a unique app name, writes them through `sink`
    /// in batches, finishes it, and compares what `readBack(app)` finds in the service.
    static func check(
        _ sink: some Sink, count: Int = 1500, batchSize: Int = 400,
        readBack: (_ app: String) throws -> [Reading],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let app = TestStack.uniqueName("conformance-\(sink.name)")
        var expected: [ReadingID: Reading] = [:]
        var good = ReadingGenerator(profile: GeneratorProfile(kind: .good, atypicalChance: 0.2, app: app, seed: 42))
        var burned = ReadingGenerator(profile: GeneratorProfile(kind: .anomaly, app: app, seed: 43))
        var written = 0
        while written < count {
            var batch: [Reading] = []
            for index in 0..<min(batchSize, count - written) {
                batch.append(index % 5 == 4 ? burned.next() : good.next())
            }
            for reading in batch { expected[reading.id] = reading }
            try sink.write(batch)
            written += batch.count
        }
        try sink.finish()

        let stored = try readBack(app)
        #expect(stored.count == count, "stored \(stored.count) readings, wrote \(count)", sourceLocation: sourceLocation)
        var seen: Set<ReadingID> = []
        for reading in stored {
            #expect(seen.insert(reading.id).inserted, "duplicate id \(reading.id)", sourceLocation: sourceLocation)
            #expect(expected[reading.id] == reading, "stored \(reading)", sourceLocation: sourceLocation)
        }
        #expect(Set(expected.keys) == seen, "ids differ", sourceLocation: sourceLocation)
        #expect(expected.values.contains { $0.value == nil }, "the sample must include nulls")
        #expect(expected.values.contains { $0.value == -1 }, "the sample must include -1")
    }
}
