import SensorCore

/// One flag per configuration setting, derived from the `ConfigKey` table.
enum ConfigKeyOptions {
    static let all: [OptionSpec] = ConfigKey.allCases.map { key in
        OptionSpec(
            key.flag, value: valueName(key), kind: .setting(key),
            help: "\(key.help). (env: \(key.environmentName); default: \(key.defaultValue))")
    }

    private static func valueName(_ key: ConfigKey) -> String {
        switch key {
        case .postgresURL, .mongoURL, .hdfsURL: "url"
        case .kafkaBrokers: "host:port,…"
        case .topicPartitions, .topicReplicationFactor: "n"
        case .sensorTypes: "types"
        case .topic: "name"
        case .hdfsUser: "user"
        case .hdfsRoot: "path"
        }
    }
}
