import CMongoC
import SensorCore

/// Reads `sensor_readings` for `produce --from mongo`, exactly once into Kafka.
///
/// Plain inserts have no server-side commit order, and generators insert concurrently, so "everything after
/// the last `_id` read" would miss a document committed late with a smaller `_id`. Instead batch K claims
/// its documents by setting the claim field (`sensorctl_batch_<topic>`) to K, and the checkpoint committed to
/// Kafka with the batch is `{"batch":K}`. Claims above the last committed batch were never committed (crash,
/// aborted transaction): `resume` returns them to the pool. One claim field per topic keeps producers to
/// different topics independent.
public final class MongoSource: Source {
    public let name = SourceKind.mongo.rawValue
    /// The field that marks a document as claimed by a batch of the producer to this topic.
    public let claimField: String
    private let client: MongoClient
    /// The batch number committed last; nil until `resume`.
    private var lastCommitted: Int64?

    /// How often `nextBatch` claims again when a concurrent claimer took every candidate it found.
    private static let claimAttempts = 3

    /// Connects and pings the database named by the URL's path (default `sensorctl`), so that an unreachable
    /// server fails here, within about 5 seconds, with an `.unavailable` error.
    public init(config: SensorConfig) throws(SensorError) {
        let client = try MongoClient(url: config.mongoURL)
        try client.ping()
        self.client = client
        claimField = Self.claimField(topic: config.topic)
    }

    /// `sensorctl_batch_` + the topic with every character other than an ASCII letter, digit or `_` replaced
    /// by `_`: a plain field name (no `.` path separators, no leading `$`) for any topic.
    public static func claimField(topic: String) -> String {
        "sensorctl_batch_" + String(topic.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
    }

    /// Unclaims every document claimed after the checkpoint's batch (all of them for nil: a first run or
    /// `--from-beginning`), since no such batch was committed to Kafka.
    public func resume(from checkpoint: [UInt8]?) throws(SensorError) {
        let committed = try checkpoint.map(Self.batchNumber(in:)) ?? 0
        let filter = BSONDocument()
        filter.append(field: claimField) { condition in
            if checkpoint == nil {
                condition.append("$exists", bool: true)
            } else {
                condition.append(field: "$gt", int64: committed)
            }
        }
        let update = BSONDocument()
        update.append(field: "$unset") { $0.append(field: claimField, string: "") }
        try client.updateMany(
            in: MongoSink.collectionName, filter: filter, update: update, doing: "unclaim uncommitted batches")
        lastCommitted = committed
    }

    /// Batch K = last committed + 1. If K was already claimed but not committed (a retry after an aborted
    /// transaction), the same documents come back; otherwise up to `limit` unclaimed documents, lowest `_id`
    /// first, are claimed for K. The batch is read back as every document claimed for K, so a concurrent
    /// claimer's documents are never ours, and nothing claimed for K is left out (it would stay claimed by a
    /// committed batch forever).
    public func nextBatch(limit: Int) throws(SensorError) -> SourceBatch {
        guard let lastCommitted else {
            throw SensorError(.failure, service: name, "nextBatch called before resume")
        }
        let batch = lastCommitted + 1
        var records = try claimed(by: batch, expected: limit)
        var attempt = 0
        while records.isEmpty && limit > 0 && attempt < Self.claimAttempts {
            attempt += 1
            let (ids, count) = try unclaimedIDs(limit: limit)
            guard count > 0 else { break }
            let filter = BSONDocument()
            filter.append(field: "_id") { $0.append(field: "$in", array: ids) }
            // Re-checked per document on the server: what another claimer took since the find stays its own.
            filter.append(field: claimField) { $0.append("$exists", bool: false) }
            let update = BSONDocument()
            update.append(field: "$set") { $0.append(field: claimField, int64: batch) }
            try client.updateMany(in: MongoSink.collectionName, filter: filter, update: update, doing: "claim batch")
            records = try claimed(by: batch, expected: count)
        }
        // Nothing claimed: no batch number is used up and there is nothing to checkpoint.
        return SourceBatch(records: records, checkpoint: records.isEmpty ? [] : Self.checkpoint(batch))
    }

    /// Nothing waits: every unclaimed document is eligible for the next batch, whenever it was inserted.
    public func waiting() throws(SensorError) -> String? { nil }

    /// The batch's checkpoint is committed: the next batch gets the next number.
    public func committed(_ batch: SourceBatch) throws(SensorError) {
        // An empty batch claimed nothing and carries no checkpoint.
        guard !batch.checkpoint.isEmpty else { return }
        lastCommitted = try Self.batchNumber(in: batch.checkpoint)
    }

    /// The `_id`s (as a BSON array, any type) of up to `limit` unclaimed documents, lowest first.
    private func unclaimedIDs(limit: Int) throws(SensorError) -> (ids: BSONDocument, count: Int) {
        let filter = BSONDocument()
        filter.append(field: claimField) { $0.append("$exists", bool: false) }
        let options = MongoClient.FindOptions(sortAscending: ["_id"], limit: limit, batchSize: limit, fields: ["_id"])
        let ids = BSONDocument()
        var count = 0
        try client.find(in: MongoSink.collectionName, filter: filter, options: options) { document in
            BSONDocument.withStorage { iterator in
                guard bson_iter_init_find(iterator, document, "_id") else { return }
                ids.append(field: String(count), valueAt: iterator)
                count += 1
            }
        }
        return (ids, count)
    }

    /// Every document claimed by `batch`, by `_id`, as records.
    private func claimed(by batch: Int64, expected: Int) throws(SensorError) -> [SourceRecord] {
        let filter = BSONDocument()
        filter.append(field: claimField, int64: batch)
        let options = MongoClient.FindOptions(sortAscending: ["_id"], batchSize: max(expected, 1))
        var records: [SourceRecord] = []
        records.reserveCapacity(expected)
        try client.find(in: MongoSink.collectionName, filter: filter, options: options) { document in
            records.append(Self.record(from: document))
        }
        return records
    }

    static func checkpoint(_ batch: Int64) -> [UInt8] { Array("{\"batch\":\(batch)}".utf8) }

    /// The batch number of a checkpoint written by `checkpoint(_:)`: exactly one member, `batch`, a
    /// non-negative integer.
    static func batchNumber(in checkpoint: [UInt8]) throws(SensorError) -> Int64 {
        let text = String(decoding: checkpoint, as: UTF8.self)
        func malformed(_ problem: String) -> SensorError {
            SensorError(.data, service: "mongo", "malformed checkpoint '\(text)': \(problem) (expected {\"batch\":N})")
        }
        guard let members = FlatJSONObject.parse(text) else { throw malformed("not a JSON object") }
        guard case .number(let number)? = members["batch"] else {
            throw malformed(members["batch"] == nil ? "no member 'batch'" : "'batch' is not a number")
        }
        let extra = members.keys.filter { $0 != "batch" }.sorted()
        guard extra.isEmpty else { throw malformed("unexpected member(s) \(extra.joined(separator: ", "))") }
        // Doubles are exact integers up to 2^53, far more batches than any producer will commit.
        guard number >= 0, number <= 9_007_199_254_740_992, let batch = Int64(exactly: number) else {
            throw malformed("'batch' is not a non-negative integer")
        }
        return batch
    }
}
