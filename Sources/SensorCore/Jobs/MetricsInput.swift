/// Where a metrics job reads from: the readings topic through a consumer group, or the files under the
/// HDFS root. The job loop is the same for both: `next` → `MetricLedger.commit` → `committed`.
public protocol MetricsInput: AnyObject {
    /// `kafka` or `hdfs`.
    var service: String { get }
    /// Starts reading. `storedPositions` answers where each source unit stands in the ledger; the input asks
    /// again whenever it is given new units (a consumer-group rebalance) and after `rewind`.
    func open(storedPositions: @escaping () throws(SensorError) -> [String: SourcePosition]) throws(SensorError)
    /// Up to `limit` records, waiting at most `maxWait` for them; an empty batch when nothing came.
    func next(limit: Int, maxWait: Duration) throws(SensorError) -> InputBatch
    /// The batch was committed: its positions are now the stored ones.
    func committed(_ batch: InputBatch)
    /// The batch was not committed: go back to the stored positions.
    func rewind() throws(SensorError)
    /// Whether everything the source held when it was last asked has been returned (`--until-idle`).
    var isCaughtUp: Bool { get }
    /// Leaves the source (a consumer group: hands the partitions back at once).
    func close()
}

/// What an input returns for one batch.
public struct InputBatch: Sendable {
    public var readings: [Reading]
    public var rejects: [JobReject]
    /// Per source unit touched: the stored position the batch starts at and the one just after it.
    public var advances: [PositionAdvance]

    public init(readings: [Reading] = [], rejects: [JobReject] = [], advances: [PositionAdvance] = []) {
        self.readings = readings
        self.rejects = rejects
        self.advances = advances
    }

    /// Nothing to commit: no record and no position moved.
    public var isEmpty: Bool { readings.isEmpty && rejects.isEmpty && advances.isEmpty }
}
