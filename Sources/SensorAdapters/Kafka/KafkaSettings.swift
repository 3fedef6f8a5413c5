import SensorCore

/// The librdkafka properties of each client role, built in one place from the configuration.
enum KafkaSettings {
    enum Role: Equatable {
        case producer
        /// A producer whose writes are Kafka transactions under a stable id (zombie fencing, exactly once).
        case transactionalProducer(id: String)
        /// A consumer that sees only committed transactions.
        case committedReader
        /// A member of a consumer group that sees only committed transactions and keeps its offsets elsewhere
        /// (the metrics jobs store them in PostgreSQL with the metrics they produced).
        case groupMember(group: String)
        case admin

        var isConsumer: Bool {
            switch self {
            case .committedReader, .groupMember: true
            case .producer, .transactionalProducer, .admin: false
            }
        }

        var isProducer: Bool {
            switch self {
            case .producer, .transactionalProducer: true
            case .committedReader, .groupMember, .admin: false
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
        case .groupMember(let group):
            properties += [
                ("group.id", group), ("isolation.level", "read_committed"), ("enable.partition.eof", "true"),
                // Offsets live in PostgreSQL; the group's committed offsets are only written for lag tools.
                ("enable.auto.commit", "false"), ("enable.auto.offset.store", "false"),
                // A partition with no stored offset is read from its first retained message.
                ("auto.offset.reset", "earliest"),
                // A killed member's partitions move to the others within ~10 s instead of librdkafka's 45 s.
                ("session.timeout.ms", "10000"), ("heartbeat.interval.ms", "3000"),
                // Prefetch at most 16 MB (librdkafka's default is 64 MB): memory stays flat however far
                // behind the job is, at no measurable cost in throughput here.
                ("queued.max.messages.kbytes", "16384"),
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
