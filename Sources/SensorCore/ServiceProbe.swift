/// A service's health check and idempotent setup, one per service (PostgreSQL, MongoDB, Kafka, HDFS).
public protocol ServiceProbe {
    var service: ServiceKind { get }
    /// The endpoint, redacted, for messages.
    var endpoint: String { get }
    /// Performs the operation sensorctl really uses against the service and returns a short detail
    /// (e.g. "table sensor_readings present"). Gives up within about 5 seconds.
    func check() throws(SensorError) -> String
    /// Creates whatever is missing and reports each object, created or already present.
    func setup() throws(SensorError) -> [SetupStep]
}

/// One object `setup` is responsible for.
public struct SetupStep: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case created
        case present = "already present"
        /// The service does not allow sensorctl to create it (e.g. a broker without topic creation).
        case skipped
    }

    public var object: String
    public var outcome: Outcome
    public var note: String?

    public init(_ object: String, _ outcome: Outcome, note: String? = nil) {
        self.object = object
        self.outcome = outcome
        self.note = note
    }
}

/// What a sink needs to know besides the endpoints.
public struct SinkOptions: Sendable {
    /// Rotate HDFS files after this many rows.
    public var fileRows: Int
    /// Unique per run; names files so that two generators never collide.
    public var runID: String

    public init(fileRows: Int = 100_000, runID: String) {
        self.fileRows = fileRows
        self.runID = runID
    }
}
