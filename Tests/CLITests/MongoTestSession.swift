import CMongoC
import Foundation
import Testing

/// Plain libmongoc access to one test database, independent of sensorctl's adapter: documents go in and come
/// out as relaxed extended JSON, so tests can write what sensorctl never would (invalid readings).
/// Owns its `mongoc_client_t` (destroyed in deinit); collections and cursors live within one method call.
final class MongoTestSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let client: OpaquePointer
    private let database: String

    init(url: String) throws {
        mongoc_init()  // a no-op after the first call
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(url, &error) else { throw Failure(description: "bad URL") }
        defer { mongoc_uri_destroy(uri) }
        guard let client = mongoc_client_new_from_uri_with_error(uri, &error) else {
            throw Failure(description: "no client")
        }
        _ = mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2)
        database = mongoc_uri_get_database(uri).map { String(cString: $0) } ?? "sensorctl"
        self.client = client
    }

    deinit { mongoc_client_destroy(client) }

    /// Inserts one document given as extended JSON.
    func insert(_ json: String, into collectionName: String = "sensor_readings") throws {
        let document = try Self.document(json)
        defer { bson_destroy(document) }
        try withCollection(collectionName) { collection in
            var error = bson_error_t()
            guard mongoc_collection_insert_one(collection, document, nil, nil, &error) else {
                throw Failure(description: "insert failed: \(Self.text(error))")
            }
        }
    }

    /// Deletes the documents matching the extended-JSON filter.
    func delete(_ filter: String, from collectionName: String = "sensor_readings") throws {
        let selector = try Self.document(filter)
        defer { bson_destroy(selector) }
        try withCollection(collectionName) { collection in
            var error = bson_error_t()
            guard mongoc_collection_delete_many(collection, selector, nil, nil, &error) else {
                throw Failure(description: "delete failed: \(Self.text(error))")
            }
        }
    }

    /// Every document of the collection, as JSON objects (relaxed extended JSON: dates are `{"$date": …}`).
    func documents(in collectionName: String = "sensor_readings") throws -> [[String: Any]] {
        var documents: [[String: Any]] = []
        let filter = bson_new()!
        defer { bson_destroy(filter) }
        try withCollection(collectionName) { collection in
            let cursor = mongoc_collection_find_with_opts(collection, filter, nil, nil)!
            defer { mongoc_cursor_destroy(cursor) }
            var document: OpaquePointer?
            while mongoc_cursor_next(cursor, &document), let document {
                var length = 0
                guard let json = bson_as_relaxed_extended_json(document, &length) else { continue }
                defer { bson_free(json) }
                let data = Data(bytes: json, count: length)
                if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                    documents.append(object)
                }
            }
            var error = bson_error_t()
            if mongoc_cursor_error(cursor, &error) { throw Failure(description: "find failed: \(Self.text(error))") }
        }
        return documents
    }

    /// The string `_id`s of the collection.
    func ids(in collectionName: String = "sensor_readings") throws -> [String] {
        try documents(in: collectionName).compactMap { $0["_id"] as? String }
    }

    func dropDatabase() {
        let handle = mongoc_client_get_database(client, database)
        defer { mongoc_database_destroy(handle) }
        _ = mongoc_database_drop(handle, nil)
    }

    private func withCollection(_ name: String, _ body: (OpaquePointer) throws -> Void) throws {
        let collection = mongoc_client_get_collection(client, database, name)!
        defer { mongoc_collection_destroy(collection) }
        try body(collection)
    }

    private static func document(_ json: String) throws -> OpaquePointer {
        var error = bson_error_t()
        guard let document = bson_new_from_json(json, -1, &error) else {
            throw Failure(description: "bad JSON \(json): \(text(error))")
        }
        return document
    }

    private static func text(_ error: bson_error_t) -> String {
        withUnsafeBytes(of: error.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
