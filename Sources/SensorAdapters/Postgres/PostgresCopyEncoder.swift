import SensorCore

/// PostgreSQL COPY text format for readings: tab-separated columns, `\N` for a null value, and the
/// backslash escapes COPY requires for backslash, tab, newline and carriage return inside text.
enum PostgresCopyEncoder {
    static func append(_ reading: Reading, to buffer: inout [UInt8]) {
        reading.id.write(into: &buffer)
        buffer.append(UInt8(ascii: "\t"))
        appendText(reading.sensorID, to: &buffer)
        buffer.append(UInt8(ascii: "\t"))
        appendText(reading.sensorType, to: &buffer)
        buffer.append(UInt8(ascii: "\t"))
        if let value = reading.value, value.isFinite {
            buffer.append(value: value)
        } else {
            buffer.append(ascii: "\\N")
        }
        buffer.append(UInt8(ascii: "\t"))
        reading.timestamp.write(into: &buffer)
        buffer.append(UInt8(ascii: "\t"))
        appendText(reading.app, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
    }

    static func appendText(_ text: String, to buffer: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(ascii: "\\\\")
            case UInt8(ascii: "\t"): buffer.append(ascii: "\\t")
            case UInt8(ascii: "\n"): buffer.append(ascii: "\\n")
            case UInt8(ascii: "\r"): buffer.append(ascii: "\\r")
            default: buffer.append(byte)
            }
        }
    }
}
