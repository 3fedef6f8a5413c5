import SensorCore

/// PostgreSQL's binary COPY format for readings. Binary saves the server from parsing UUIDs, numbers and
/// timestamps from text — the server, not sensorctl, is the bottleneck of a load — and text columns need
/// no escaping at all. Layout (PostgreSQL docs, "COPY", Binary Format): an 11-byte signature, flags and
/// header-extension length; per row a field count, then each field as a length (-1 for NULL) and its
/// bytes in network order; an end marker of -1.
enum PostgresBinaryCopyEncoder {
    /// Microseconds between the Unix epoch and PostgreSQL's timestamp epoch, 2000-01-01 00:00:00 UTC.
    static let postgresEpochOffsetMicros: Int64 = 946_684_800_000_000

    static func appendHeader(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00])
        appendBigEndian(UInt32(0), to: &buffer)  // flags: no OIDs
        appendBigEndian(UInt32(0), to: &buffer)  // no header extension
    }

    static func appendTrailer(to buffer: inout [UInt8]) {
        appendBigEndian(UInt16(0xFFFF), to: &buffer)
    }

    /// One row, columns in `Reading.fieldNames` order: uuid, text, text, float8, timestamptz, text.
    static func append(_ reading: Reading, to buffer: inout [UInt8]) {
        appendBigEndian(UInt16(Reading.fieldNames.count), to: &buffer)
        appendBigEndian(UInt32(16), to: &buffer)
        appendBigEndian(reading.id.high, to: &buffer)
        appendBigEndian(reading.id.low, to: &buffer)
        appendText(reading.sensorID, to: &buffer)
        appendText(reading.sensorType, to: &buffer)
        if let value = reading.value, value.isFinite {
            appendBigEndian(UInt32(8), to: &buffer)
            appendBigEndian(value.bitPattern, to: &buffer)
        } else {
            appendBigEndian(UInt32.max, to: &buffer)  // -1: NULL
        }
        appendBigEndian(UInt32(8), to: &buffer)
        let micros = reading.timestamp.milliseconds * 1000 - postgresEpochOffsetMicros
        appendBigEndian(UInt64(bitPattern: micros), to: &buffer)
        appendText(reading.app, to: &buffer)
    }

    private static func appendText(_ text: String, to buffer: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            appendBigEndian(UInt32(bytes.count), to: &buffer)
            buffer.append(contentsOf: bytes)
        }
    }

    private static func appendBigEndian<Integer: FixedWidthInteger>(_ value: Integer, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }
}
