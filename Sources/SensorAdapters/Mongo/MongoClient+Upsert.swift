import CMongoC
import SensorCore

/// Single-document writes by `_id`, for bookkeeping collections (checkpoints, job runs).
extension MongoClient {
    /// Replaces the document with this `_id`, inserting it when absent (`replaceOne` with `upsert: true`).
    /// `fill` builds the whole replacement, `_id` included.
    func upsert(
        into collectionName: String, id: String, _ fill: (BSONDocument) -> Void
    ) throws(SensorError) {
        let selector = BSONDocument()
        selector.append("_id", string: id)
        let replacement = BSONDocument()
        fill(replacement)
        let options = BSONDocument()
        options.append("upsert", bool: true)
        try withCollection(collectionName) { collection throws(SensorError) in
            var error = bson_error_t()
            let ok = BSONDocument.withReply { reply in
                mongoc_collection_replace_one(
                    collection, selector.pointer, replacement.pointer, options.pointer, reply, &error)
            }
            if !ok { throw self.error(error, doing: "upsert into \(collectionName)") }
        }
    }

    /// Deletes the document with this `_id`, if any.
    func delete(from collectionName: String, id: String) throws(SensorError) {
        let selector = BSONDocument()
        selector.append("_id", string: id)
        try withCollection(collectionName) { collection throws(SensorError) in
            var error = bson_error_t()
            let ok = BSONDocument.withReply { reply in
                mongoc_collection_delete_one(collection, selector.pointer, nil, reply, &error)
            }
            if !ok { throw self.error(error, doing: "delete from \(collectionName)") }
        }
    }
}
