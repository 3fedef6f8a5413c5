/// Where readings go. One adapter per system (PostgreSQL, MongoDB, HDFS CSV/JSON, Kafka), one file each.
///
/// A sink is opened (connected) by its initializer, receives batches in order, and is finished once.
/// Errors are `SensorError`s that name the service and a redacted endpoint.
public protocol Sink: AnyObject {
    /// The name used on the command line and in summaries (`postgres`, `hdfs-csv`, …).
    var name: String { get }
    /// Writes one batch durably enough that `finish` only has to flush what the sink still buffers.
    func write(_ batch: [Reading]) throws(SensorError)
    /// Flushes buffers and makes the output visible (file renames, outstanding Kafka deliveries).
    func finish() throws(SensorError)
    /// Readings the service has durably accepted so far: committed rows, inserted documents, rows of
    /// published files, acknowledged messages. After a failure it tells how much landed.
    var durableCount: Int { get }
}

/// The sinks `generate` knows, in the order they are listed in help.
public enum SinkKind: String, CaseIterable, Sendable {
    case postgres
    case mongo
    case hdfsCSV = "hdfs-csv"
    case hdfsJSON = "hdfs-json"
    case kafka

    /// The service behind the sink, as named in errors and `check`.
    public var service: ServiceKind {
        switch self {
        case .postgres: .postgres
        case .mongo: .mongo
        case .hdfsCSV, .hdfsJSON: .hdfs
        case .kafka: .kafka
        }
    }
}

/// The external services sensorctl talks to.
public enum ServiceKind: String, CaseIterable, Sendable {
    case postgres, mongo, kafka, hdfs
}
