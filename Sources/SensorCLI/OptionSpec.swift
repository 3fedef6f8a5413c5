import SensorCore

/// One option of a command: how it is spelled, what value it takes, how help shows it.
public struct OptionSpec: Sendable {
    /// What the option accepts. The parser checks values against this, so commands get clean values.
    public enum Kind: Sendable {
        case flag
        case text
        case positiveInteger
        /// A whole number in 0 ... UInt64.max (seeds).
        case unsignedInteger
        case positiveNumber
        /// A number in 0 ... 1.
        case probability
        case choice([String])
        /// A comma-separated list of distinct choices; repeating the option adds to the list.
        case choiceList([String])
        /// A configuration setting, checked by the configuration loader (its errors name the flag too).
        case setting(ConfigKey)
    }

    public let long: String
    public let short: Character?
    public let valueName: String
    public let help: String
    public let kind: Kind
    public let defaultValue: String?
    public let isRequired: Bool

    public init(
        _ long: String, short: Character? = nil, value valueName: String = "value", kind: Kind = .text,
        default defaultValue: String? = nil, required isRequired: Bool = false, help: String
    ) {
        self.long = long
        self.short = short
        self.valueName = valueName
        self.help = help
        self.kind = kind
        self.defaultValue = defaultValue
        self.isRequired = isRequired
    }

    public var takesValue: Bool {
        if case .flag = kind { return false }
        return true
    }

    /// `-n, --count <n>` or `--json`.
    var synopsis: String {
        var text = short.map { "-\($0), " } ?? ""
        text += "--\(long)"
        if takesValue { text += " <\(valueName)>" }
        return text
    }

    /// Checks a value; returns the reason it is wrong, phrased to follow "invalid value 'x' for --opt: ".
    func problem(with value: String) -> String? {
        switch kind {
        case .flag, .setting: return nil
        case .text: return value.isEmpty ? "must not be empty" : nil
        case .positiveInteger: return (Int(value) ?? 0) > 0 ? nil : "must be a positive integer"
        case .unsignedInteger: return UInt64(value) != nil ? nil : "must be a whole number ≥ 0"
        case .positiveNumber:
            guard let number = Double(value), number.isFinite, number > 0 else { return "must be a positive number" }
            return nil
        case .probability:
            guard let number = Double(value), (0...1).contains(number) else { return "must be a number from 0 to 1" }
            return nil
        case .choice(let choices):
            return choices.contains(value) ? nil : "must be one of \(choices.joined(separator: ", "))"
        case .choiceList(let choices):
            let items = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if let bad = items.first(where: { !choices.contains($0) }) {
                return "'\(bad)' is not one of \(choices.joined(separator: ", "))"
            }
            return nil
        }
    }
}
