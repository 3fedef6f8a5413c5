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

    public func setup() throws(SensorError) -> [SetupStep] {
        let client = try RDKafkaClient(role: .admin, config: config)
        let object = "topic \(config.topic)"
        if let partitions = try client.topicPartitions()[config.topic] {
            return [SetupStep(object, .present, note: "\(partitions) partitions")]
        }
        let creation = try client.createTopic(
            config.topic, partitions: config.topicPartitions, replicationFactor: config.topicReplicationFactor)
        switch creation {
        case .created:
            return [SetupStep(object, .created, note: "\(config.topicPartitions) partitions")]
        case .alreadyExists:
            return [SetupStep(object, .present)]
        case .refused(let reason):
            return [
                SetupStep(
                    object, .skipped,
                    note: "the broker does not allow creating it (\(reason)); create it with your cluster's tools "
                        + "or rely on auto.create.topics.enable")
            ]
        }
    }
}
