/// Where jobs keep their outputs: metrics, rejects, the HDFS manifest and job runs. Every job writes to
/// every store (PostgreSQL and MongoDB); readers (the dashboard, `sensorctl metrics`) may use either.
///
/// Writes are idempotent by construction: rows carry a version and a store keeps the highest, rejects and
/// manifest rows are keyed by their origin, so a replayed write never double counts.
public protocol MetricStore: AnyObject {
    /// `postgres` or `mongo`.
    var service: String { get }
    /// Stores the rows of `output` whose version is newer than what is stored, the rejects not yet stored,
    /// and the manifest rows.
    func save(_ output: MetricsOutput) throws(SensorError)
    /// Replaces the summary rows.
    func saveSummary(_ rows: [SummaryRow]) throws(SensorError)
    /// Every sensor's row, by sensor id.
    func sensors() throws(SensorError) -> [SensorMetricsRow]
    /// The summary rows: overall first, then by type.
    func summary() throws(SensorError) -> [SummaryRow]
    /// The series buckets starting at or after `since` (nil: all), by type and time.
    func series(since: Timestamp?) throws(SensorError) -> [SeriesRow]
    /// Inserts or replaces the job-run record with this id.
    func record(_ run: JobRun) throws(SensorError)
    /// The versions of what is stored, to find what a resync must copy.
    func storedVersions() throws(SensorError) -> StoredVersions
}

/// The store that orders all writers and remembers where each source stands: the batch's metric changes
/// and its source positions are committed in one transaction, so a batch counts exactly once.
public protocol MetricLedger: MetricStore {
    /// Merges `delta` into the stored state, sets its rejects aside and advances its positions, atomically;
    /// or, when a stored position is no longer the advance's `previous`, writes nothing and says so.
    func commit(_ delta: MetricsDelta, rules: HealthRules) throws(SensorError) -> LedgerCommit
    /// The stored positions of `job` (keyed by origin).
    func positions(job: String) throws(SensorError) -> [String: SourcePosition]
    /// Every sensor and manifest row, for a resync of a store that missed writes.
    func everything() throws(SensorError) -> MetricsOutput
}

/// The outcome of `MetricLedger.commit`.
public enum LedgerCommit: Sendable {
    /// Committed; the rows as stored now, for the other stores.
    case committed(MetricsOutput)
    /// Refused, nothing written: another consumer (or an earlier run) moved the position of `origin` first.
    case conflict(origin: String)
}
