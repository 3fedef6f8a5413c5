import Foundation
import Testing

/// One message as an independent read_committed consumer sees it.
struct TopicMessage {
    let key: String
    let value: String
}

/// The JSON value of a produced reading.
struct ProducedReading: Decodable {
    let id: String
    let sensorID: String
    let sensorType: String
    let value: Double?
    let ts: String
    let app: String
    let source: String

    enum CodingKeys: String, CodingKey {
        case id, value, ts, app, source
        case sensorID = "sensor_id"
        case sensorType = "sensor_type"
    }

    static let fieldNames: Set<String> = ["id", "sensor_id", "sensor_type", "value", "ts", "app", "source"]
}

/// Reads topics with kcat — not our Kafka code — so a defect in sensorctl's client cannot hide itself.
enum KafkaTopic {
    /// Everything committed in `topic`, from the beginning to the last stable offset of every partition
    /// (`isolation.level=read_committed`: aborted and still-open transactions are invisible).
    static func read(_ topic: String) throws -> [TopicMessage] {
        let data = try kcat([
            "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-X", "isolation.level=read_committed", "-f", "%k\t%s\n",
        ])
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            return TopicMessage(key: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// Runs kcat against the stack's brokers; its stdout.
    private static func kcat(_ arguments: [String]) throws -> Data {
        let brokers = try #require(
            ProcessInfo.processInfo.environment["SENSORCTL_KAFKA_BROKERS"], "SENSORCTL_KAFKA_BROKERS is not set")
        let process = Process()
        // kcat waits forever for a broker that never answers; `timeout` turns that into a failure.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["60", "kcat", "-b", brokers] + arguments
        let out = Pipe()
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("kcat-\(UUID().uuidString)")
        try #require(FileManager.default.createFile(atPath: errorFile.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: errorFile) }
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let detail = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            let command = arguments.joined(separator: " ")
            throw TestToolError("kcat \(command) exited \(process.terminationStatus): \(detail)")
        }
        return data
    }

    /// The broker id leading `partition` of `topic`, from kcat's metadata (JSON).
    static func leader(of topic: String, partition: Int) throws -> Int {
        let metadata = try kcat(["-L", "-J", "-t", topic])
        let root = try Binary.json(String(decoding: metadata, as: UTF8.self))
        let topics = try #require(root["topics"] as? [[String: Any]], "no topics in kcat -L")
        let partitions = try #require(topics.first?["partitions"] as? [[String: Any]], "no partitions of \(topic)")
        let entry = try #require(partitions.first { $0["partition"] as? Int == partition }, "no partition \(partition)")
        return try #require(entry["leader"] as? Int, "partition \(partition) of \(topic) has no leader")
    }

    /// The readings of `topic`, decoded; a message that is not a reading of the documented shape fails.
    static func readings(_ topic: String) throws -> [(key: String, reading: ProducedReading)] {
        try read(topic).map { message in
            let fields = try Binary.json(message.value)
            try #require(Set(fields.keys) == ProducedReading.fieldNames, "unexpected fields in \(message.value)")
            return (message.key, try JSONDecoder().decode(ProducedReading.self, from: Data(message.value.utf8)))
        }
    }

    /// How many committed messages each reading id has in `topic`.
    static func idCounts(_ topic: String) throws -> [String: Int] {
        try readings(topic).reduce(into: [:]) { counts, message in counts[message.reading.id, default: 0] += 1 }
    }
}

/// Asserts that `topic` holds exactly the readings of `rows`, each `copies` times and nothing else, keyed by
/// sensor id, with PostgreSQL's values, timestamps (ms, UTC) and `"source"`. Lists the first few problems.
func expectTopic(
    _ topic: String, holds rows: [String: SourceRow], copies: Int = 1, source: String = "postgres",
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    try expectTopic(topic, holds: rows, copiesOf: { _ in copies }, source: source, sourceLocation: sourceLocation)
}

/// The same, with an expected number of copies per reading id.
func expectTopic(
    _ topic: String, holds rows: [String: SourceRow], copiesOf copies: (String) -> Int, source: String = "postgres",
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let messages = try KafkaTopic.readings(topic)
    var counts: [String: Int] = [:]
    var problems: [String] = []
    for (key, reading) in messages {
        counts[reading.id, default: 0] += 1
        guard let row = rows[reading.id] else {
            problems.append("not in the source: \(reading.id)")
            continue
        }
        let produced = SourceRow(
            id: reading.id, sensorID: reading.sensorID, sensorType: reading.sensorType, value: reading.value,
            ts: reading.ts, app: reading.app)
        if produced != row { problems.append("differs: \(produced) vs source \(row)") }
        if key != row.sensorID { problems.append("key \(key) for sensor \(row.sensorID)") }
        if reading.source != source { problems.append("source \(reading.source) in \(reading.id)") }
    }
    let wrongCounts = rows.keys.filter { counts[$0, default: 0] != copies($0) }
    problems += wrongCounts.prefix(5).map { "\($0) is in the topic \(counts[$0, default: 0]) times, not \(copies($0))" }
    let expected = rows.keys.reduce(0) { $0 + copies($1) }
    #expect(
        messages.count == expected, "\(messages.count) messages, expected \(expected) for \(rows.count) rows",
        sourceLocation: sourceLocation)
    // A Bool, not the array: a failed expectation would print every element.
    let clean = problems.isEmpty
    #expect(
        clean, "\(wrongCounts.count) ids with a wrong count; \(problems.prefix(8).joined(separator: "\n"))",
        sourceLocation: sourceLocation)
}
