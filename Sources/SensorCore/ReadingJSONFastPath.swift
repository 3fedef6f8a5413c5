#if canImport(Glibc)
import Glibc
#endif

/// A single-pass decoder for the common shape of a reading message — one flat JSON object whose strings
/// need no unescaping — reading bytes in place, with no dictionary and no intermediate Strings for ids and
/// timestamps. It is only a shortcut: whatever it does not fully understand (escapes, other value types,
/// repeated keys, invalid fields) it hands to the general decoder, which gives the verdict and the reason.
/// So it can never accept something the general decoder would reject.
enum ReadingJSONFastPath {
    /// The reading, or nil when the general decoder must look at the bytes.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> Reading? {
        var cursor = Cursor(bytes: bytes)
        var fields = Fields()
        cursor.skipWhitespace()
        guard cursor.take(UInt8(ascii: "{")) else { return nil }
        cursor.skipWhitespace()
        if cursor.take(UInt8(ascii: "}")) { return nil }
        while true {
            cursor.skipWhitespace()
            guard let key = cursor.plainString() else { return nil }
            cursor.skipWhitespace()
            guard cursor.take(UInt8(ascii: ":")) else { return nil }
            cursor.skipWhitespace()
            guard let value = cursor.value(), fields.set(key, value, in: bytes) else { return nil }
            cursor.skipWhitespace()
            if cursor.take(UInt8(ascii: "}")) { break }
            guard cursor.take(UInt8(ascii: ",")) else { return nil }
        }
        cursor.skipWhitespace()
        guard cursor.atEnd else { return nil }
        return fields.reading(in: bytes)
    }

    /// A value as found: a plain string (its byte range, quotes excluded), a number, or null.
    enum Value {
        case string(Range<Int>)
        case number(Double)
        case null
    }

    /// The six fields of a reading, each at most once.
    struct Fields {
        var id: Range<Int>?
        var sensorID: Range<Int>?
        var sensorType: Range<Int>?
        var timestamp: Range<Int>?
        var app: Range<Int>?
        var value: Value?

        /// Records a field; false for a repeated or mistyped known field (the general decoder decides).
        mutating func set(_ key: Range<Int>, _ value: Value, in bytes: UnsafeRawBufferPointer) -> Bool {
            let name = UnsafeRawBufferPointer(rebasing: bytes[key])
            func string(_ slot: inout Range<Int>?) -> Bool {
                guard slot == nil, case .string(let range) = value else { return false }
                slot = range
                return true
            }
            if Self.equal(name, "id") { return string(&id) }
            if Self.equal(name, "sensor_id") { return string(&sensorID) }
            if Self.equal(name, "sensor_type") { return string(&sensorType) }
            if Self.equal(name, "ts") { return string(&timestamp) }
            if Self.equal(name, "app") { return string(&app) }
            if Self.equal(name, "value") {
                guard self.value == nil else { return false }
                if case .string = value { return false }
                self.value = value
                return true
            }
            return true  // another field (e.g. the producer's "source"): ignored, like the general decoder does
        }

        /// Byte equality with a literal key (length first: most keys differ in length).
        static func equal(_ name: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
            guard name.count == literal.utf8CodeUnitCount else { return false }
            return memcmp(name.baseAddress!, literal.utf8Start, name.count) == 0
        }

        func reading(in bytes: UnsafeRawBufferPointer) -> Reading? {
            guard let id, let sensorID, let sensorType, let timestamp, let app, let value,
                let readingID = ReadingID(utf8: UnsafeRawBufferPointer(rebasing: bytes[id])),
                let ts = Timestamp(rfc3339UTF8: UnsafeRawBufferPointer(rebasing: bytes[timestamp])),
                !sensorID.isEmpty, !sensorType.isEmpty
            else { return nil }
            let number: Double?
            switch value {
            case .null: number = nil
            case .number(let parsed): number = parsed
            case .string: return nil
            }
            func text(_ range: Range<Int>) -> String {
                String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            }
            return Reading(
                id: readingID, sensorID: text(sensorID), sensorType: text(sensorType), value: number, timestamp: ts,
                app: text(app))
        }
    }

    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var atEnd: Bool { position == bytes.count }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// A string without escapes, control characters or non-ASCII bytes (anything else: nil).
        mutating func plainString() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return start..<(position - 1)
                }
                guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
                position += 1
            }
            return nil
        }

        mutating func value() -> Value? {
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "\""): return plainString().map(Value.string)
            case UInt8(ascii: "n"):
                guard bytes.count - position >= 4, bytes[position + 1] == UInt8(ascii: "u"),
                    bytes[position + 2] == UInt8(ascii: "l"), bytes[position + 3] == UInt8(ascii: "l")
                else { return nil }
                position += 4
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number().map(Value.number)
            default: return nil
            }
        }

        mutating func number() -> Double? {
            let start = position
            while position < bytes.count, Self.isNumberByte(bytes[position]) { position += 1 }
            return PlainDecimal.parse(UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
        }

        private static func isNumberByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                || byte == UInt8(ascii: "+")
        }
    }
}

extension JSONLinesCodec {
    /// Decodes one object from UTF-8 bytes (a Kafka message value): the fast path for the common shape,
    /// the general decoder for everything else and for every error.
    public static func decode(utf8 bytes: UnsafeRawBufferPointer) -> Result<Reading, ReadingDecodeError> {
        if let reading = ReadingJSONFastPath.decode(bytes) { return .success(reading) }
        return decode(String(decoding: bytes, as: UTF8.self))
    }

    /// The reading of a line in the common shape (ASCII, no escapes), or nil: then use `decode`, which
    /// decides and explains. Never a reading that `decode` would refuse.
    public static func decodeIfPlain(_ bytes: UnsafeRawBufferPointer) -> Reading? {
        ReadingJSONFastPath.decode(bytes)
    }
}

/// The number forms both fast paths accept: `-?digits(.digits)?` with at most 15 significant digits and no
/// superfluous leading zero, which integer arithmetic turns into the correctly rounded Double (both operands
/// exact, one division). Anything else is left to the standard library's parser (nil).
enum PlainDecimal {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Double? {
        var index = 0
        let negative = !bytes.isEmpty && bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        var mantissa: Int64 = 0
        var digits = 0
        var decimals = 0
        let integerStart = index
        while index < bytes.count, let digit = digit(bytes[index]) {
            mantissa = mantissa &* 10 &+ digit
            digits += 1
            index += 1
        }
        let integerDigits = index - integerStart
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return nil }
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: "."), index + 1 < bytes.count else { return nil }
            index += 1
            while index < bytes.count, let digit = digit(bytes[index]) {
                mantissa = mantissa &* 10 &+ digit
                digits += 1
                decimals += 1
                index += 1
            }
            guard decimals > 0, index == bytes.count else { return nil }
        }
        guard digits <= 15 else { return nil }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let magnitude = Double(mantissa) / scale
        return negative ? -magnitude : magnitude
    }

    private static func digit(_ byte: UInt8) -> Int64? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int64(byte - UInt8(ascii: "0")) : nil
    }
}
