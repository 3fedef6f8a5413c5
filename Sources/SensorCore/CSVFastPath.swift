extension CSVCodec {
    /// The reading of a data line in the common shape — six fields, no quotes, ASCII only, a plain decimal
    /// or empty value — read in place, or nil: then use `decode`, which decides and explains. Never a
    /// reading that `decode` would refuse (every check below is one `decode` makes too).
    public static func decodeIfPlain(_ bytes: UnsafeRawBufferPointer) -> Reading? {
        var commas: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0)
        var found = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\"") else { return nil }
            guard byte == UInt8(ascii: ",") else { continue }
            switch found {
            case 0: commas.0 = index
            case 1: commas.1 = index
            case 2: commas.2 = index
            case 3: commas.3 = index
            case 4: commas.4 = index
            default: return nil
            }
            found += 1
        }
        guard found == 5 else { return nil }
        func field(_ start: Int, _ end: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        }
        let value = field(commas.2 + 1, commas.3)
        let number: Double?
        if value.isEmpty {
            number = nil
        } else {
            guard let parsed = PlainDecimal.parse(value) else { return nil }
            number = parsed
        }
        let sensorID = field(commas.0 + 1, commas.1)
        let sensorType = field(commas.1 + 1, commas.2)
        guard !sensorID.isEmpty, !sensorType.isEmpty,
            let id = ReadingID(utf8: field(0, commas.0)),
            let timestamp = Timestamp(rfc3339UTF8: field(commas.3 + 1, commas.4))
        else { return nil }
        return Reading(
            id: id, sensorID: String(decoding: sensorID, as: UTF8.self),
            sensorType: String(decoding: sensorType, as: UTF8.self), value: number, timestamp: timestamp,
            app: String(decoding: field(commas.4 + 1, bytes.count), as: UTF8.self))
    }
}
