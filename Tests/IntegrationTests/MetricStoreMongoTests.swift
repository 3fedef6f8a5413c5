import CMongoC
import SensorAdapters
import SensorCore
import Testing

/// MongoMetricStore against the stack's MongoDB stand-in; documents are read back with plain libmongoc
/// calls (`RawMongo`), so an encoding bug cannot hide itself behind the store's own decoder.
@Suite(.serialized) struct MetricStoreMongoTests {
    @Test func conformsToTheMetricStoreContract() throws {
        try MetricStoreConformance.check(try Self.store(), inspector: try Self.inspector())
    }

    /// A dashboard reads either store with the same names: every document's fields are its PostgreSQL table's
    /// columns (plus `_id`), with BSON types that keep values exact.
    @Test func documentsUseThePostgresColumnNamesAndExactTypes() throws {
        let store = try Self.store()
        let raw = try RawMongo(url: try TestStack.config().mongoURL)
        let type = TestStack.uniqueName("fields")
        let job = TestStack.uniqueName("fields-job")
        let sensors = MetricSamples.sensorRows(type: type, version: 1)
        let series = MetricSamples.seriesRows(type: type, version: 1, scale: 1)
        let reject = JobReject(job: job, origin: "t/0", position: 4, reason: "bad", record: Array("x".utf8))
        let file = FileProgress(
            job: job, path: "/p/\(job).csv", bytesDone: 5, linesDone: 1, length: 9, modificationTime: 1, readings: 1,
            rejected: 0)
        try store.save(MetricsOutput(sensors: sensors, series: series, rejects: [reject], files: [file]))
        let summary = MetricSamples.summaryRows(types: [type])
        try store.saveSummary(summary)

        let documents: [(table: String, document: [String: RawMongo.Field])] = [
            ("sensor_metrics", try #require(raw.documents(in: "sensor_metrics", "_id", equals: "\(type)-0").first)),
            ("metrics_series", try #require(raw.documents(in: "metrics_series", "sensor_type", equals: type).first)),
            (
                "metrics_summary",
                try #require(raw.documents(in: "metrics_summary", "_id", equals: "type:\(type)").first)
            ),
            ("job_rejects", try #require(raw.documents(in: "job_rejects", "job", equals: job).first)),
            ("hdfs_manifest", try #require(raw.documents(in: "hdfs_manifest", "job", equals: job).first)),
        ]
        for (table, document) in documents {
            let columns = try PostgresSinkTests.rows(
                """
                SELECT column_name::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = $1
                """, table
            ).map { $0[0]! }
            #expect(!columns.isEmpty, "no PostgreSQL table \(table)")
            #expect(Set(document.keys) == Set(columns + ["_id"]), "\(table): \(document.keys.sorted())")
        }

        let sensor = documents[0].document
        for date in ["first_seen", "last_seen", "ewma_reference", "updated_at"] {
            #expect(sensor[date]?.type == BSON_TYPE_DATE_TIME, "\(date) must be a BSON date")
        }
        for count in ["readings_total", "readings_fault", "value_count", "version"] {
            #expect(sensor[count]?.type == BSON_TYPE_INT64, "\(count) must be an int64")
        }
        for double in ["value_mean", "value_m2", "smoothed", "ewma_weight_sum", "last_value"] {
            #expect(sensor[double]?.type == BSON_TYPE_DOUBLE, "\(double) must be a double")
        }
        #expect(sensor["last_reading_id"]?.type == BSON_TYPE_UTF8)
        #expect(sensor["recent_ms"]?.elementTypes == Array(repeating: BSON_TYPE_INT64, count: RecentWindow.capacity))
        #expect(sensor["recent_ids"]?.elementTypes.allSatisfy { $0 == BSON_TYPE_UTF8 } == true)
        #expect(sensor["activity_counts"]?.elementTypes.allSatisfy { $0 == BSON_TYPE_INT64 } == true)
        #expect(sensor["_id"]?.value as? String == "\(type)-0")

        let faultsOnly = try #require(raw.documents(in: "sensor_metrics", "_id", equals: "\(type)-2").first)
        for column in ["value_mean", "value_stddev", "value_min", "value_max", "smoothed", "ewma_reference"] {
            #expect(faultsOnly[column]?.type == BSON_TYPE_NULL, "\(column) of a sensor with only faults is null")
        }
        #expect(documents[1].document["bucket_start"]?.type == BSON_TYPE_DATE_TIME)
        #expect(documents[2].document["sensor_type"]?.value as? String == type)
        let overall = try #require(raw.documents(in: "metrics_summary", "_id", equals: "all").first)
        #expect(overall["sensor_type"]?.type == BSON_TYPE_NULL, "the overall row has a null sensor_type")
        #expect(documents[4].document["_id"]?.value as? String == "\(job)|/p/\(job).csv")
        #expect(documents[3].document["_id"]?.value as? String == "\(job)|t/0|4")
    }

    @Test func unreachableServerFailsFastWithoutLeakingThePassword() throws {
        let flags = [ConfigKey.mongoURL: "mongodb://user:s3cret@127.0.0.1:\(try TestStack.closedPort())/x"]
        let config = try ConfigLoader(flags: flags, projectFile: "/nonexistent").load()
        let error = try #require(throws: SensorError.self) { _ = try MongoMetricStore(config: config) }
        #expect(error.code == .unavailable)
        #expect(error.service == "mongo")
        #expect(error.description.contains("127.0.0.1"), "\(error)")
        #expect(!error.description.contains("s3cret"), "\(error)")
    }

    /// The store, after `setup` created its collections.
    static func store() throws -> MongoMetricStore {
        let config = try TestStack.config()
        _ = try MongoProbe(config: config).setup()
        return try MongoMetricStore(config: config)
    }

    static func inspector() throws -> MetricStoreConformance.Inspector {
        let raw = try RawMongo(url: try TestStack.config().mongoURL)
        return MetricStoreConformance.Inspector(
            rejects: { job in
                try raw.documents(in: "job_rejects", "job", equals: job).map { document in
                    MetricStoreConformance.StoredReject(
                        origin: try #require(document["origin"]?.value as? String),
                        position: try #require(document["position"]?.value as? Int64),
                        reason: try #require(document["reason"]?.value as? String),
                        record: try #require(document["record"]?.value as? String))
                }
            },
            manifest: { job in
                try raw.documents(in: "hdfs_manifest", "job", equals: job).map { document in
                    let number = { (key: String) in try #require(document[key]?.value as? Int64, "\(key)") }
                    return FileProgress(
                        job: job, path: try #require(document["path"]?.value as? String),
                        bytesDone: try number("bytes_done"), linesDone: try number("lines_done"),
                        length: try number("length"), modificationTime: try number("modification_time"),
                        readings: try number("readings"), rejected: try number("rejected"))
                }
            },
            jobRunStatus: { id in
                try raw.documents(in: "job_runs", "_id", equals: id).first?["status"]?.value as? String
            })
    }
}

extension RawMongo {
    /// One field of a stored document: its BSON type, its value (strings, doubles, bools; int32, int64 and
    /// dates as Int64), and for an array the types of its elements.
    struct Field {
        var type: bson_type_t
        var value: Any?
        var elementTypes: [bson_type_t] = []
    }

    /// The documents of `collectionName` whose `field` is the string `value`, field by field.
    func documents(in collectionName: String, _ field: String, equals value: String) throws -> [[String: Field]] {
        let collection = mongoc_client_get_collection(client, database, collectionName)
        let filter = bson_new()
        defer {
            bson_destroy(filter)
            mongoc_collection_destroy(collection)
        }
        bson_append_utf8(filter, field, -1, value, -1)
        let cursor = try #require(mongoc_collection_find_with_opts(collection, filter, nil, nil))
        defer { mongoc_cursor_destroy(cursor) }
        var results: [[String: Field]] = []
        var document: OpaquePointer?
        while mongoc_cursor_next(cursor, &document), let document { results.append(Self.fields(of: document)) }
        var error = bson_error_t()
        if mongoc_cursor_error(cursor, &error) { throw Failure(error) }
        return results
    }

    private static func fields(of document: OpaquePointer) -> [String: Field] {
        withIterator { iterator in
            var fields: [String: Field] = [:]
            guard bson_iter_init(iterator, document) else { return fields }
            while bson_iter_next(iterator) {
                let type = bson_iter_type(iterator)
                var field = Field(type: type)
                switch type {
                case BSON_TYPE_UTF8: field.value = String(cString: bson_iter_utf8(iterator, nil))
                case BSON_TYPE_DOUBLE: field.value = bson_iter_double(iterator)
                case BSON_TYPE_INT32: field.value = Int64(bson_iter_int32(iterator))
                case BSON_TYPE_INT64: field.value = bson_iter_int64(iterator)
                case BSON_TYPE_DATE_TIME: field.value = bson_iter_date_time(iterator)
                case BSON_TYPE_BOOL: field.value = bson_iter_bool(iterator)
                case BSON_TYPE_ARRAY:
                    field.elementTypes = withIterator { element in
                        var types: [bson_type_t] = []
                        if bson_iter_recurse(iterator, element) {
                            while bson_iter_next(element) { types.append(bson_iter_type(element)) }
                        }
                        return types
                    }
                default: break
                }
                fields[String(cString: bson_iter_key(iterator))] = field
            }
            return fields
        }
    }

    /// `bson_iter_t *` is an OpaquePointer in Swift (the struct is declared 128-byte aligned): raw storage.
    private static func withIterator<T>(_ body: (OpaquePointer) -> T) -> T {
        withUnsafeTemporaryAllocation(byteCount: 128, alignment: 128) { body(OpaquePointer($0.baseAddress!)) }
    }
}
