import CRdKafka
import SensorCore

/// Produces readings to the topic: key = sensor id, value = the JSON object of `JSONLinesCodec`,
/// through an idempotent producer with acks=all.
public final class KafkaSink: Sink {
    public let name = SinkKind.kafka.rawValue
    /// Messages the brokers acknowledged (acks=all), as reported by delivery callbacks.
    public var durableCount: Int { client.events.delivered }
    private let client: RDKafkaClient
    private let topicName: String
    private var produced = 0
    private var value: [UInt8] = []

    public init(config: SensorConfig, options: SinkOptions) throws(SensorError) {
        client = try RDKafkaClient(role: .producer, config: config)
        // A metadata round trip now turns an unreachable cluster into a clear error at start, instead of
        // messages that time out minutes later.
        _ = try client.topicPartitions()
        topicName = config.topic
    }

    public func write(_ batch: [Reading]) throws(SensorError) {
        for reading in batch {
            value.removeAll(keepingCapacity: true)
            JSONLinesCodec.appendObject(reading, to: &value)
            try client.produce(to: topicName, key: reading.sensorID, value: value)
            produced += 1
        }
        rd_kafka_poll(client.handle, 0)
        try throwIfDeliveryFailed()
    }

    public func finish() throws(SensorError) {
        // librdkafka fails undeliverable messages itself after message.timeout.ms, so this loop ends.
        while rd_kafka_outq_len(client.handle) > 0 {
            rd_kafka_flush(client.handle, 1000)
        }
        try throwIfDeliveryFailed()
        let delivered = client.events.delivered
        guard delivered == produced else {
            throw SensorError(.io, service: "kafka", endpoint: client.endpoint, "only \(delivered) of \(produced) readings were acknowledged")
        }
    }

    private func throwIfDeliveryFailed() throws(SensorError) {
        let events = client.events
        guard events.failed > 0 else { return }
        let reason = events.firstDeliveryError ?? "unknown error"
        throw SensorError(
            .unavailable, service: "kafka", endpoint: client.endpoint,
            "\(events.failed) readings were not delivered to \(topicName): \(reason)", isRetriable: true)
    }
}
