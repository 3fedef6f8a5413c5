import CMongoC
import SensorCore

/// Conditional whole-document writes for stores that keep "the newest" of each row: one unordered bulk write
/// of `replaceOne(filter, document, {upsert: true})` per row, and filtered deletes.
extension MongoClient {
    /// Replaces each row's document when its filter matches, inserting it when its `_id` is absent, as ONE
    /// unordered bulk write (one round trip; libmongoc splits batches above the server's limit).
    ///
    /// `build(i, filter, replacement)` fills row `i`'s filter — `_id` equality plus a condition such as
    /// `version: {$lt: v}` — and its whole replacement document. When the `_id` exists but the condition fails
    /// (the stored row is newer), the upsert tries to insert a second document with that `_id` and the server
    /// answers duplicate key (11000): that is the "keep the stored one" outcome, not an error. Any other write
    /// error fails. Returns how many documents were inserted or replaced.
    @discardableResult
    func replaceWhere(
        in collectionName: String, count: Int, _ build: (Int, BSONDocument, BSONDocument) -> Void
    ) throws(SensorError) -> Int {
        guard count > 0 else { return 0 }
        let options = BSONDocument()
        options.append("ordered", bool: false)
        let upsert = BSONDocument()
        upsert.append("upsert", bool: true)
        let (filter, replacement) = (BSONDocument(), BSONDocument())
        return try withCollection(collectionName) { collection throws(SensorError) in
            let bulk = mongoc_collection_create_bulk_operation_with_opts(collection, options.pointer)!
            defer { mongoc_bulk_operation_destroy(bulk) }
            var error = bson_error_t()
            for index in 0..<count {
                filter.reset()
                replacement.reset()
                build(index, filter, replacement)
                // libmongoc copies both documents into the bulk's buffer, so they are reused for the next row.
                guard
                    mongoc_bulk_operation_replace_one_with_opts(
                        bulk, filter.pointer, replacement.pointer, upsert.pointer, &error)
                else { throw self.error(error, doing: "replace in \(collectionName)") }
            }
            var outcome: Result<Int, SensorError> = .success(0)
            BSONDocument.withReply { reply in
                let succeeded = mongoc_bulk_operation_execute(bulk, reply, &error) != 0
                let summary = BulkReply(reply)
                outcome = .success(summary.written)
                guard !succeeded else { return }
                if let failure = summary.firstFailure(toleratingDuplicates: true) {
                    outcome = .failure(
                        SensorError(
                            .io, service: Self.service, endpoint: endpoint,
                            "replace in \(collectionName): \(summary.written) of \(count) written; \(failure)"))
                } else if !summary.hasWriteErrors {
                    outcome = .failure(self.error(error, doing: "replace in \(collectionName)"))
                }
            }
            return try outcome.get()
        }
    }

    /// Deletes every document matching `filter` (`deleteMany`); returns how many were deleted.
    @discardableResult
    func deleteMany(from collectionName: String, filter: BSONDocument) throws(SensorError) -> Int64 {
        try withCollection(collectionName) { collection throws(SensorError) in
            var error = bson_error_t()
            let deleted = BSONDocument.withReply { reply -> Int64? in
                guard mongoc_collection_delete_many(collection, filter.pointer, nil, reply, &error) else { return nil }
                return BSONDocument.int64(in: reply, at: "deletedCount") ?? 0
            }
            guard let deleted else { throw self.error(error, doing: "delete from \(collectionName)") }
            return deleted
        }
    }
}

/// The counts and write errors of a bulk write's reply (libmongoc's merged reply of every batch it sent).
private struct BulkReply {
    /// Inserted, upserted or modified documents.
    let written: Int
    /// Each write error's code and message, in reply order.
    let writeErrors: [(code: Int64, message: String)]

    init(_ reply: OpaquePointer) {
        let count = { (field: String) in Int(BSONDocument.int64(in: reply, at: field) ?? 0) }
        // nMatched counts matched documents even when the replacement equals the stored one; nModified
        // would leave those out, but they are stored as asked all the same.
        written = count("nInserted") + count("nUpserted") + count("nMatched")
        // One pass over the array: a replay of a large batch can answer thousands of duplicate keys.
        var errors: [(Int64, String)] = []
        BSONDocument.withStorage { list in
            BSONDocument.withStorage { entry in
                guard bson_iter_init_find(list, reply, "writeErrors"), bson_iter_recurse(list, entry) else { return }
                while bson_iter_next(entry), bson_iter_type(entry) == BSON_TYPE_DOCUMENT {
                    var length: UInt32 = 0
                    var bytes: UnsafePointer<UInt8>?
                    bson_iter_document(entry, &length, &bytes)
                    BSONDocument.withStorage { error in
                        // A read-only view of the element's bytes, which the reply owns.
                        guard let bytes, bson_init_static(error, bytes, Int(length)) else { return }
                        errors.append(
                            (
                                BSONDocument.int64(in: error, at: "code") ?? 0,
                                BSONDocument.string(in: error, at: "errmsg") ?? ""
                            ))
                    }
                }
            }
        }
        writeErrors = errors
    }

    var hasWriteErrors: Bool { !writeErrors.isEmpty }

    /// A description of the write errors that are failures (all of them, or all but duplicate keys); nil if none.
    func firstFailure(toleratingDuplicates: Bool) -> String? {
        let failures = writeErrors.filter { !(toleratingDuplicates && $0.code == Self.duplicateKey) }
        guard let first = failures.first else { return nil }
        return "\(failures.count) write error(s), first: code \(first.code): \(first.message)"
    }

    static let duplicateKey: Int64 = 11000
}
