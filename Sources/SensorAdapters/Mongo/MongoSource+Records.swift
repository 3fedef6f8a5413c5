import SensorCore

/// Stored documents as source records. The shape MongoSink writes is `{_id: "<uuid>", sensor_id, sensor_type,
/// value: double|null, ts: date, app}`; other apps may write `value` as int32/int64 and `ts` as an RFC 3339
/// string, which are accepted too. Other fields are ignored. The rules of a valid reading are
/// `Reading.validated`'s; this file only checks that each field has a type that can carry one.
extension MongoSource {
    /// What every producer's claim field starts with: bookkeeping, not data, so it is left out of the raw
    /// document of a rejected record (otherwise its text would depend on which producers have seen it).
    static let claimFieldPrefix = "sensorctl_batch_"

    private enum StoredTime {
        case typed(Timestamp)
        case text(String)
    }

    /// A reading, or the document rejected with every field problem it has (or the first rule it breaks).
    static func record(from document: OpaquePointer) -> SourceRecord {
        let id = BSONDocument.field("_id", in: document)
        switch reading(from: document, id: id) {
        case .success(let reading):
            return .reading(reading)
        case .failure(let error):
            let raw = BSONDocument.relaxedJSON(of: document, omittingFieldsWithPrefix: claimFieldPrefix)
            return .rejected(key: id.keyText, raw: raw, reason: error.reason)
        }
    }

    private static func reading(
        from document: OpaquePointer, id: BSONDocument.FieldValue
    ) -> Result<Reading, ReadingDecodeError> {
        var problems: [String] = []
        func string(_ key: String, _ value: BSONDocument.FieldValue) -> String {
            if case .string(let text) = value { return text }
            problems.append(problem(key, value))
            return ""
        }
        let idText = string("_id", id)
        let sensorID = string("sensor_id", BSONDocument.field("sensor_id", in: document))
        let sensorType = string("sensor_type", BSONDocument.field("sensor_type", in: document))

        var value = Reading.RawValue.null
        switch BSONDocument.field("value", in: document) {
        case .null: break
        case .double(let number): value = .number(number)
        // Exact up to 2^53, far beyond any sensor's range.
        case .integer(let number): value = .number(Double(number))
        case let other: problems.append(problem("value", other))
        }

        var time = StoredTime.text("")
        switch BSONDocument.field("ts", in: document) {
        case .date(let milliseconds): time = .typed(Timestamp(milliseconds: milliseconds))
        case .string(let text): time = .text(text)
        case let other: problems.append(problem("ts", other))
        }

        let app = string("app", BSONDocument.field("app", in: document))
        guard problems.isEmpty else { return .failure(ReadingDecodeError(problems.joined(separator: "; "))) }
        switch time {
        case .typed(let timestamp):
            return Reading.validated(
                id: idText, sensorID: sensorID, sensorType: sensorType, value: value, timestamp: timestamp, app: app)
        case .text(let text):
            return Reading.validated(
                id: idText, sensorID: sensorID, sensorType: sensorType, value: value, timestamp: text, app: app)
        }
    }

    /// `field 'value' is a string`, `field 'ts' is missing`.
    private static func problem(_ key: String, _ value: BSONDocument.FieldValue) -> String {
        let type: String
        switch value {
        case .missing: return "field '\(key)' is missing"
        case .null: type = "null"
        case .string: type = "string"
        case .double: type = "double"
        case .integer: type = "integer"
        case .date: type = "date"
        case .objectID: type = "objectId"
        case .other(let typeName): type = typeName
        }
        if type == "null" { return "field '\(key)' is null" }
        let article = "aeiou".contains(type.first!) ? "an" : "a"
        return "field '\(key)' is \(article) \(type)"
    }
}

extension BSONDocument.FieldValue {
    /// An `_id` as the key of a rejected record: its text for the types that have an obvious one.
    var keyText: String? {
        switch self {
        case .string(let text), .objectID(let text): text
        case .integer(let number): String(number)
        case .double(let number): String(number)
        default: nil
        }
    }
}
