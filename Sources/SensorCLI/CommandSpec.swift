/// A command: its name, help texts, options, and (for groups) subcommands. Help, usage lines and parsing
/// all derive from this one description, so they cannot drift apart.
public struct CommandSpec: Sendable {
    public let name: String
    public let abstract: String
    public let discussion: String
    public let options: [OptionSpec]
    public let subcommands: [CommandSpec]
    public let examples: [String]
    /// Endpoint and `--config` options (the shared connection options) apply to this command.
    public let usesServices: Bool
    /// `--json` and `--quiet` apply to this command.
    public let hasOutputOptions: Bool

    public init(
        name: String, abstract: String, discussion: String = "", options: [OptionSpec] = [],
        subcommands: [CommandSpec] = [], examples: [String] = [], usesServices: Bool = false,
        hasOutputOptions: Bool = false
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options
        self.subcommands = subcommands
        self.examples = examples
        self.usesServices = usesServices
        self.hasOutputOptions = hasOutputOptions
    }

    /// Every option the command accepts, in help order: its own, then connection, then output options.
    public var allOptions: [OptionSpec] {
        options + (usesServices ? SharedOptions.connection : []) + (hasOutputOptions ? SharedOptions.output : [])
    }

    func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.name == name }
    }
}

/// Options shared by several commands.
public enum SharedOptions {
    public static let help = OptionSpec("help", short: "h", kind: .flag, help: "Show help information.")

    public static let connection: [OptionSpec] =
        [OptionSpec("config", value: "file", help: "Read settings from this JSON file (see config/sensorctl.example.json).")]
        + ConfigKeyOptions.all

    public static let output: [OptionSpec] = [
        OptionSpec("json", kind: .flag, help: "Print a machine-readable summary on stdout."),
        OptionSpec("quiet", short: "q", kind: .flag, help: "Print no progress or summary on stderr."),
    ]
}
