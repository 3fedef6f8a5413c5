import SensorCore

/// Writes readings into `sensor_readings` with one `COPY … FROM STDIN` per batch (one transaction each).
public final class PostgresSink: Sink {
    public let name = SinkKind.postgres.rawValue
    private let connection: PostgresConnection
    /// Reused across batches so encoding does not allocate per batch.
    private var buffer: [UInt8] = []

    public init(config: SensorConfig, options: SinkOptions) throws(SensorError) {
        connection = try PostgresConnection(url: config.postgresURL)
    }

    public func write(_ batch: [Reading]) throws(SensorError) {
        guard !batch.isEmpty else { return }
        buffer.removeAll(keepingCapacity: true)
        for reading in batch { PostgresCopyEncoder.append(reading, to: &buffer) }
        let copied = try connection.copyIn(PostgresSchema.copyReadings, data: buffer)
        guard copied == batch.count else {
            throw SensorError(
                .io, service: "postgres", endpoint: connection.endpoint,
                "COPY stored \(copied) of \(batch.count) readings")
        }
    }

    public func finish() throws(SensorError) {}
}
