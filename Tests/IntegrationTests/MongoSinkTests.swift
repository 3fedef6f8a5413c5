import CMongoC
import SensorAdapters
import SensorCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// MongoSink and MongoProbe against the running MongoDB stand-in (`SENSORCTL_MONGO_URL`). What the adapter
/// stored is read back with plain libmongoc calls (`RawMongo`), so an encoding bug cannot hide itself.
@Suite
struct MongoSinkTests {
    @Test func storesEveryReadingOnceWithBSONTypes() throws {
        let config = try TestStack.config()
        let reader = try RawMongo(url: config.mongoURL)
        var documents: [RawMongo.Document] = []
        try SinkConformance.check(MongoSink(config: config, options: SinkOptions(runID: "test"))) { app in
            // 1500 documents in batches of 100: the read-back only completes through getMore.
            documents = try reader.documents(app: app, batchSize: 100)
            return documents.map(\.reading)
        }
        #expect(documents.allSatisfy { $0.tsType == BSON_TYPE_DATE_TIME }, "ts must be a BSON date")
        #expect(documents.allSatisfy { [BSON_TYPE_DOUBLE, BSON_TYPE_NULL].contains($0.valueType) })
        #expect(documents.contains { $0.valueType == BSON_TYPE_NULL }, "nulls are stored as BSON null")
        #expect(documents.allSatisfy { $0.idType == BSON_TYPE_UTF8 }, "_id is the canonical UUID string")
    }

    @Test func setupCreatesThenFindsEverythingPresent() throws {
        // A database of its own, so that the first run must create everything.
        let url = try Self.url(try TestStack.config().mongoURL, database: TestStack.uniqueName("setup"))
        let probe = MongoProbe(config: try ConfigLoader(flags: [.mongoURL: url], projectFile: "/nonexistent").load())
        let raw = try RawMongo(url: url)
        defer { raw.dropDatabase() }
        #expect(try probe.check() == "reachable; collection sensor_readings missing: run sensorctl setup")

        // The claim index is the default topic's (`sensor.readings`): MongoSource's field for that topic.
        let objects = [
            "collection sensor_readings", "index sensor_id_ts on sensor_readings", "index ts on sensor_readings",
            "index sensorctl_batch_sensor_readings on sensor_readings", "collection job_runs",
            "collection job_checkpoints", "collection migration_rejects", "collection sensor_metrics",
            "collection metrics_series", "index sensor_type_bucket_start on metrics_series",
            "collection metrics_summary", "collection job_rejects", "collection hdfs_manifest",
        ]
        let first = try probe.setup()
        #expect(first == objects.map { SetupStep($0, .created) })
        let second = try probe.setup()
        #expect(second == objects.map { SetupStep($0, .present) })
        #expect(try probe.check() == "collection sensor_readings present")

        let indexes = try raw.indexKeys()
        #expect(indexes["sensor_id_ts"] == ["sensor_id", "ts"])
        #expect(indexes["ts"] == ["ts"])
        #expect(indexes["sensorctl_batch_sensor_readings"] == ["sensorctl_batch_sensor_readings"])
    }

    /// `url` with its path (the database) replaced.
    private static func url(_ url: String, database: String) throws -> String {
        let scheme = try #require(url.range(of: "://"))
        let hostsEnd = url[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? url.endIndex
        let query = url[hostsEnd...].firstIndex(of: "?").map { String(url[$0...]) } ?? ""
        return url[..<hostsEnd] + "/" + database + query
    }

    @Test func duplicateIdFailsButInsertsTheRestOfTheBatch() throws {
        let config = try TestStack.config()
        let app = TestStack.uniqueName("mongo-duplicate")
        var generator = ReadingGenerator(profile: GeneratorProfile(app: app, seed: 7))
        let sink = try MongoSink(config: config, options: SinkOptions(runID: "test"))
        let first = (0..<5).map { _ in generator.next() }
        try sink.write(first)
        // The duplicate comes first: an ordered insert would stop there and store none of the new readings.
        let second = [first[2]] + (0..<5).map { _ in generator.next() }
        let error = try #require(throws: SensorError.self) { try sink.write(second) }
        #expect(error.service == "mongo")
        #expect(error.description.contains("duplicate key"), "\(error)")
        #expect(error.code == .data, "a duplicate id is bad data (exit 65)")
        #expect(error.description.contains("5 of 6 inserted"), "\(error)")
        try sink.finish()

        let stored = try RawMongo(url: config.mongoURL).documents(app: app, batchSize: 1000)
        #expect(Set(stored.map(\.reading.id)) == Set((first + second).map(\.id)))
        #expect(stored.count == 10)
    }

    @Test func unreachableServerFailsFastWithoutLeakingThePassword() throws {
        let flags = [ConfigKey.mongoURL: "mongodb://user:s3cret@127.0.0.1:\(try TestStack.closedPort())/x"]
        let config = try ConfigLoader(flags: flags, projectFile: "/nonexistent").load()
        let start = ContinuousClock.now
        let error = try #require(throws: SensorError.self) {
            _ = try MongoSink(config: config, options: SinkOptions(runID: "test"))
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(error.code == .unavailable)
        #expect(error.exitCode == ExitCode.unavailable)
        #expect(error.isRetriable)
        #expect(error.service == "mongo")
        #expect(!error.description.contains("s3cret"), "\(error)")
        #expect(error.description.contains("127.0.0.1"), "\(error)")
    }
}

/// Reads what the server holds with plain libmongoc calls, independently of the adapter's code.
extension RawMongo {
    struct Document {
        var reading: Reading
        var idType: bson_type_t
        var valueType: bson_type_t
        var tsType: bson_type_t
    }

