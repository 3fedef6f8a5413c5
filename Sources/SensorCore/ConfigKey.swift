import Foundation

/// Every setting sensorctl reads, with its file path, environment variable, flag and default, in one table:
/// the loader, `sensorctl config`, the help text and the example file all derive from it.
public enum ConfigKey: String, CaseIterable, Sendable {
    case postgresURL = "postgres.url"
    case mongoURL = "mongo.url"
    case kafkaBrokers = "kafka.brokers"
    case topic = "kafka.topic"
    case topicPartitions = "kafka.partitions"
    case topicReplicationFactor = "kafka.replication_factor"
    case hdfsURL = "hdfs.url"
    case hdfsUser = "hdfs.user"
    case hdfsRoot = "hdfs.root"
    case sensorTypes = "generator.sensor_types"

    /// `SENSORCTL_POSTGRES_URL`, …; the topic is `SENSORCTL_TOPIC` as the user's scripts expect.
    public var environmentName: String {
        switch self {
        case .topic: "SENSORCTL_TOPIC"
        default: "SENSORCTL_" + rawValue.replacingOccurrences(of: ".", with: "_").uppercased()
        }
    }

    /// The command-line flag, without dashes.
    public var flag: String {
        switch self {
        case .topic: "topic"
        case .topicPartitions: "topic-partitions"
        case .topicReplicationFactor: "topic-replication-factor"
        case .sensorTypes: "sensor-types"
        default: rawValue.replacingOccurrences(of: ".", with: "-").replacingOccurrences(of: "_", with: "-")
        }
    }

    public var defaultValue: String {
        switch self {
        case .postgresURL: "postgresql://sensorctl@127.0.0.1:5432/sensorctl"
        case .mongoURL: "mongodb://127.0.0.1:27017/sensorctl"
        case .kafkaBrokers: "127.0.0.1:9092"
        case .topic: "sensor.readings"
        case .topicPartitions: "6"
        case .topicReplicationFactor: "1"
        case .hdfsURL: "http://127.0.0.1:9870"
        case .hdfsUser: "sensor_corp"
        case .hdfsRoot: "/user/sensor_corp"
        case .sensorTypes: GeneratorProfile.defaultSensorTypes.joined(separator: ",")
        }
    }

    public var help: String {
        switch self {
        case .postgresURL: "PostgreSQL URL (postgresql://user:password@host:port/db)"
        case .mongoURL: "MongoDB URL; the database is its path (mongodb://host:port/db)"
        case .kafkaBrokers: "Kafka bootstrap brokers, comma-separated host:port"
        case .topic: "Kafka topic of the readings"
        case .topicPartitions: "Partitions of the topic when `setup` creates it"
        case .topicReplicationFactor: "Replication factor of the topic when `setup` creates it"
        case .hdfsURL: "WebHDFS base URL of the namenode (http://namenode:9870)"
        case .hdfsUser: "HDFS user (WebHDFS user.name)"
        case .hdfsRoot: "HDFS directory of the datalake"
        case .sensorTypes: "Sensor types, comma-separated"
        }
    }

    var kind: ValueKind {
        switch self {
        case .topicPartitions, .topicReplicationFactor: .positiveInteger
        case .sensorTypes: .list
        default: .text
        }
    }

    enum ValueKind { case text, positiveInteger, list }
}
