import SensorCore

/// One database as a side of `job migrate`: read as the source in id order, written as the target.
///
/// Positions are reading ids as text (the source's key of the last record read). The source is read by keyset
/// pagination (`id > position`), never by offsets, so a batch costs the same at any depth of the table.
public protocol MigrationEndpoint: AnyObject {
    /// `postgres` or `mongo`.
    var service: String { get }

    /// Up to `limit` stored records with a key above `position` (nil: from the first), in key order, and the
    /// key of the last one (nil when there are none).
    func records(after position: String?, limit: Int) throws(SensorError) -> (records: [SourceRecord], last: String?)

    /// Up to `limit` stored reading ids above `position`, ascending by their UTF-8 bytes (for `--verify`).
    func storedIDs(after position: String?, limit: Int) throws(SensorError) -> [String]

    /// Stores one batch as the target: inserts the readings not yet present, sets the rejects aside and
    /// saves the checkpoint. Returns how many readings were new.
    func store(_ batch: MigrationBatch, job: String) throws(SensorError) -> Int

    /// The saved position of `job`, if a pass was interrupted.
    func checkpoint(job: String) throws(SensorError) -> String?

    /// Forgets `job`'s position: the pass is complete.
    func clearCheckpoint(job: String) throws(SensorError)

    /// Inserts or replaces the job-run record with this id.
    func record(_ run: JobRun) throws(SensorError)
}

/// What the target stores for one source batch.
public struct MigrationBatch: Sendable {
    public var readings: [Reading]
    public var rejects: [MigrationReject]
    /// The source key of the batch's last record: the checkpoint saved with it.
    public var position: String

    public init(readings: [Reading], rejects: [MigrationReject], position: String) {
        self.readings = readings
        self.rejects = rejects
        self.position = position
    }
}

/// A source record that is not a valid reading, set aside in the target's `migration_rejects`.
public struct MigrationReject: Sendable {
    public var key: String?
    public var raw: String
    public var reason: String

    public init(key: String?, raw: String, reason: String) {
        self.key = key
        self.raw = raw
        self.reason = reason
    }
}

extension Adapters {
    /// Connects to one side of a migration; an unreachable database fails here with `.unavailable`.
    public static func migrationEndpoint(_ kind: SourceKind, config: SensorConfig) throws(SensorError)
        -> any MigrationEndpoint
    {
        switch kind {
        case .postgres: try PostgresMigration(config: config)
        case .mongo: try MongoMigration(config: config)
        }
    }
}
