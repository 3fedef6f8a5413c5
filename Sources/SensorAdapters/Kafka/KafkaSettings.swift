import SensorCore

/// The librdkafka properties of each client role, built in one place from the configuration.
enum KafkaSettings {
    enum Role: Equatable {
        case producer
        /// A producer whose writes are Kafka transactions under a stable id (zombie fencing, exactly once).
        case transactionalProducer(id: String)
        /// A consumer that sees only committed transactions.
        case committedReader
        case admin

        var isProducer: Bool {
            switch self {
            case .producer, .transactionalProducer: true
            case .committedReader, .admin: false
            }
        }
    }

    static func properties(for role: Role, config: SensorConfig) -> [(String, String)] {
        var properties: [(String, String)] = [
            ("bootstrap.servers", config.kafkaBrokers),
            ("client.id", "sensorctl"),
            // Fail fast when no broker answers, instead of librdkafka's minute-long defaults.
            ("socket.connection.setup.timeout.ms", "5000"),
            ("log.connection.close", "false"),
        ]
        if role.isProducer {
            properties += [
                // Exactly-once per partition and in order, even across broker retries.
                ("enable.idempotence", "true"),
                ("acks", "all"),
                // Same key → same partition as the Java clients (Kafka Connect, Spark) would choose.
                ("partitioner", "murmur2_random"),
                ("linger.ms", "5"),
                ("compression.type", "none"),
            ]
        }
        switch role {
        case .transactionalProducer(let id):
            properties += [("transactional.id", id), ("transaction.timeout.ms", "60000")]
        case .committedReader:
            properties += [
                ("group.id", "sensorctl-checkpoint-reader"), ("enable.auto.commit", "false"),
                ("isolation.level", "read_committed"), ("enable.partition.eof", "true"),
                // It reads to the end once: answers for empty partitions should not wait for data.
                ("fetch.wait.max.ms", "10"),
            ]
        case .producer, .admin:
            break
        }
        // The user's own properties (security.protocol, sasl.*, ssl.*) come last so they win.
        properties += config.kafkaProperties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return properties
    }

    /// The endpoint as shown in messages: the broker list (secrets live only in properties).
    static func endpoint(_ config: SensorConfig) -> String {
        Redact.endpoint(config.kafkaBrokers)
    }
}
