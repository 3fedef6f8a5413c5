import CMongoC
import Foundation
import SensorAdapters
import SensorCore
import Testing

/// MongoSource against the running MongoDB stand-in. Each test has a database of its own (dropped at the
/// end) and a topic of its own: the shared `sensorctl` database holds every other test's documents, which a
/// source for a new topic would have to drain first, and exact assertions would be impossible.
@Suite
struct MongoSourceTests {
    @Test func drainsEveryDocumentExactlyOnceInClaimedBatches() throws {
        let stack = try Stack()
        let inserted = try stack.insert(700, app: "drain")
        let source = try MongoSource(config: stack.config)
        try source.resume(from: nil)
        let batches = try drain(source, limit: 250)
        #expect(batches.map(\.records.count) == [250, 250, 200])
        let checkpoints = batches.map { String(decoding: $0.checkpoint, as: UTF8.self) }
        #expect(checkpoints == [#"{"batch":1}"#, #"{"batch":2}"#, #"{"batch":3}"#])
        let delivered = batches.flatMap(\.records).compactMap(\.reading)
        #expect(delivered.count == 700)
        #expect(Set(delivered.map(\.id)).count == 700, "no reading twice")
        #expect(Dictionary(uniqueKeysWithValues: delivered.map { ($0.id, $0) }) == inserted, "every field intact")
        // A batch is sorted by _id, and every document is claimed by the batch that sent it.
        #expect(batches.allSatisfy { $0.records.compactMap(\.reading).map(\.id.description).isSorted })
        #expect(try stack.raw.count([source.claimField: ["$exists": true]]) == 700)

        // --from-beginning: every claim is dropped and everything comes again, in new batches from 1.
        try source.resume(from: nil)
        #expect(try stack.raw.count([source.claimField: ["$exists": true]]) == 0)
        let again = try drain(source, limit: 1000)
        #expect(again.map(\.records.count) == [700])
        #expect(again.first?.checkpoint == Array(#"{"batch":1}"#.utf8))
    }

    @Test func producersToDifferentTopicsDoNotInterfere() throws {
        let stack = try Stack()
        let inserted = try stack.insert(300, app: "topics")
        let first = try MongoSource(config: stack.config)
        let second = try MongoSource(config: try stack.config(topic: TestStack.uniqueName("other")))
        #expect(first.claimField != second.claimField)
        try first.resume(from: nil)
        try second.resume(from: nil)
        _ = try first.nextBatch(limit: 100)  // claimed by the first topic's batch 1, never committed
        for source in [first, second] {
            let ids = try drain(source, limit: 120).flatMap(\.records).compactMap(\.reading).map(\.id)
            #expect(ids.count == 300 && Set(ids).symmetricDifference(inserted.keys).isEmpty, "\(source.claimField)")
        }
    }

    @Test func uncommittedBatchesComeBackAfterACrashCommittedOnesNever() throws {
        let stack = try Stack()
        let inserted = try stack.insert(600, app: "crash")
        let crashed = try MongoSource(config: stack.config)
        try crashed.resume(from: nil)
        let committed = try crashed.nextBatch(limit: 200)
        try crashed.committed(committed)
        let lost = try crashed.nextBatch(limit: 200)  // claimed, then the process died before the commit
        #expect(lost.checkpoint == Array(#"{"batch":2}"#.utf8))

        let restarted = try MongoSource(config: stack.config)
        try restarted.resume(from: committed.checkpoint)
        #expect(try stack.raw.count([restarted.claimField: ["$exists": true]]) == 200, "only batch 1 stays claimed")
        let batches = try drain(restarted, limit: 200)
        #expect(batches.first?.records == lost.records, "the lost batch is sent again, as batch 2")
        #expect(batches.first?.checkpoint == lost.checkpoint)
        let delivered = batches.flatMap(\.records).compactMap(\.reading).map(\.id)
        let committedIDs = Set(committed.records.compactMap(\.reading).map(\.id))
        #expect(delivered.count == 400 && Set(delivered).isDisjoint(with: committedIDs))
        #expect(Set(delivered).union(committedIDs).symmetricDifference(inserted.keys).isEmpty)
    }

