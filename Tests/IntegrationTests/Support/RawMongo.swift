import CMongoC
import Foundation
import Testing

/// Plain libmongoc access to a test database's `sensor_readings`, independent of the adapter's code; the
/// sink and source tests add the reads and writes they need in extensions.
/// Owns its `mongoc_client_t` (destroyed in deinit); cursors and documents live within one method call.
final class RawMongo {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let client: OpaquePointer
    let database: String
    let collection: OpaquePointer

    init(url: String) throws {
        mongoc_init()  // a no-op after the first call (libmongoc runs it under pthread_once)
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(url, &error) else { throw Failure(error) }
        defer { mongoc_uri_destroy(uri) }
        guard let client = mongoc_client_new_from_uri_with_error(uri, &error) else { throw Failure(error) }
        _ = mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2)
        database = mongoc_uri_get_database(uri).map { String(cString: $0) } ?? "sensorctl"
        self.client = client
        collection = mongoc_client_get_collection(client, database, "sensor_readings")
    }

    deinit {
        mongoc_collection_destroy(collection)
        mongoc_client_destroy(client)
    }

    func dropDatabase() {
        let handle = mongoc_client_get_database(client, database)
        defer { mongoc_database_destroy(handle) }
        _ = mongoc_database_drop(handle, nil)
    }
}
