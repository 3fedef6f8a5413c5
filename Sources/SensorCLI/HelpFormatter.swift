import Foundation

/// Renders help, usage lines and usage errors from a `CommandSpec`.
public enum HelpFormatter {
    public static let toolName = "sensorctl"
    static let width = 100
    static let optionColumn = 30

    /// The full help of a command: overview, usage, options (with defaults), subcommands, examples.
    public static func help(for spec: CommandSpec, path: [String]) -> String {
        var sections = ["OVERVIEW: \(spec.abstract)"]
        if !spec.discussion.isEmpty { sections.append(wrap(spec.discussion, indent: 0)) }
        sections.append("USAGE: \(usage(for: spec, path: path))")
        if !spec.subcommands.isEmpty {
            let rows = spec.subcommands.map { ($0.name, $0.abstract) }
            // `help` is a root command (`sensorctl help job migrate`), as in swift-argument-parser.
            let command = ([toolName, "help"] + path).joined(separator: " ")
            sections.append(
                "SUBCOMMANDS:\n" + table(rows) + "\n\n  See '\(command) <subcommand>' for detailed help.")
        }
        var optionSections: [(String, [OptionSpec])] = [("OPTIONS", spec.options)]
        if spec.usesServices { optionSections.append(("CONNECTION OPTIONS", SharedOptions.connection)) }
        if spec.hasOutputOptions { optionSections.append(("OUTPUT OPTIONS", SharedOptions.output)) }
        optionSections[optionSections.count - 1].1 += path.isEmpty ? [versionOption, SharedOptions.help] : [SharedOptions.help]
        for (title, options) in optionSections where !options.isEmpty {
            sections.append("\(title):\n" + table(options.map { ($0.synopsis, describe($0)) }))
        }
        if !spec.examples.isEmpty {
            sections.append("EXAMPLES:\n" + spec.examples.map { "  \($0)" }.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// `sensorctl generate --sink <sinks> [<options>]`.
    public static func usage(for spec: CommandSpec, path: [String]) -> String {
        var parts = [toolName] + path
        if !spec.subcommands.isEmpty {
            parts.append("<subcommand>")
        } else {
            parts += spec.options.filter(\.isRequired).map { "--\($0.long) <\($0.valueName)>" }
        }
        parts.append("[<options>]")
        return parts.joined(separator: " ")
    }

    /// The three stderr lines of a usage error.
    public static func errorText(_ error: UsageError, root: CommandSpec) -> String {
        var spec = root
        for name in error.path { spec = spec.subcommand(named: name) ?? spec }
        let command = ([toolName] + error.path).joined(separator: " ")
        return """
            Error: \(error.message)
            Usage: \(usage(for: spec, path: error.path))
            See '\(command) --help' for more information.

            """
    }

    private static let versionOption = OptionSpec("version", kind: .flag, help: "Show the version.")

    private static func describe(_ option: OptionSpec) -> String {
        var text = option.help
        if option.isRequired {
            text += " (required)"
        } else if let value = option.defaultValue {
            // A no-break space keeps "(default: x)" from being split by the word wrap.
            text += " (default:\u{00A0}\(value))"
        }
        return text
    }

    private static func table(_ rows: [(String, String)]) -> String {
        rows.map { left, right in
            let label = "  " + left
            let pad = label.count < optionColumn ? String(repeating: " ", count: optionColumn - label.count) : "\n" + String(repeating: " ", count: optionColumn)
            return label + pad + wrap(right, indent: optionColumn).dropFirst(optionColumn)
        }.joined(separator: "\n")
    }

    /// Greedy word wrap to `width` columns, every line indented by `indent` spaces.
    static func wrap(_ text: String, indent: Int) -> String {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = margin
            for word in paragraph.split(separator: " ") {
                if line.count > indent && line.count + 1 + word.count > width {
                    lines.append(line)
                    line = margin
                }
                line += (line.count > indent ? " " : "") + word
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n").replacingOccurrences(of: "\u{00A0}", with: " ")
    }
}
