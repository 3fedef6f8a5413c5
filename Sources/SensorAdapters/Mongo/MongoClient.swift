import CMongoC
import SensorCore

/// libmongoc's process-wide state. `mongoc_init` must run once before any other libmongoc call; a global
/// `let` is initialized lazily and exactly once under `swift_once`, from whichever thread gets there first.
/// `mongoc_cleanup` is never called: clients may still be alive when the process exits, and the OS frees all.
private let libmongocReady: Void = {
    mongoc_init()
    // Errors reach users as redacted SensorErrors; libmongoc's own log lines (URI warnings, retries) would
    // bypass that and interleave with the CLI's output on stderr.
    mongoc_log_set_handler(nil, nil)
}()

/// The only type that touches libmongoc: a connection to one MongoDB deployment and one database.
///
/// Ownership: `handle` (`mongoc_client_t`) is created in `init` and destroyed in `deinit`, exactly once.
/// Databases, collections, cursors and bulk operations derived from it are created and destroyed inside a
/// single method call (they must not outlive the client). A `mongoc_client_t` is not thread-safe, so this
/// class is deliberately not `Sendable`: each sink or probe opens and uses its own client on one thread.
final class MongoClient {
    static let service = ServiceKind.mongo.rawValue
    static let defaultDatabase = "sensorctl"
    static let timeoutMS: Int32 = 5000

    /// The URL with its password masked, for errors.
    let endpoint: String
    /// The URL's path, or `sensorctl`.
    let databaseName: String
    private let handle: OpaquePointer
    /// Reused for every document of every bulk insert (see `insertUnordered`).
    private let scratch = BSONDocument()
    private let unorderedOptions = BSONDocument()
    /// The documents are built by `insertUnordered`'s callers from Swift strings (always valid UTF-8) with
    /// fixed keys, so libmongoc's per-document key and UTF-8 validation is skipped.
    private let insertOptions = BSONDocument()

