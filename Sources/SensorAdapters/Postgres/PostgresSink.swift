import SensorCore

/// Writes readings into `sensor_readings` through a streaming binary `COPY … FROM STDIN`.
///
/// Batches are streamed into one open COPY, which is committed every `commitRows` rows or `commitInterval`
/// seconds and at `finish`. Streaming lets the server insert while we generate the next batch, and few
/// commits mean few WAL flushes; the interval keeps a slow (`--rate`) run visible every second.
public final class PostgresSink: Sink {
    public let name = SinkKind.postgres.rawValue
    public private(set) var durableCount = 0
    static let commitRows = 100_000
    static let commitInterval = 1.0

    private let connection: PostgresConnection
    /// Reused across batches so encoding does not allocate per batch.
    private var buffer: [UInt8] = []
    private var openRows = 0
    private var openedAt = 0.0

    public init(config: SensorConfig, options: SinkOptions) throws(SensorError) {
        connection = try PostgresConnection(url: config.postgresURL)
    }

    public func write(_ batch: [Reading]) throws(SensorError) {
        guard !batch.isEmpty else { return }
        buffer.removeAll(keepingCapacity: true)
        if openRows == 0 {
            try connection.beginCopy(PostgresSchema.copyReadings)
            openedAt = MonotonicClock.seconds()
            PostgresBinaryCopyEncoder.appendHeader(to: &buffer)
        }
        for reading in batch { PostgresBinaryCopyEncoder.append(reading, to: &buffer) }
        try connection.putCopyData(buffer)
        openRows += batch.count
        if openRows >= Self.commitRows || MonotonicClock.seconds() - openedAt >= Self.commitInterval {
            try commit()
        }
    }

    public func finish() throws(SensorError) {
        if openRows > 0 { try commit() }
    }

    private func commit() throws(SensorError) {
        let rows = openRows
        openRows = 0
        buffer.removeAll(keepingCapacity: true)
        PostgresBinaryCopyEncoder.appendTrailer(to: &buffer)
        try connection.putCopyData(buffer)
        let copied = try connection.endCopy()
        guard copied == rows else {
            throw SensorError(.io, service: "postgres", endpoint: connection.endpoint, "COPY stored \(copied) of \(rows) readings")
        }
        durableCount += rows
    }
}
