/// JSON Lines for readings: one object per line,
/// `{"id":"…","sensor_id":"…","sensor_type":"…","value":87.5,"ts":"2026-12-04T16:24:39.123Z","app":"…"}`,
/// with `"value":null` for a burned sensor that reported nothing. The same object is the Kafka message value.
public enum JSONLinesCodec {
    /// Appends the object for `reading` followed by a newline.
    public static func append(_ reading: Reading, to buffer: inout [UInt8]) {
        appendObject(reading, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Appends the object alone (the Kafka message value), with optional extra string fields at the end.
    public static func appendObject(_ reading: Reading, extra: KeyValuePairs<StaticString, String> = [:], to buffer: inout [UInt8]) {
        buffer.append(ascii: "{\"id\":\"")
        reading.id.write(into: &buffer)
        buffer.append(ascii: "\",\"sensor_id\":")
        appendString(reading.sensorID, to: &buffer)
        buffer.append(ascii: ",\"sensor_type\":")
        appendString(reading.sensorType, to: &buffer)
        buffer.append(ascii: ",\"value\":")
        if let value = reading.value, value.isFinite {
            buffer.append(value: value)
        } else {
            buffer.append(ascii: "null")
        }
        buffer.append(ascii: ",\"ts\":\"")
        reading.timestamp.write(into: &buffer)
        buffer.append(ascii: "\",\"app\":")
        appendString(reading.app, to: &buffer)
        for (key, value) in extra {
            buffer.append(ascii: ",\"")
            buffer.append(ascii: key)
            buffer.append(ascii: "\":")
            appendString(value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped.
    public static func appendString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Fast path: sensor ids, types and app names rarely need escaping.
            guard bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                buffer.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): buffer.append(ascii: "\\\"")
                case UInt8(ascii: "\\"): buffer.append(ascii: "\\\\")
                case UInt8(ascii: "\n"): buffer.append(ascii: "\\n")
                case UInt8(ascii: "\r"): buffer.append(ascii: "\\r")
                case UInt8(ascii: "\t"): buffer.append(ascii: "\\t")
                case 0..<0x20:
                    buffer.append(ascii: "\\u00")
                    Hex.append(UInt64(byte), digits: 2, to: &buffer)
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Decodes one line; the error says what is wrong with it (bad JSON, missing field, wrong type).
    public static func decode(_ line: some StringProtocol) -> Result<Reading, ReadingDecodeError> {
        guard let fields = FlatJSONObject.parse(line) else {
            return .failure(.init(line.utf8.first == UInt8(ascii: "{") || line.isEmpty ? "not valid JSON" : notAnObject(line)))
        }
        var strings: [String: String] = [:]
        for name in ["id", "sensor_id", "sensor_type", "ts", "app"] {
            switch fields[name] {
            case nil: return .failure(.init("missing field '\(name)'"))
            case .string(let text): strings[name] = text
            default: return .failure(.init("field '\(name)' is not a string"))
            }
        }
        let value: Reading.RawValue
        switch fields["value"] {
        case nil: return .failure(.init("missing field 'value'"))
        case .null: value = .null
        case .number(let number): value = .number(number)
        default: return .failure(.init("field 'value' is not a number or null"))
        }
        return Reading.validated(
            id: strings["id"]!, sensorID: strings["sensor_id"]!, sensorType: strings["sensor_type"]!, value: value,
            timestamp: strings["ts"]!, app: strings["app"]!)
    }

    /// Distinguishes valid JSON that is not an object (`[1]`, `3`) from text that is not JSON at all.
    private static func notAnObject(_ line: some StringProtocol) -> String {
        let wrapped = "{\"x\":" + line + "}"
        return FlatJSONObject.parse(wrapped) != nil ? "not a JSON object" : "not valid JSON"
    }
}
