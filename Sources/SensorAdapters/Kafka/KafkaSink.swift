import CRdKafka
import SensorCore

/// Produces readings to the topic: key = sensor id, value = the JSON object of `JSONLinesCodec`,
/// through an idempotent producer with acks=all.
public final class KafkaSink: Sink {
    public let name = SinkKind.kafka.rawValue
    /// Messages the brokers acknowledged (acks=all), as reported by delivery callbacks.
    public var durableCount: Int { client.events.delivered }
    private let client: RDKafkaClient
    /// Owned: destroyed in `deinit` before the client handle it belongs to.
    private let topic: OpaquePointer
    private let topicName: String
    private var produced = 0
    private var value: [UInt8] = []

    public init(config: SensorConfig, options: SinkOptions) throws(SensorError) {
        client = try RDKafkaClient(role: .producer, config: config)
        // A metadata round trip now turns an unreachable cluster into a clear error at start, instead of
        // messages that time out minutes later.
        _ = try client.topicPartitions()
        guard let topic = rd_kafka_topic_new(client.handle, config.topic, nil) else {
            throw SensorError(.config, service: "kafka", endpoint: client.endpoint, "invalid topic name \(config.topic)")
        }
        self.topic = topic
        topicName = config.topic
    }

    deinit {
        rd_kafka_topic_destroy(topic)
    }

    public func write(_ batch: [Reading]) throws(SensorError) {
        for reading in batch {
            value.removeAll(keepingCapacity: true)
            JSONLinesCodec.appendObject(reading, to: &value)
            try produce(key: reading.sensorID)
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

    private func produce(key: String) throws(SensorError) {
        var key = key
        while true {
            let status = value.withUnsafeMutableBytes { payload in
                key.withUTF8 { keyBytes in
                    rd_kafka_produce(
                        topic, sensorctl_rd_kafka_partition_unassigned(), sensorctl_rd_kafka_msg_f_copy(),
                        payload.baseAddress, payload.count, keyBytes.baseAddress, keyBytes.count, nil)
                }
            }
            if status == 0 {
                produced += 1
                return
            }
            let code = rd_kafka_last_error()
            guard code == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
                throw SensorError(
                    .io, service: "kafka", endpoint: client.endpoint,
                    "cannot produce to \(topicName): \(RDKafkaClient.describe(code))")
            }
            // The local queue is full: serve delivery reports until the brokers catch up.
            rd_kafka_poll(client.handle, 50)
            try throwIfDeliveryFailed()
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
