import CMongoC
import SensorCore

/// Reads and updates by filter. Filters and updates are BSON documents built field by field with libbson,
/// never JSON text with values spliced in, so no stored value or configured name can change a query's shape.
extension MongoClient {
    /// The options of `find`, turned into libmongoc's options document in one place.
    struct FindOptions {
        /// Fields to sort by, ascending, in order.
        var sortAscending: [String] = []
        var limit: Int?
        /// Documents per server reply; the server's default first batch is 101.
        var batchSize: Int?
        /// Return only these fields (and `_id`); nil returns whole documents.
        var fields: [String]?

        fileprivate func document() -> BSONDocument {
            let options = BSONDocument()
            if !sortAscending.isEmpty { options.append("sort", ascending: sortAscending) }
            if let limit { options.append(field: "limit", int64: Int64(limit)) }
            if let batchSize { options.append(field: "batchSize", int64: Int64(batchSize)) }
            if let fields {
                // Int32: the MongoDB stand-in (mongoeco) rejects Int64 projection values.
                options.append(field: "projection") { projection in
                    for field in fields { projection.append(field: field, int32: 1) }
                }
            }
            return options
        }
    }

    /// Runs a find on `collectionName` and lends each matching document to `visit`, in cursor order.
    ///
    /// Ownership: each document belongs to the cursor and is valid only during its `visit` call (libmongoc
    /// reuses the buffer for the next one); copy what must outlive it. The cursor is destroyed before return,
    /// also when `visit` throws.
    func find(
        in collectionName: String, filter: BSONDocument, options: FindOptions,
        _ visit: (OpaquePointer) throws(SensorError) -> Void
    ) throws(SensorError) {
        let optionsDocument = options.document()
        try withCollection(collectionName) { collection throws(SensorError) in
            let cursor = mongoc_collection_find_with_opts(collection, filter.pointer, optionsDocument.pointer, nil)!
            defer { mongoc_cursor_destroy(cursor) }
            var document: OpaquePointer?
            while mongoc_cursor_next(cursor, &document), let document { try visit(document) }
            var error = bson_error_t()
            if mongoc_cursor_error(cursor, &error) { throw self.error(error, doing: "find in \(collectionName)") }
        }
    }

    /// Applies `update` to every document matching `filter` (`updateMany`). Each document is updated
    /// atomically on the server, so a filter that re-checks a condition (`{x: {$exists: false}}`) makes the
    /// update conditional per document. Returns how many matched and how many changed.
    @discardableResult
    func updateMany(
        in collectionName: String, filter: BSONDocument, update: BSONDocument, doing action: String
    ) throws(SensorError) -> (matched: Int64, modified: Int64) {
        try withCollection(collectionName) { collection throws(SensorError) in
            var error = bson_error_t()
            let counts = BSONDocument.withReply { reply -> (Int64, Int64)? in
                guard mongoc_collection_update_many(collection, filter.pointer, update.pointer, nil, reply, &error)
                else { return nil }
                return (
                    BSONDocument.int64(in: reply, at: "matchedCount") ?? 0,
                    BSONDocument.int64(in: reply, at: "modifiedCount") ?? 0
                )
            }
            guard let counts else { throw self.error(error, doing: action) }
            return counts
        }
    }
}
