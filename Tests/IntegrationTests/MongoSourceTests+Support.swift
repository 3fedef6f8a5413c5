import CMongoC
import Foundation
import SensorAdapters
import SensorCore
import Testing

extension MongoSourceTests {
    /// A database and a topic of one test's own; the database is dropped when the test lets go of it.
    final class Stack {
        let config: SensorConfig
        let raw: RawMongo
        private let url: String

        init() throws {
            let shared = try TestStack.config().mongoURL
            let scheme = try #require(shared.range(of: "://"))
            let hostsEnd = shared[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? shared.endIndex
            let query = shared[hostsEnd...].firstIndex(of: "?").map { String(shared[$0...]) } ?? ""
            let database = TestStack.uniqueName("source").replacingOccurrences(of: "-", with: "_")
            url = shared[..<hostsEnd] + "/" + database + query
            raw = try RawMongo(url: url)
            config = try Self.config(url: url, topic: TestStack.uniqueName("t"))
        }

        deinit { raw.dropDatabase() }

        /// The same database with another topic (another claim field).
        func config(topic: String) throws -> SensorConfig { try Self.config(url: url, topic: topic) }

        private static func config(url: String, topic: String) throws -> SensorConfig {
            let flags: [ConfigKey: String] = [.topic: topic, .mongoURL: url]
            return try ConfigLoader(
                flags: flags, environment: ProcessInfo.processInfo.environment, projectFile: "/nonexistent"
            ).load()
        }

        /// Inserts `count` generated readings (nulls and -1 among them) with MongoSink, 100 per bulk.
        func insert(_ count: Int, app: String) throws -> [ReadingID: Reading] {
            let sink = try MongoSink(config: config, options: SinkOptions(runID: "test"))
            var good = ReadingGenerator(profile: GeneratorProfile(kind: .good, app: app, seed: 1))
            var burned = ReadingGenerator(profile: GeneratorProfile(kind: .anomaly, app: app, seed: 2))
            let readings = (0..<count).map { $0 % 10 == 9 ? burned.next() : good.next() }
            for start in stride(from: 0, to: count, by: 100) {
                try sink.write(Array(readings[start..<min(start + 100, count)]))
            }
            try sink.finish()
            return Dictionary(uniqueKeysWithValues: readings.map { ($0.id, $0) })
        }
    }

    /// Three generator-like writers: random batch sizes and pauses. Worker 0 holds back readings made an
    /// hour ago (so with the smallest `_id`s) and stores them only once the source has sent a batch: the
    /// document that "everything after the last `_id` read" would miss.
    final class Inserters: @unchecked Sendable {  // every stored property is guarded by `lock`
        static let perWorker = 300
        private let lock = NSLock()
        private var inserted: [ReadingID] = []
        private var late: [ReadingID] = []
        private var failures: [String] = []
        private var sourceSentABatch = false

        func run(worker: Int, config: SensorConfig) {
            do {
                let sink = try MongoSink(config: config, options: SinkOptions(runID: "test"))
                var generator = ReadingGenerator(profile: GeneratorProfile(app: "worker-\(worker)"))
                var old = ReadingGenerator(profile: GeneratorProfile(app: "worker-\(worker)")) {
                    Timestamp(milliseconds: Timestamp.now().milliseconds - 3_600_000)
                }
                let heldBack = worker == 0 ? (0..<20).map { _ in old.next() } : []
                var remaining = Self.perWorker - heldBack.count
                while remaining > 0 {
                    let batch = (0..<min(remaining, Int.random(in: 1...30))).map { _ in generator.next() }
                    try sink.write(batch)
                    record(batch.map(\.id))
                    remaining -= batch.count
                    Thread.sleep(forTimeInterval: Double.random(in: 0...0.01))
                }
                let deadline = Date().addingTimeInterval(30)
                while !heldBack.isEmpty && !lock.withLock({ sourceSentABatch }) && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.005)
                }
                try sink.write(heldBack)
                record(heldBack.map(\.id), late: true)
                try sink.finish()
            } catch {
                lock.withLock { failures.append("worker \(worker): \(error)") }
            }
        }

        func sourceSentBatch() { lock.withLock { sourceSentABatch = true } }

        func results() -> (inserted: [ReadingID], failures: [String], late: [ReadingID]) {
            lock.withLock { (inserted, failures, late) }
        }

        private func record(_ ids: [ReadingID], late: Bool = false) {
            lock.withLock {
                inserted += ids
                if late { self.late += ids }
            }
        }
    }

    struct ObjectID {
        var hex: String
        init(_ hex: String) { self.hex = hex }
    }
}

extension RawMongo {
    func insert(_ fields: [String: Any]) throws {
        let document = Self.bson(fields)
        defer { bson_destroy(document) }
        var error = bson_error_t()
        try #require(mongoc_collection_insert_one(collection, document, nil, nil, &error), "\(error.text)")
    }

    func count(_ filter: [String: Any]) throws -> Int {
        let document = Self.bson(filter)
        defer { bson_destroy(document) }
        var error = bson_error_t()
        let count = mongoc_collection_count_documents(collection, document, nil, nil, nil, &error)
        try #require(count >= 0, "\(error.text)")
        return Int(count)
    }

    private static func bson(_ fields: [String: Any]) -> OpaquePointer {
        let document = bson_new()!
        for (key, value) in fields {
            switch value {
            case let text as String: bson_append_utf8(document, key, -1, text, -1)
            case let flag as Bool: bson_append_bool(document, key, -1, flag)
            case let number as Int32: bson_append_int32(document, key, -1, number)
            case let number as Int64: bson_append_int64(document, key, -1, number)
            case let number as Double: bson_append_double(document, key, -1, number)
            case is NSNull: bson_append_null(document, key, -1)
            case let date as Date:
                bson_append_date_time(document, key, -1, Int64((date.timeIntervalSince1970 * 1000).rounded()))
            case let id as MongoSourceTests.ObjectID:
                var oid = bson_oid_t()
                bson_oid_init_from_string(&oid, id.hex)
                bson_append_oid(document, key, -1, &oid)
            case let child as [String: Any]:
                let nested = bson(child)
                bson_append_document(document, key, -1, nested)
                bson_destroy(nested)
            default: Issue.record("no BSON for \(key): \(value)")
            }
        }
        return document
    }
}

extension SourceRecord {
    var reading: Reading? {
        if case .reading(let reading) = self { reading } else { nil }
    }

    /// The reading's id or the rejected document's key.
    var key: String? {
        switch self {
        case .reading(let reading): reading.id.description
        case .rejected(let key, _, _): key
        }
    }
}

extension Array where Element: Comparable {
    var isSorted: Bool { zip(self, dropFirst()).allSatisfy { $0 <= $1 } }
}

extension bson_error_t {
    fileprivate var text: String {
        withUnsafeBytes(of: message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
