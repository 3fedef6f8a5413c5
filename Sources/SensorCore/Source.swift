/// Where `produce` reads readings from, resumably: one adapter per database (PostgreSQL, MongoDB).
///
/// The producer drives a source in a loop: `resume` once with the last checkpoint committed to Kafka, then
/// `nextBatch` → (readings and checkpoint committed to Kafka in one transaction) → `committed`. A source
/// must never skip a record that becomes visible later (out-of-order commits, concurrent writers) and must
/// make every record part of exactly one committed batch.
public protocol Source: AnyObject {
    /// `postgres` or `mongo`; also the `source` field of every produced message.
    var name: String { get }
    /// Restores the position from the last committed checkpoint (nil: from the beginning), repairing what an
    /// interrupted run left half-done.
    func resume(from checkpoint: [UInt8]?) throws(SensorError)
    /// Up to `limit` records after the current position; empty when the source has nothing more yet.
    func nextBatch(limit: Int) throws(SensorError) -> SourceBatch
    /// The batch and its checkpoint were committed to Kafka: move past them.
    func committed(_ batch: SourceBatch) throws(SensorError)
    /// Why records that already exist cannot be sent yet (nil when none wait), so that a run which sends less
    /// than the user expects says so.
    func waiting() throws(SensorError) -> String?
}

/// What a source returns for one stored record.
public enum SourceRecord: Sendable, Equatable {
    case reading(Reading)
    /// Not a valid reading: dead-lettered with the reason, never dropped silently.
    case rejected(key: String?, raw: String, reason: String)
}

/// Records and the source position just after them.
public struct SourceBatch: Sendable {
    public var records: [SourceRecord]
    /// Opaque (JSON) position, stored in Kafka in the same transaction as the records.
    public var checkpoint: [UInt8]

    public init(records: [SourceRecord], checkpoint: [UInt8]) {
        self.records = records
        self.checkpoint = checkpoint
    }

    public var isEmpty: Bool { records.isEmpty }
}

/// The sources `produce` knows.
public enum SourceKind: String, CaseIterable, Sendable {
    case postgres, mongo
}
