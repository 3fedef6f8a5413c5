import CMongoC
import SensorCore

/// MongoDB as a side of `job migrate`. As the target, readings are inserted with unordered bulk writes in
/// MongoSink's document shape; a duplicate `_id` (11000) means "already present", any other write error fails.
/// The batch, its rejects and its checkpoint are separate writes (MongoDB has no cheap multi-collection
/// commit here); all three are idempotent, so a crash between them only makes the rerun redo the batch.
public final class MongoMigration: MigrationEndpoint {
    static let checkpoints = "job_checkpoints"
    static let rejects = "migration_rejects"

    public let service = ServiceKind.mongo.rawValue
    private let client: MongoClient

    /// Connects and pings, so an unreachable server fails here with `.unavailable`.
    public init(config: SensorConfig) throws(SensorError) {
        client = try MongoClient(url: config.mongoURL)
        try client.ping()
    }

    public func records(after position: String?, limit: Int) throws(SensorError)
        -> (records: [SourceRecord], last: String?)
    {
        var records: [SourceRecord] = []
        var last: String?
        let options = MongoClient.FindOptions(sortAscending: ["_id"], limit: limit, batchSize: limit)
        try client.find(in: MongoSink.collectionName, filter: Self.idFilter(after: position), options: options) {
            document in
            records.append(MongoSource.record(from: document))
            last = BSONDocument.field("_id", in: document).keyText ?? last
        }
        return (records, last)
    }

    public func storedIDs(after position: String?, limit: Int) throws(SensorError) -> [String] {
        // `$gte ""` selects every string `_id` (MongoDB compares within one type); readings' ids are strings.
        let filter = position == nil ? Self.idFilter(atLeast: "") : Self.idFilter(after: position)
        let options = MongoClient.FindOptions(sortAscending: ["_id"], limit: limit, batchSize: limit, fields: ["_id"])
        var ids: [String] = []
        try client.find(in: MongoSink.collectionName, filter: filter, options: options) { document in
            if case .string(let id) = BSONDocument.field("_id", in: document) { ids.append(id) }
        }
        return ids
    }

    public func store(_ batch: MigrationBatch, job: String) throws(SensorError) -> Int {
        var copied = 0
        if !batch.readings.isEmpty {
            copied = try client.insertUnordered(
                into: MongoSink.collectionName, count: batch.readings.count, toleratingDuplicates: true
            ) { index, document in
                let reading = batch.readings[index]
                document.append("_id", string: reading.id.description)
                document.append("sensor_id", string: reading.sensorID)
                document.append("sensor_type", string: reading.sensorType)
                document.append("value", double: reading.value)
                document.append("ts", dateMilliseconds: reading.timestamp.milliseconds)
                document.append("app", string: reading.app)
            }
        }
        if !batch.rejects.isEmpty {
            let now = Timestamp.now().milliseconds
            // A deterministic `_id` per job and record: a rerun does not set the same record aside twice.
            try client.insertUnordered(into: Self.rejects, count: batch.rejects.count, toleratingDuplicates: true) {
                index, document in
                let reject = batch.rejects[index]
                document.append("_id", string: "\(job)|\(reject.key ?? reject.raw)")
                document.append("job", string: job)
                if let key = reject.key {
                    document.append("source_key", string: key)
                } else {
                    _ = bson_append_null(document.pointer, "source_key", -1)
                }
                document.append("record", string: reject.raw)
                document.append("reason", string: reject.reason)
                document.append("rejected_at", dateMilliseconds: now)
            }
        }
        try client.upsert(into: Self.checkpoints, id: job) { document in
            document.append("_id", string: job)
            document.append("position", string: batch.position)
            document.append("updated_at", dateMilliseconds: Timestamp.now().milliseconds)
        }
        return copied
    }

    public func checkpoint(job: String) throws(SensorError) -> String? {
        let filter = BSONDocument()
        filter.append("_id", string: job)
        var position: String?
        try client.find(in: Self.checkpoints, filter: filter, options: .init(limit: 1)) { document in
            position = BSONDocument.string(in: document, at: "position")
        }
        return position
    }

    public func clearCheckpoint(job: String) throws(SensorError) {
        try client.delete(from: Self.checkpoints, id: job)
    }

    public func record(_ run: JobRun) throws(SensorError) {
        try client.record(run)
    }

    /// `{_id: {$gt: position}}`, or `{}` (everything) for nil.
    private static func idFilter(after position: String?) -> BSONDocument {
        let filter = BSONDocument()
        if let position { filter.append(field: "_id") { $0.append(field: "$gt", string: position) } }
        return filter
    }

    private static func idFilter(atLeast position: String) -> BSONDocument {
        let filter = BSONDocument()
        filter.append(field: "_id") { $0.append(field: "$gte", string: position) }
        return filter
    }
}