    @Test func aRetriedBatchReturnsTheSameDocuments() throws {
        let stack = try Stack()
        let first = try stack.insert(100, app: "replay")
        let source = try MongoSource(config: stack.config)
        try source.resume(from: nil)
        let attempt = try source.nextBatch(limit: 250)
        // Documents that arrive before the retry must not join the batch: it was already sent once.
        let later = try stack.insert(50, app: "replay-later")
        let retry = try source.nextBatch(limit: 250)
        #expect(retry.records == attempt.records && retry.checkpoint == attempt.checkpoint)
        #expect(Set(retry.records.compactMap(\.reading).map(\.id)).symmetricDifference(first.keys).isEmpty)
        try source.committed(retry)
        let next = try source.nextBatch(limit: 250)
        #expect(Set(next.records.compactMap(\.reading).map(\.id)).symmetricDifference(later.keys).isEmpty)
        #expect(next.checkpoint == Array(#"{"batch":2}"#.utf8))
    }

    @Test func concurrentInsertersEveryDocumentDeliveredOnce() throws {
        let stack = try Stack()
        let inserters = Inserters()
        let config = stack.config
        let group = DispatchGroup()
        for worker in 0..<3 {
            DispatchQueue.global().async(group: group) {
                inserters.run(worker: worker, config: config)
            }
        }
        // Even when the source fails: writers outliving the test would re-create its dropped database.
        defer { group.wait() }
        let source = try MongoSource(config: stack.config)
        try source.resume(from: nil)
        var delivered: [ReadingID] = []
        var finished = false
        while true {
            // Read `finished` before the batch: an empty batch after the inserters finished means drained.
            finished = finished || group.wait(timeout: .now()) == .success
            let batch = try source.nextBatch(limit: 40)
            delivered += batch.records.compactMap(\.reading).map(\.id)
            #expect(batch.records.count == batch.records.compactMap(\.reading).count)
            try source.committed(batch)
            if !batch.isEmpty { inserters.sourceSentBatch() }
            if batch.isEmpty {
                if finished { break }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
        let (inserted, failures, lateIDs) = inserters.results()
        #expect(failures.isEmpty, "\(failures)")
        #expect(inserted.count == 3 * Inserters.perWorker)
        #expect(delivered.count == inserted.count, "no document twice or lost")
        #expect(Set(delivered).symmetricDifference(inserted).isEmpty)
        // The held-back readings were stored after readings with larger ids had been sent, and still came.
        #expect(lateIDs.count == 20)
        for late in lateIDs {
            let index = try #require(delivered.firstIndex(of: late))
            #expect(delivered[..<index].contains { $0 > late })
        }
    }

    @Test func invalidDocumentsAreRejectedWithTheFieldAndValidOnesRead() throws {
        let stack = try Stack()
        let good: [String: Any] = [
            "sensor_id": "temperature-001", "sensor_type": "temperature", "value": 81.5,
            "ts": Date(timeIntervalSince1970: 1_780_000_000.123), "app": "bad-docs",
        ]
        func with(_ changes: [String: Any?]) -> [String: Any] {
            var document = good
            for (key, value) in changes { document[key] = value }
            return document
        }
        let objectID = "65a1b2c3d4e5f60718293a4b"
        let cases: [(id: Any, document: [String: Any], reason: String?)] = [
            (uuid(1), with(["ts": nil]), "field 'ts' is missing"),
            (uuid(2), with(["value": "hot"]), "field 'value' is a string"),
            (uuid(3), with(["ts": "not a date"]), "invalid ts 'not a date'"),
            ("not-a-uuid", good, "invalid id 'not-a-uuid'"),
            (uuid(5), with(["value": Double.nan]), "value is not a finite number"),
            (uuid(6), with(["sensor_id": nil, "app": true]), "field 'sensor_id' is missing; field 'app' is a bool"),
            (ObjectID(objectID), good, "field '_id' is an objectId"),
            (uuid(8), with(["value": NSNull()]), nil),
            (uuid(9), with(["value": Int32(-1)]), nil),
            (uuid(10), with(["value": Int64(-1), "ts": "2026-05-28T22:26:40.123+02:00"]), nil),
        ]
        for (id, document, _) in cases { try stack.raw.insert(["_id": id].merging(document) { $1 }) }

        let source = try MongoSource(config: stack.config)
        try source.resume(from: nil)
        let records = try drain(source, limit: 100).flatMap(\.records)
        #expect(records.count == cases.count)
        for (id, document, reason) in cases {
            let key = (id as? ObjectID)?.hex ?? id as! String
            let record = records.first { $0.key == key }
            if let reason {
                guard case .rejected(_, let raw, let actual)? = record else {
                    Issue.record("\(key) not rejected: \(String(describing: record))")
                    continue
                }
                #expect(actual == reason)
                #expect(raw.contains(key) && !raw.contains("sensorctl_batch"), "\(raw)")
            } else {
                let reading = try #require(record?.reading, "\(key): \(String(describing: record))")
                #expect(reading.value == (document["value"] is NSNull ? nil : -1))
                #expect(reading.timestamp == Timestamp(milliseconds: 1_780_000_000_123))
            }
        }
    }

    @Test func aMalformedCheckpointIsADataError() throws {
        let stack = try Stack()
        let source = try MongoSource(config: stack.config)
        let malformed = [
            "", "{}", "not json", #"{"batch":"3"}"#, #"{"batch":1.5}"#, #"{"batch":-1}"#, #"{"batch":2,"x":1}"#,
            #"{"batch":3"#, #"[3]"#,
        ]
        for text in malformed {
            let error = try #require(throws: SensorError.self, "\(text)") {
                try source.resume(from: Array(text.utf8))
            }
            #expect(error.code == .data && error.description.contains("malformed checkpoint"), "\(error)")
        }
        let fresh = try MongoSource(config: stack.config)
        let error = try #require(throws: SensorError.self) { _ = try fresh.nextBatch(limit: 1) }
        #expect(error.description.contains("before resume"))
        try source.resume(from: Array(#"{"batch":41}"#.utf8))
        _ = try stack.insert(1, app: "checkpoint")
        #expect(try source.nextBatch(limit: 10).checkpoint == Array(#"{"batch":42}"#.utf8))
    }

    @Test func claimFieldsAreSafeFieldNames() {
        #expect(MongoSource.claimField(topic: "sensor.readings") == "sensorctl_batch_sensor_readings")
        #expect(MongoSource.claimField(topic: "a-B_9.$x é") == "sensorctl_batch_a_B_9__x__")
    }

    @Test func unreachableServerFailsFast() throws {
        let flags = [ConfigKey.mongoURL: "mongodb://127.0.0.1:\(try TestStack.closedPort())/x"]
        let config = try ConfigLoader(flags: flags, projectFile: "/nonexistent").load()
        let start = ContinuousClock.now
        let error = try #require(throws: SensorError.self) { _ = try MongoSource(config: config) }
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(error.code == .unavailable && error.service == "mongo")
    }

    /// nextBatch and committed until an empty batch.
    private func drain(_ source: MongoSource, limit: Int) throws -> [SourceBatch] {
        var batches: [SourceBatch] = []
        while true {
            let batch = try source.nextBatch(limit: limit)
            #expect(batch.records.count <= limit)
            if batch.isEmpty { return batches }
            try source.committed(batch)
            batches.append(batch)
        }
    }

    private func uuid(_ number: Int) -> String { "0190a0b0-0000-7000-8000-\(String(format: "%012d", number))" }
}
