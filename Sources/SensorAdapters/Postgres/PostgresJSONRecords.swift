import SensorCore

/// A JSON array of flat objects, the one parameter of a set-based statement
/// (`… FROM jsonb_to_recordset($1::jsonb) AS r(column type, …)`): one round trip writes any number of rows,
/// and every value stays a bound parameter, never SQL text.
struct PostgresJSONRecords {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "[")]
    private var count = 0
    private var fieldsInRecord = 0

    var isEmpty: Bool { count == 0 }

    /// The parameter text.
    var text: String { String(decoding: bytes + [UInt8(ascii: "]")], as: UTF8.self) }

    /// Appends one object whose fields `build` adds.
    mutating func record(_ build: (inout PostgresJSONRecords) -> Void) {
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "{"))
        fieldsInRecord = 0
        build(&self)
        bytes.append(UInt8(ascii: "}"))
        count += 1
    }

    private mutating func key(_ name: StaticString) {
        if fieldsInRecord > 0 { bytes.append(UInt8(ascii: ",")) }
        fieldsInRecord += 1
        bytes.append(UInt8(ascii: "\""))
        bytes.append(ascii: name)
        bytes.append(ascii: "\":")
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { JSONLinesCodec.appendString(value, to: &bytes) } else { bytes.append(ascii: "null") }
    }

    mutating func field(_ name: StaticString, _ value: Int64) {
        key(name)
        bytes.append(utf8: String(value))
    }

    /// Non-finite numbers (which the metrics never hold) are written as null rather than as invalid JSON.
    mutating func field(_ name: StaticString, _ value: Double?) {
        key(name)
        if let value, value.isFinite { bytes.append(utf8: value.description) } else { bytes.append(ascii: "null") }
    }

    mutating func field(_ name: StaticString, _ value: Timestamp?) {
        key(name)
        guard let value else { return bytes.append(ascii: "null") }
        bytes.append(UInt8(ascii: "\""))
        value.write(into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bytes.append(utf8: value ? "true" : "false")
    }

    mutating func field(_ name: StaticString, integers: [Int64]) {
        key(name)
        bytes.append(utf8: "[" + integers.map(String.init).joined(separator: ",") + "]")
    }

    mutating func field(_ name: StaticString, strings: [String]) {
        key(name)
        appendJSONArray(strings, to: &bytes)
    }
}

/// `["a","b"]`, each string escaped as JSON requires.
private func appendJSONArray(_ strings: [String], to bytes: inout [UInt8]) {
    bytes.append(UInt8(ascii: "["))
    for (index, string) in strings.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        JSONLinesCodec.appendString(string, to: &bytes)
    }
    bytes.append(UInt8(ascii: "]"))
}

/// A JSON array of strings, for `jsonb_array_elements_text($1::jsonb)`.
func postgresJSONArray(_ strings: [String]) -> String {
    var bytes: [UInt8] = []
    appendJSONArray(strings, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// Parsing of the text form of the values the metrics tables return.
enum PostgresText {
    static func int64(_ text: String?) -> Int64? { text.flatMap { Int64($0) } }

    static func double(_ text: String?) -> Double? { text.flatMap { Double($0) } }

    static func timestamp(_ text: String?) -> Timestamp? { int64(text).map { Timestamp(milliseconds: $0) } }

    /// The elements of a one-dimensional array of numbers, uuids or plain words (`{a,b}`): none of these
    /// needs quoting, so a split on commas is exact.
    static func arrayElements(_ text: String?) -> [Substring] {
        guard let text, text.count >= 2 else { return [] }
        return text.dropFirst().dropLast().split(separator: ",")
    }
}
