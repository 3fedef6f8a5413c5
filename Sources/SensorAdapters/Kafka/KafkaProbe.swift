import SensorCore

/// Checks Kafka with a metadata request (what the producer does first) and creates the readings topic
/// where the broker allows it.
public struct KafkaProbe: ServiceProbe {
    public let service = ServiceKind.kafka
    private let config: SensorConfig

    public init(config: SensorConfig) {
        self.config = config
    }

    public var endpoint: String { KafkaSettings.endpoint(config) }

    public func check() throws(SensorError) -> String {
        let client = try RDKafkaClient(role: .admin, config: config)
        guard let partitions = try client.topicPartitions()[config.topic] else {
            return "reachable; topic \(config.topic) missing: run sensorctl setup (or rely on auto-creation)"
        }
        return "topic \(config.topic) present (\(partitions) partitions)"
    }

    /// The readings topic, its dead-letter topic and the producers' checkpoint topic (compacted: only the
    /// latest checkpoint per producer matters).
    private var topics: [(name: String, partitions: Int, settings: [String: String])] {
        [
            (config.topic, config.topicPartitions, [:]),
            (config.topic + ".dlq", 1, [:]),
            (KafkaCheckpointStore.topic(for: config.topic), 1, ["cleanup.policy": "compact"]),
        ]
    }

    public func setup() throws(SensorError) -> [SetupStep] {
        let client = try RDKafkaClient(role: .admin, config: config)
        let existing = try client.topicPartitions()
        var steps: [SetupStep] = []
        for topic in topics {
            let object = "topic \(topic.name)"
            if let partitions = existing[topic.name] {
                steps.append(SetupStep(object, .present, note: "\(partitions) partitions"))
                continue
            }
            let creation = try client.createTopic(
                topic.name, partitions: topic.partitions, replicationFactor: config.topicReplicationFactor,
                settings: topic.settings)
            switch creation {
            case .created:
                steps.append(SetupStep(object, .created, note: "\(topic.partitions) partitions"))
            case .alreadyExists:
                steps.append(SetupStep(object, .present))
            case .refused(let reason):
                steps.append(
                    SetupStep(
                        object, .skipped,
                        note: "the broker does not allow creating it (\(reason)); create it with your cluster's "
                            + "tools or rely on auto.create.topics.enable"))
            }
        }
        return steps
    }
}
