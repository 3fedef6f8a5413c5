/// CSV (RFC 4180) for readings: header `id,sensor_id,sensor_type,value,ts,app`, an empty field for a
/// null value, RFC 3339 UTC timestamps, fields quoted only when they contain `,`, `"`, CR or LF.
public enum CSVCodec {
    public static let header = Reading.fieldNames.joined(separator: ",")

    public static func appendHeader(to buffer: inout [UInt8]) {
        buffer.append(utf8: header)
        buffer.append(UInt8(ascii: "\n"))
    }

    public static func append(_ reading: Reading, to buffer: inout [UInt8]) {
        reading.id.write(into: &buffer)
        buffer.append(UInt8(ascii: ","))
        appendField(reading.sensorID, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        appendField(reading.sensorType, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        if let value = reading.value, value.isFinite { buffer.append(value: value) }
        buffer.append(UInt8(ascii: ","))
        reading.timestamp.write(into: &buffer)
        buffer.append(UInt8(ascii: ","))
        appendField(reading.app, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// A field, quoted (with quotes doubled) only when it contains a separator, a quote or a line break.
    static func appendField(_ field: String, to buffer: inout [UInt8]) {
        var field = field
        field.withUTF8 { bytes in
            guard bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 < 0x20 }) else {
                buffer.append(contentsOf: bytes)
                return
            }
            buffer.append(UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") { buffer.append(byte) }
                buffer.append(byte)
            }
            buffer.append(UInt8(ascii: "\""))
        }
    }

    /// Splits one CSV record into fields; `nil` when quotes are unbalanced or stray.
    public static func fields(of line: some StringProtocol) -> [String]? {
        var fields: [String] = []
        var current: [UInt8] = []
        var inQuotes = false
        var quotedField = false
        var bytes = Array(line.utf8)
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        current.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(byte)
                }
            } else if byte == UInt8(ascii: ",") {
                fields.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
                quotedField = false
            } else if byte == UInt8(ascii: "\"") {
                guard current.isEmpty, !quotedField else { return nil }
                inQuotes = true
                quotedField = true
            } else {
                guard !quotedField else { return nil }
                current.append(byte)
            }
            index += 1
        }
        guard !inQuotes else { return nil }
        fields.append(String(decoding: current, as: UTF8.self))
        return fields
    }

    /// Decodes one data line written by `append`; the error says what is wrong with it.
    public static func decode(_ line: some StringProtocol) -> Result<Reading, ReadingDecodeError> {
        guard let fields = fields(of: line) else { return .failure(.init("unbalanced quotes")) }
        guard fields.count == Reading.fieldNames.count else {
            return .failure(.init("expected \(Reading.fieldNames.count) fields, found \(fields.count)"))
        }
        return Reading.validated(
            id: fields[0], sensorID: fields[1], sensorType: fields[2],
            value: fields[3].isEmpty ? .null : .text(fields[3]), timestamp: fields[4], app: fields[5])
    }
}
