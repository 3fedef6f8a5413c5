import Foundation

/// The effective configuration: one value per `ConfigKey`, each remembering where it came from,
/// plus librdkafka properties for secured clusters (file only).
public struct SensorConfig: Sendable, Equatable {
    /// Where a value came from, in precedence order (first wins).
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        case flag, environment(String), file(String), defaultValue

        public var description: String {
            switch self {
            case .flag: "flag"
            case .environment(let name): "env \(name)"
            case .file(let path): "file \(path)"
            case .defaultValue: "default"
            }
        }
    }

    public private(set) var values: [ConfigKey: (value: String, origin: Origin)] = [:]
    /// Extra librdkafka properties (`security.protocol`, `sasl.username`, `sasl.password`, …).
    public var kafkaProperties: [String: String] = [:]

    public init() {
        for key in ConfigKey.allCases { values[key] = (key.defaultValue, .defaultValue) }
    }

    public subscript(key: ConfigKey) -> String { values[key]!.value }

    public func origin(of key: ConfigKey) -> Origin { values[key]!.origin }

    mutating func set(_ key: ConfigKey, _ value: String, from origin: Origin) {
        values[key] = (value, origin)
    }

    public var postgresURL: String { self[.postgresURL] }
    public var mongoURL: String { self[.mongoURL] }
    public var kafkaBrokers: String { self[.kafkaBrokers] }
    public var topic: String { self[.topic] }
    public var topicPartitions: Int { Int(self[.topicPartitions])! }
    public var topicReplicationFactor: Int { Int(self[.topicReplicationFactor])! }
    public var hdfsURL: String { self[.hdfsURL] }
    public var hdfsUser: String { self[.hdfsUser] }
    public var hdfsRoot: String { self[.hdfsRoot] }
    public var sensorTypes: [String] { Self.list(self[.sensorTypes]) }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    public static func == (lhs: SensorConfig, rhs: SensorConfig) -> Bool {
        lhs.kafkaProperties == rhs.kafkaProperties
            && ConfigKey.allCases.allSatisfy { lhs[$0] == rhs[$0] && lhs.origin(of: $0) == rhs.origin(of: $0) }
    }

    /// `key = value  (origin)` lines with every secret masked, for `sensorctl config`.
    public func redactedLines() -> [(key: String, value: String, origin: String)] {
        var lines = ConfigKey.allCases.map { key in
            (key.rawValue, Redact.endpoint(self[key]), origin(of: key).description)
        }
        for (name, value) in kafkaProperties.sorted(by: { $0.key < $1.key }) {
            lines.append(("kafka.properties.\(name)", Redact.isSecretKey(name) ? Redact.mask : value, "file"))
        }
        return lines
    }
}
