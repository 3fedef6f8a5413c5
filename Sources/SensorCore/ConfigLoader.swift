import Foundation

/// Builds the effective configuration from its layers. Precedence, first wins:
/// flags > `SENSORCTL_*` environment > `--config FILE` > `config/sensorctl.json` > defaults.
public struct ConfigLoader: Sendable {
    public static let currentVersion = 1
    public static let projectFile = "config/sensorctl.json"

    public var flags: [ConfigKey: String]
    public var environment: [String: String]
    /// `--config FILE`: must exist when given.
    public var configFile: String?
    /// Read when present; its absence is normal.
    public var projectFile: String

    public init(
        flags: [ConfigKey: String] = [:], environment: [String: String] = [:], configFile: String? = nil,
        projectFile: String = ConfigLoader.projectFile
    ) {
        self.flags = flags
        self.environment = environment
        self.configFile = configFile
        self.projectFile = projectFile
    }

    public func load() throws(SensorError) -> SensorConfig {
        var config = SensorConfig()
        if FileManager.default.fileExists(atPath: projectFile) {
            try ConfigFile.apply(path: projectFile, to: &config)
        }
        if let configFile {
            guard FileManager.default.fileExists(atPath: configFile) else {
                throw SensorError(.config, "configuration file '\(configFile)' does not exist")
            }
            try ConfigFile.apply(path: configFile, to: &config)
        }
        for key in ConfigKey.allCases {
            if let value = environment[key.environmentName] {
                try config.setValidated(key, value, from: .environment(key.environmentName))
            }
        }
        for (key, value) in flags {
            try config.setValidated(key, value, from: .flag)
        }
        return config
    }
}

extension SensorConfig {
    /// Sets a value after checking it; a bad flag is a usage error (64), a bad file or environment value a
    /// configuration error (78). The message names the key and its origin, never a secret.
    mutating func setValidated(_ key: ConfigKey, _ value: String, from origin: Origin) throws(SensorError) {
        if let problem = Self.problem(with: value, for: key) {
            let code: SensorError.Code = origin == .flag ? .usage : .config
            let source = origin == .flag ? "--\(key.flag)" : "\(key.rawValue) (\(origin))"
            throw SensorError(code, "invalid value for \(source): \(problem)")
        }
        set(key, value, from: origin)
    }

    static func problem(with value: String, for key: ConfigKey) -> String? {
        switch key.kind {
        case .positiveInteger:
            guard let number = Int(value), number > 0 else { return "'\(value)' is not a positive integer" }
        case .list:
            let items = list(value)
            guard !items.isEmpty else { return "the list is empty" }
            if let bad = items.first(where: { !$0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) {
                return "'\(bad)' may contain only letters, digits and '_'"
            }
        case .text:
            guard !value.isEmpty else { return "it is empty" }
            return schemeProblem(value, for: key)
        }
        return nil
    }

    private static func schemeProblem(_ value: String, for key: ConfigKey) -> String? {
        let schemes: [String] =
            switch key {
            case .postgresURL: ["postgresql://", "postgres://"]
            case .mongoURL: ["mongodb://", "mongodb+srv://"]
            case .hdfsURL: ["http://", "https://"]
            default: []
            }
        if !schemes.isEmpty && !schemes.contains(where: value.hasPrefix) {
            return "'\(Redact.endpoint(value))' must start with \(schemes.joined(separator: " or "))"
        }
        if key == .hdfsRoot && !value.hasPrefix("/") { return "'\(value)' must be an absolute path" }
        return nil
    }
}
