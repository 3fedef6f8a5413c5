/// Removes secrets from endpoints and messages before they reach a log, an error or `sensorctl config`.
public enum Redact {
    public static let mask = "***"

    /// `scheme://user:password@host/db?password=x` → `scheme://user:***@host/db?password=***`.
    /// Also masks `password=` style key/value pairs (libpq conninfo strings, query parameters).
    public static func endpoint(_ endpoint: String) -> String {
        secrets(in: maskUserInfoPassword(endpoint))
    }

    /// Masks every URL password and every `…password=value` / `…secret=value` pair found in free text.
    public static func secrets(in text: String) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for index in words.indices where words[index].contains("://") {
            words[index] = maskUserInfoPassword(words[index])
        }
        return words.map(maskKeyValueSecrets).joined(separator: " ")
    }

    /// True for configuration keys whose values are secrets (`sasl.password`, `ssl.key.password`, …).
    public static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["password", "secret", "passwd", "token", "credential"].contains { lowered.contains($0) }
    }

    private static func maskUserInfoPassword(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return text }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":" + mask + String(text[at...])
    }

    private static func maskKeyValueSecrets(_ word: String) -> String {
        // Handles both `password=x` (conninfo) and `a=1&password=x` (query strings).
        guard word.contains("=") else { return word }
        var output = ""
        var pending = Substring(word)
        while let equals = pending.firstIndex(of: "=") {
            let key = pending[..<equals]
            output += key + "="
            let valueStart = pending.index(after: equals)
            let valueEnd = pending[valueStart...].firstIndex { $0 == "&" || $0 == ";" } ?? pending.endIndex
            let keyName = key.split(whereSeparator: { $0 == "?" || $0 == "&" || $0 == ";" }).last.map(String.init) ?? ""
            output += isSecretKey(keyName) ? mask : String(pending[valueStart..<valueEnd])
            if valueEnd == pending.endIndex { return output }
            output.append(pending[valueEnd])
            pending = pending[pending.index(after: valueEnd)...]
        }
        return output + pending
    }
}