    func documents(app: String, batchSize: Int32) throws -> [Document] {
        let filter = bson_new()
        let options = bson_new()
        defer {
            bson_destroy(filter)
            bson_destroy(options)
        }
        bson_append_utf8(filter, "app", -1, app, -1)
        bson_append_int32(options, "batchSize", -1, batchSize)
        return try each(mongoc_collection_find_with_opts(collection, filter, options, nil)) { document in
            var fields: [String: (type: bson_type_t, value: Any?)] = [:]
            Self.forEachField(of: document) { key, iterator in
                let type = bson_iter_type(iterator)
                switch type {
                case BSON_TYPE_UTF8: fields[key] = (type, String(cString: bson_iter_utf8(iterator, nil)))
                case BSON_TYPE_DOUBLE: fields[key] = (type, bson_iter_double(iterator))
                case BSON_TYPE_DATE_TIME: fields[key] = (type, bson_iter_date_time(iterator))
                default: fields[key] = (type, nil)
                }
            }
            let id = (fields["_id"]?.value as? String).flatMap { ReadingID($0) }
            let millis = fields["ts"]?.value as? Int64
            let reading = Reading(
                id: try #require(id, "_id of \(fields)"), sensorID: fields["sensor_id"]?.value as? String ?? "",
                sensorType: fields["sensor_type"]?.value as? String ?? "", value: fields["value"]?.value as? Double,
                timestamp: Timestamp(milliseconds: try #require(millis, "ts is not a BSON date: \(fields)")),
                app: fields["app"]?.value as? String ?? "")
            return Document(
                reading: reading, idType: fields["_id"]!.type, valueType: fields["value"]?.type ?? BSON_TYPE_EOD,
                tsType: fields["ts"]!.type)
        }
    }

    /// Index name → key fields, in order.
    func indexKeys() throws -> [String: [String]] {
        let pairs = try each(mongoc_collection_find_indexes_with_opts(collection, nil)) { document in
            var name = ""
            var keys: [String] = []
            Self.forEachField(of: document) { key, iterator in
                if key == "name" { name = String(cString: bson_iter_utf8(iterator, nil)) }
                guard key == "key" else { return }
                let storage = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128)
                defer { storage.deallocate() }
                let child = OpaquePointer(storage)
                if bson_iter_recurse(iterator, child) {
                    while bson_iter_next(child) { keys.append(String(cString: bson_iter_key(child))) }
                }
            }
            return (name, keys)
        }
        return Dictionary(pairs) { first, _ in first }
    }

    private func each<T>(_ cursor: OpaquePointer?, _ convert: (OpaquePointer) throws -> T) throws -> [T] {
        let cursor = try #require(cursor)
        defer { mongoc_cursor_destroy(cursor) }
        var results: [T] = []
        var document: OpaquePointer?
        while mongoc_cursor_next(cursor, &document), let document { results.append(try convert(document)) }
        var error = bson_error_t()
        if mongoc_cursor_error(cursor, &error) { throw Failure(error) }
        return results
    }

    /// `bson_iter_t *` is an OpaquePointer in Swift (the struct is declared 128-byte aligned): raw storage.
    private static func forEachField(of document: OpaquePointer, _ body: (String, OpaquePointer) -> Void) {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128)
        defer { storage.deallocate() }
        let iterator = OpaquePointer(storage)
        guard bson_iter_init(iterator, document) else { return }
        while bson_iter_next(iterator) { body(String(cString: bson_iter_key(iterator)), iterator) }
    }
}

extension RawMongo.Failure {
    init(_ error: bson_error_t) {
        description = withUnsafeBytes(of: error.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
