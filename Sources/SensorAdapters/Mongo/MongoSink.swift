import SensorCore

/// Writes readings into the MongoDB collection `sensor_readings`, one document per reading:
/// `{_id: "<uuid>", sensor_id, sensor_type, value: double|null, ts: date, app}`.
///
/// The reading id is the `_id`, so writing a reading twice is rejected by the server (E11000) instead of
/// storing a duplicate. Each batch is one unordered bulk insert: every new reading of a batch is stored even
/// when others in it already exist, and the error says how many were inserted.
public final class MongoSink: Sink {
    public static let collectionName = "sensor_readings"

    public let name = SinkKind.mongo.rawValue
    public private(set) var durableCount = 0
    /// Released by `finish`.
    private var client: MongoClient?
    /// The canonical id text of the reading being encoded, reused to avoid a String per reading.
    private var idBytes: [UInt8] = []

    /// Connects and pings the database named by the URL's path (default `sensorctl`), so that an unreachable
    /// server fails here, within about 5 seconds, with an `.unavailable` error.
    public init(config: SensorConfig, options: SinkOptions) throws(SensorError) {
        let client = try MongoClient(url: config.mongoURL)
        try client.ping()
        self.client = client
        idBytes.reserveCapacity(36)
    }

    /// Inserts the batch with one unordered bulk write. On failure the error carries the number of readings
    /// inserted and the first write error (e.g. `code 11000: E11000 duplicate key error …`).
    public func write(_ batch: [Reading]) throws(SensorError) {
        guard !batch.isEmpty else { return }
        guard let client else {
            throw SensorError(.failure, service: name, "write after finish")
        }
        try client.insertUnordered(into: Self.collectionName, count: batch.count) { index, document in
            encode(batch[index], into: document)
        }
        durableCount += batch.count
    }

    /// Nothing is buffered between batches: this only releases the connection.
    public func finish() throws(SensorError) {
        client = nil
    }

    private func encode(_ reading: Reading, into document: BSONDocument) {
        idBytes.removeAll(keepingCapacity: true)
        reading.id.write(into: &idBytes)
        idBytes.withUnsafeBufferPointer { document.append("_id", utf8: $0) }
        document.append("sensor_id", string: reading.sensorID)
        document.append("sensor_type", string: reading.sensorType)
        document.append("value", double: reading.value)
        document.append("ts", dateMilliseconds: reading.timestamp.milliseconds)
        document.append("app", string: reading.app)
    }
}
