/// Why a line or document is not a valid reading.
public struct ReadingDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension Reading {
    /// How a value arrived in its source encoding.
    public enum RawValue: Sendable {
        case null, number(Double), text(String)
    }

    /// Validates decoded fields into a Reading. Every codec and source goes through here so that "valid
    /// reading" means one thing: a UUID id, non-empty sensor id and type, an RFC 3339 ts, and a finite
    /// number or null as the value (-1 and null are valid: they are burned sensors, not bad data).
    public static func validated(
        id: String, sensorID: String, sensorType: String, value: RawValue, timestamp: String, app: String
    ) -> Result<Reading, ReadingDecodeError> {
        guard let ts = Timestamp(rfc3339: timestamp) else { return .failure(.init("invalid ts '\(timestamp)'")) }
        return validated(id: id, sensorID: sensorID, sensorType: sensorType, value: value, timestamp: ts, app: app)
    }

    /// The same rules for sources whose timestamps are already typed (nil: missing or not a finite time).
    public static func validated(
        id: String, sensorID: String, sensorType: String, value: RawValue, timestamp: Timestamp?, app: String
    ) -> Result<Reading, ReadingDecodeError> {
        guard let readingID = ReadingID(id) else { return .failure(.init("invalid id '\(id)'")) }
        guard !sensorID.isEmpty else { return .failure(.init("empty sensor_id")) }
        guard !sensorType.isEmpty else { return .failure(.init("empty sensor_type")) }
        guard let ts = timestamp else { return .failure(.init("missing or invalid ts")) }
        let number: Double?
        switch value {
        case .null: number = nil
        case .number(let parsed): number = parsed
        case .text(let text):
            guard let parsed = Double(text) else { return .failure(.init("invalid value '\(text)'")) }
            number = parsed
        }
        if let number, !number.isFinite { return .failure(.init("value is not a finite number")) }
        return .success(
            Reading(id: readingID, sensorID: sensorID, sensorType: sensorType, value: number, timestamp: ts, app: app))
    }
}
