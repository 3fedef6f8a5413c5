import CRdKafka
import SensorCore

/// Streams source batches into the readings topic, exactly once for read_committed consumers.
///
/// Each batch is one Kafka transaction holding its readings (key = sensor id, JSON value with a `source`
/// field), its dead letters (topic `<topic>.dlq`) and the source checkpoint (topic `<topic>.checkpoints`).
/// A crash before the commit leaves neither readings nor checkpoint visible; a crash after leaves both. On
/// start, `initTransactions` fences any older process with the same transactional id and aborts its open
/// transaction, and the last committed checkpoint says exactly where to resume.
public final class KafkaTransactionalProducer {
    private let client: RDKafkaClient
    private let config: SensorConfig
    private let sourceName: String
    private var value: [UInt8] = []
    /// How many times one batch is replayed after its transaction was aborted (broker failures).
    static let attemptsPerBatch = 5

    public var topic: String { config.topic }
    public var deadLetterTopic: String { config.topic + ".dlq" }
    var checkpointKey: String { "produce/\(sourceName)" }

    public init(config: SensorConfig, sourceName: String) throws(SensorError) {
        self.config = config
        self.sourceName = sourceName
        // One transactional id per source and topic: a restarted producer fences its predecessor.
        client = try RDKafkaClient(role: .transactionalProducer(id: "sensorctl-produce-\(sourceName)-\(config.topic)"), config: config)
    }

    /// Fences older instances, then returns the last committed checkpoint (nil: none yet).
    public func start() throws(SensorError) -> [UInt8]? {
        _ = try client.topicPartitions()
        try client.initTransactions()
        return try KafkaCheckpointStore.latest(key: checkpointKey, topic: config.topic, config: config)
    }

    /// Commits one batch with its checkpoint; returns how many readings and dead letters it carried.
    /// A transaction the brokers abort is replayed with the same content.
    public func send(_ batch: SourceBatch) throws(SensorError) -> (sent: Int, rejected: Int) {
        var attempt = 0
        while true {
            attempt += 1
            do throws(SensorError) {
                try client.beginTransaction()
                let counts = try produce(batch)
                try client.commitTransaction()
                return counts
            } catch where error.isRetriable && attempt < Self.attemptsPerBatch {
                try? client.abortTransaction()
                MonotonicClock.sleep(seconds: Double(attempt))
            }
        }
    }

    private func produce(_ batch: SourceBatch) throws(SensorError) -> (sent: Int, rejected: Int) {
        var sent = 0
        var rejected = 0
        for record in batch.records {
            value.removeAll(keepingCapacity: true)
            switch record {
            case .reading(let reading):
                JSONLinesCodec.appendObject(reading, extra: ["source": sourceName], to: &value)
                try client.produce(to: config.topic, key: reading.sensorID, value: value)
                sent += 1
            case .rejected(let key, let raw, let reason):
                appendDeadLetter(key: key, raw: raw, reason: reason)
                try client.produce(to: deadLetterTopic, key: key, value: value)
                rejected += 1
            }
        }
        try client.produce(
            to: KafkaCheckpointStore.topic(for: config.topic), key: checkpointKey, value: batch.checkpoint)
        return (sent, rejected)
    }

    /// `{"source":"mongo","reason":"…","key":"…","record":"<the record as the source stores it>"}`.
    private func appendDeadLetter(key: String?, raw: String, reason: String) {
        value.append(ascii: "{\"source\":")
        JSONLinesCodec.appendString(sourceName, to: &value)
        value.append(ascii: ",\"reason\":")
        JSONLinesCodec.appendString(reason, to: &value)
        value.append(ascii: ",\"key\":")
        if let key { JSONLinesCodec.appendString(key, to: &value) } else { value.append(ascii: "null") }
        value.append(ascii: ",\"record\":")
        JSONLinesCodec.appendString(raw, to: &value)
        value.append(UInt8(ascii: "}"))
    }
}
