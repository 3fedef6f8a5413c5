import SensorCore

/// A successfully parsed command line: which command, and its option values (already checked against
/// each option's kind, with defaults filled in).
public struct ParsedCommand: Sendable {
    public let spec: CommandSpec
    /// Command names from the root, e.g. `["generate"]` or `["job", "metrics"]`.
    public let path: [String]
    let values: [String: String]
    let flags: Set<String>

    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    public func string(_ option: String) -> String? { values[option] }

    public func int(_ option: String) -> Int? { values[option].flatMap { Int($0) } }

    public func uint64(_ option: String) -> UInt64? { values[option].flatMap { UInt64($0) } }

    public func double(_ option: String) -> Double? { values[option].flatMap { Double($0) } }

    /// A comma-separated list option, split, in the order given, without repeats.
    public func list(_ option: String) -> [String] {
        var seen: Set<String> = []
        return (values[option] ?? "").split(separator: ",").map(String.init).filter { seen.insert($0).inserted }
    }

    /// Configuration settings given as flags (`--postgres-url …`), for the configuration loader.
    public var settingFlags: [ConfigKey: String] {
        var settings: [ConfigKey: String] = [:]
        for option in spec.allOptions {
            if case .setting(let key) = option.kind, let value = values[option.long] { settings[key] = value }
        }
        return settings
    }
}

/// A command-line mistake: printed as `Error: …`, the usage line and a pointer to help; exit 64.
public struct UsageError: Error, Equatable, Sendable {
    public let message: String
    /// The command whose usage to show, e.g. `["generate"]`; empty for the root.
    public let path: [String]

    public init(_ message: String, path: [String]) {
        self.message = message
        self.path = path
    }
}

/// What the command line asks for.
public enum Invocation: Sendable {
    case run(ParsedCommand)
    /// Print this help text on stdout and exit 0.
    case help(String)
    case version
}