    init(url: String) throws(SensorError) {
        _ = libmongocReady
        endpoint = Redact.endpoint(url)
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(url, &error) else {
            // libmongoc's parse messages name the faulty part, never the whole URL.
            throw SensorError(.config, service: Self.service, endpoint: endpoint, "invalid MongoDB URL: \(error.text)")
        }
        defer { mongoc_uri_destroy(uri) }
        // Fail within ~5 s when nothing answers, unless the user asked for other timeouts in the URL.
        for option in [MONGOC_URI_SERVERSELECTIONTIMEOUTMS, MONGOC_URI_CONNECTTIMEOUTMS]
        where !mongoc_uri_has_option(uri, option) {
            _ = mongoc_uri_set_option_as_int32(uri, option, Self.timeoutMS)
        }
        if mongoc_uri_get_appname(uri) == nil { _ = mongoc_uri_set_appname(uri, "sensorctl") }
        let path = mongoc_uri_get_database(uri).map { String(cString: $0) } ?? ""
        databaseName = path.isEmpty ? Self.defaultDatabase : path
        guard let client = mongoc_client_new_from_uri_with_error(uri, &error) else {
            throw SensorError(.config, service: Self.service, endpoint: endpoint, "MongoDB URL: \(error.text)")
        }
        // Version 2 reports server replies in their own domain with the server's code (11000, 26, 48 …).
        _ = mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2)
        handle = client
        unorderedOptions.append("ordered", bool: false)
        insertOptions.append("validate", bool: false)
    }

    deinit { mongoc_client_destroy(handle) }

    /// Runs `{ping: 1}` on the database: the first call selects a server, so this is where an unreachable
    /// deployment is detected.
    func ping() throws(SensorError) {
        let command = BSONDocument()
        command.append("ping", int32: 1)
        try run(command, doing: "ping")
    }

    /// Runs a command on the database and discards the reply.
    func run(_ command: BSONDocument, doing action: String) throws(SensorError) {
        var error = bson_error_t()
        let ok = BSONDocument.withReply { reply in
            mongoc_client_command_simple(handle, databaseName, command.pointer, nil, reply, &error)
        }
        if !ok { throw self.error(error, doing: action) }
    }

    /// The names of the database's collections (`listCollections`).
    func collectionNames() throws(SensorError) -> [String] {
        try withDatabase { database throws(SensorError) in
            var error = bson_error_t()
            guard let names = mongoc_database_get_collection_names_with_opts(database, nil, &error) else {
                throw self.error(error, doing: "listCollections")
            }
            defer { bson_strfreev(names) }
            var result: [String] = []
            var index = 0
            while let name = names[index] {
                result.append(String(cString: name))
                index += 1
            }
            return result
        }
    }

    /// Creates a collection; false when it already exists (another process won the race since the listing).
    func createCollection(_ name: String) throws(SensorError) -> Bool {
        try withDatabase { database throws(SensorError) in
            var error = bson_error_t()
            guard let collection = mongoc_database_create_collection(database, name, nil, &error) else {
                if error.domain == MONGOC_ERROR_SERVER.rawValue && error.code == Self.namespaceExists { return false }
                throw self.error(error, doing: "create collection \(name)")
            }
            mongoc_collection_destroy(collection)
            return true
        }
    }

    /// The names of a collection's indexes (`listIndexes`).
    func indexNames(of collectionName: String) throws(SensorError) -> [String] {
        try withCollection(collectionName) { collection throws(SensorError) in
            guard let cursor = mongoc_collection_find_indexes_with_opts(collection, nil) else { return [] }
            defer { mongoc_cursor_destroy(cursor) }
            var names: [String] = []
            var document: OpaquePointer?
            while mongoc_cursor_next(cursor, &document), let document {
                if let name = BSONDocument.string(in: document, at: "name") { names.append(name) }
            }
            var error = bson_error_t()
            if mongoc_cursor_error(cursor, &error) {
                throw self.error(error, doing: "listIndexes on \(collectionName)")
            }
            return names
        }
    }

    /// Inserts `count` documents as ONE unordered bulk write (the server inserts every valid document even
    /// when others fail, e.g. on a duplicate `_id`). `fill(i, document)` builds document `i` into a document
    /// that is reset and reused for every index: libmongoc copies each one into the bulk's buffer.
    ///
    /// `toleratingDuplicates`: duplicate keys (11000) count as already present rather than failing; any other
    /// write error still fails. Returns how many documents were inserted.
    @discardableResult
    func insertUnordered(
        into collectionName: String, count: Int, toleratingDuplicates: Bool = false, _ fill: (Int, BSONDocument) -> Void
    ) throws(SensorError) -> Int {
        try withCollection(collectionName) { collection throws(SensorError) in
            let bulk = mongoc_collection_create_bulk_operation_with_opts(collection, unorderedOptions.pointer)!
            defer { mongoc_bulk_operation_destroy(bulk) }
            var error = bson_error_t()
            for index in 0..<count {
                scratch.reset()
                fill(index, scratch)
                guard mongoc_bulk_operation_insert_with_opts(bulk, scratch.pointer, insertOptions.pointer, &error)
                else { throw self.error(error, doing: "insert into \(collectionName)") }
            }
            var failure: SensorError?
            var insertedCount = count
            BSONDocument.withReply { reply in
                guard mongoc_bulk_operation_execute(bulk, reply, &error) == 0 else { return }
                insertedCount = Int(BSONDocument.int64(in: reply, at: "nInserted") ?? 0)
                let inserted = "\(insertedCount) of \(count) inserted"
                if toleratingDuplicates, Self.onlyDuplicateKeyErrors(in: reply) { return }
                if let (errors, code, message) = Self.writeErrors(in: reply) {
                    let text = "insert into \(collectionName): \(inserted); \(errors) write error(s), first: "
                    // 11000 is a duplicate key: the data is wrong (exit 65), not the server.
                    failure = SensorError(
                        code == 11000 ? .data : .io, service: Self.service, endpoint: endpoint,
                        text + "code \(code): \(message)")
                } else {
                    failure = self.error(error, doing: "insert into \(collectionName) (\(inserted))")
                }
            }
            if let failure { throw failure }
            return insertedCount
        }
    }

    /// True when the reply has write errors and every one is a duplicate key (11000).
    private static func onlyDuplicateKeyErrors(in reply: OpaquePointer) -> Bool {
        guard let (count, _, _) = writeErrors(in: reply) else { return false }
        return (0..<count).allSatisfy { BSONDocument.int64(in: reply, at: "writeErrors.\($0).code") == 11000 }
    }

    /// The number of write errors in a bulk reply and the first one's code and message.
    private static func writeErrors(in reply: OpaquePointer) -> (Int, Int64, String)? {
        let count = BSONDocument.withStorage { list in
            BSONDocument.withStorage { entry in
                guard bson_iter_init_find(list, reply, "writeErrors"), bson_iter_recurse(list, entry) else { return 0 }
                var count = 0
                while bson_iter_next(entry) { count += 1 }
                return count
            }
        }
        guard count > 0 else { return nil }
        let code = BSONDocument.int64(in: reply, at: "writeErrors.0.code") ?? 0
        return (count, code, BSONDocument.string(in: reply, at: "writeErrors.0.errmsg") ?? "")
    }

    /// Lends a collection handle for the duration of `body`.
    func withCollection<Result>(
        _ name: String, _ body: (OpaquePointer) throws(SensorError) -> Result
    ) throws(SensorError) -> Result {
        let collection = mongoc_client_get_collection(handle, databaseName, name)!
        defer { mongoc_collection_destroy(collection) }
        return try body(collection)
    }

    private func withDatabase<Result>(
        _ body: (OpaquePointer) throws(SensorError) -> Result
    ) throws(SensorError) -> Result {
        let database = mongoc_client_get_database(handle, databaseName)!
        defer { mongoc_database_destroy(database) }
        return try body(database)
    }

    /// Maps a libmongoc error: no server or a broken connection is `.unavailable` (retriable), a transient
    /// server state too; rejected credentials are `.config` (as for PostgreSQL); everything else is `.io`.
    /// The message is libmongoc's, which names hosts, never the URL.
    func error(_ error: bson_error_t, doing action: String) -> SensorError {
        let message = "\(action) failed: \(error.text)"
        switch error.domain {
        case MONGOC_ERROR_SERVER_SELECTION.rawValue, MONGOC_ERROR_STREAM.rawValue:
            return .unavailable(Self.service, endpoint, message)
        case MONGOC_ERROR_SERVER.rawValue where Self.transientServerCodes.contains(error.code):
            return .unavailable(Self.service, endpoint, message)
        case MONGOC_ERROR_CLIENT.rawValue where error.code == MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue:
            return SensorError(.config, service: Self.service, endpoint: endpoint, message)
        default:
            return SensorError(.io, service: Self.service, endpoint: endpoint, message)
        }
    }

    static let namespaceExists: UInt32 = 48
    /// Server codes the drivers' retryable-writes rules treat as transient (elections, shutdowns, network).
    static let transientServerCodes: Set<UInt32> = [
        6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
    ]
}

extension bson_error_t {
    /// The NUL-terminated `message` field as a String.
    var text: String {
        withUnsafeBytes(of: message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
