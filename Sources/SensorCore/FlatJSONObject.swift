/// A strict parser for one JSON object whose interesting values are scalars (RFC 8259), such as a reading.
///
/// Why not JSONSerialization: on Linux it does not round every number to the nearest Double
/// (0.30000000000000004 comes back as 0.3), and it is several times slower for one-line records.
/// Numbers here are parsed by Swift's `Double(_:)`, which is correctly rounded.
public enum FlatJSONObject {
    public enum Value: Equatable, Sendable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        /// An object or array: valid JSON, but never a valid reading field.
        case nested
    }

    /// The members of the object, or nil when `text` is not exactly one valid JSON object.
    public static func parse(_ text: some StringProtocol) -> [String: Value]? {
        var parser = Parser(bytes: Array(text.utf8))
        guard let members = parser.object(), parser.atEndAfterWhitespace() else { return nil }
        return members
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        mutating func object() -> [String: Value]? {
            skipWhitespace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var members: [String: Value] = [:]
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return members }
            repeat {
                skipWhitespace()
                guard let key = string() else { return nil }
                skipWhitespace()
                guard take(UInt8(ascii: ":")), let value = value() else { return nil }
                members[key] = value
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}")) ? members : nil
        }

        mutating func value() -> Value? {
            skipWhitespace()
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "\""): return string().map(Value.string)
            case UInt8(ascii: "{"): return object() != nil ? .nested : nil
            case UInt8(ascii: "["): return array() ? .nested : nil
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default: return number().map(Value.number)
            }
        }

        mutating func array() -> Bool {
            guard take(UInt8(ascii: "[")) else { return false }
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return true }
            repeat {
                guard value() != nil else { return false }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]"))
        }

        mutating func number() -> Double? {
            let start = position
            _ = take(UInt8(ascii: "-"))
            let integerStart = position
            let integerDigits = digits()
            // RFC 8259 forbids leading zeros such as 012.
            guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return nil }
            if take(UInt8(ascii: ".")) { guard digits() > 0 else { return nil } }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                _ = take(UInt8(ascii: "+")) || take(UInt8(ascii: "-"))
                guard digits() > 0 else { return nil }
            }
            return Double(String(decoding: bytes[start..<position], as: UTF8.self))
        }

        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var scalars: [UInt8] = []
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""): return String(validating: scalars, as: UTF8.self)
                case UInt8(ascii: "\\"): guard escape(into: &scalars) else { return nil }
                case 0..<0x20: return nil
                default: scalars.append(byte)
                }
            }
            return nil
        }

        mutating func escape(into output: inout [UInt8]) -> Bool {
            guard position < bytes.count else { return false }
            let byte = bytes[position]
            position += 1
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
                UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
            ]
            if let replacement = simple[byte] {
                output.append(replacement)
                return true
            }
            guard byte == UInt8(ascii: "u"), var code = hex4() else { return false }
            if (0xD800..<0xDC00).contains(code) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(), (0xDC00..<0xE000).contains(low)
                else { return false }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { return false }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
            return true
        }

        mutating func hex4() -> UInt32? {
            guard position + 4 <= bytes.count else { return nil }
            var code: UInt32 = 0
            for byte in bytes[position..<position + 4] {
                guard let nibble = Hex.value(of: byte) else { return nil }
                code = code << 4 | UInt32(nibble)
            }
            position += 4
            return code
        }

        mutating func digits() -> Int {
            let start = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                position += 1
            }
            return position - start
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let expected = Array(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
            guard bytes.count - position >= expected.count, Array(bytes[position..<position + expected.count]) == expected
            else { return false }
            position += expected.count
            return true
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func atEndAfterWhitespace() -> Bool {
            skipWhitespace()
            return position == bytes.count
        }
    }
}
