/// One sensor reading: the unit that flows through every sink, source and job.
public struct Reading: Sendable, Equatable {
    /// Unique id (UUID version 7), the idempotency key everywhere.
    public var id: ReadingID
    /// e.g. `temperature-007`.
    public var sensorID: String
    /// e.g. `temperature`.
    public var sensorType: String
    /// The measured value; `nil` when a burned sensor returned nothing.
    public var value: Double?
    /// When the reading was made, UTC, milliseconds since the Unix epoch.
    public var timestamp: Timestamp
    /// Name of the app that generated the reading.
    public var app: String

    public init(
        id: ReadingID, sensorID: String, sensorType: String, value: Double?, timestamp: Timestamp, app: String
    ) {
        self.id = id
        self.sensorID = sensorID
        self.sensorType = sensorType
        self.value = value
        self.timestamp = timestamp
        self.app = app
    }

    /// The column / field names, in the order of every tabular encoding (CSV header, COPY column list).
    public static let fieldNames = ["id", "sensor_id", "sensor_type", "value", "ts", "app"]
}

extension Reading: CustomStringConvertible {
    /// One compact line, for logs and test failures.
    public var description: String {
        "\(id) \(sensorID) \(value.map(String.init(describing:)) ?? "null") \(timestamp) \(app)"
    }
}
