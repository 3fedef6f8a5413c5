import SensorCore

/// The hand-rolled parser. Conventions follow swift-argument-parser: `--name value`, `--name=value`,
/// `-n value`; `-h`, `--help` and `help <command>` print the same help; mistakes are `UsageError`s.
public struct CommandLineParser: Sendable {
    public let root: CommandSpec

    public init(root: CommandSpec) {
        self.root = root
    }

    public func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
        guard let first = arguments.first else { throw UsageError("missing command", path: []) }
        switch first {
        case "--version": return .version
        case "-h", "--help": return .help(HelpFormatter.help(for: root, path: []))
        case "help": return .help(try helpTarget(Array(arguments.dropFirst())))
        default: break
        }
        var spec = root
        var path: [String] = []
        var rest = arguments[...]
        // Walk down the command groups: `job migrate …` names nested commands before any option.
        while let word = rest.first, !spec.subcommands.isEmpty, !word.hasPrefix("-") {
            guard let sub = spec.subcommand(named: word) else {
                throw UsageError("unknown command '\(word)'\(suggestion(word, spec.subcommands.map(\.name)))", path: path)
            }
            spec = sub
            path.append(word)
            rest = rest.dropFirst()
        }
        if rest.contains(where: { $0 == "-h" || $0 == "--help" }) {
            return .help(HelpFormatter.help(for: spec, path: path))
        }
        if !spec.subcommands.isEmpty {
            if let word = rest.first { throw UsageError("unknown option '\(word)'", path: path) }
            throw UsageError("missing subcommand", path: path)
        }
        return .run(try parseOptions(Array(rest), of: spec, path: path))
    }

    /// `help`, `help generate`, `help job metrics`.
    private func helpTarget(_ words: [String]) throws(UsageError) -> String {
        var spec = root
        var path: [String] = []
        for word in words {
            guard let sub = spec.subcommand(named: word) else {
                throw UsageError("unknown command '\(word)'\(suggestion(word, spec.subcommands.map(\.name)))", path: path)
            }
            spec = sub
            path.append(word)
        }
        return HelpFormatter.help(for: spec, path: path)
    }

    private func parseOptions(_ words: [String], of spec: CommandSpec, path: [String]) throws(UsageError) -> ParsedCommand {
        let options = spec.allOptions
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("-"), word.count > 1 else {
                throw UsageError("unexpected argument '\(word)'", path: path)
            }
            let (name, inlineValue) = split(word)
            guard let option = find(name, in: options) else {
                let known = options.map { "--\($0.long)" }
                throw UsageError("unknown option '\(name)'\(suggestion(name, known))", path: path)
            }
            guard option.takesValue else {
                if inlineValue != nil { throw UsageError("'--\(option.long)' does not take a value", path: path) }
                flags.insert(option.long)
                continue
            }
            // The next word is the value even when it starts with '-', so `-n -5` reports an invalid
            // count instead of an unknown option.
            guard let value = inlineValue ?? (index < words.count ? words[index] : nil) else {
                throw UsageError("missing value for '\(option.synopsis)'", path: path)
            }
            if inlineValue == nil { index += 1 }
            if let problem = option.problem(with: value) {
                throw UsageError("invalid value '\(value)' for '--\(option.long)': \(problem)", path: path)
            }
            if case .choiceList = option.kind, let earlier = values[option.long] {
                values[option.long] = earlier + "," + value
            } else {
                values[option.long] = value
            }
        }
        for option in options where values[option.long] == nil {
            if option.isRequired { throw UsageError("missing required option '\(option.synopsis)'", path: path) }
            if let value = option.defaultValue { values[option.long] = value }
        }
        return ParsedCommand(spec: spec, path: path, values: values, flags: flags)
    }

    private func split(_ word: String) -> (name: String, value: String?) {
        guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }

    private func find(_ name: String, in options: [OptionSpec]) -> OptionSpec? {
        if name.hasPrefix("--") { return options.first { "--\($0.long)" == name } }
        guard name.count == 2, let letter = name.last else { return nil }
        return options.first { $0.short == letter }
    }

    /// ` (did you mean '--sink'?)` when a known name is one or two edits away.
    private func suggestion(_ word: String, _ candidates: [String]) -> String {
        let scored = candidates.map { ($0, EditDistance.between(word, $0)) }.filter { $0.1 <= 2 }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return "" }
        return " (did you mean '\(best.0)'?)"
    }
}

/// Levenshtein distance, for "did you mean" hints.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
