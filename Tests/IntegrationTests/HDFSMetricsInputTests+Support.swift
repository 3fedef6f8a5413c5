import Foundation
import SensorCore
import Testing

@testable import SensorAdapters

/// A ledger stand-in: the manifest as a dictionary, committed the way `MetricLedger` commits (an advance is
/// refused unless its `previous` is what is stored), and what the job loop saw.
final class HDFSFakeManifest {
    var positions: [String: SourcePosition] = [:]
    var readings: [Reading] = []
    var rejects: [JobReject] = []
    var batches: [InputBatch] = []

    /// Stores the batch's positions and keeps its records, as a successful commit does.
    func commit(_ batch: InputBatch, sourceLocation: SourceLocation = #_sourceLocation) {
        for advance in batch.advances {
            #expect(
                positions[advance.next.origin] == advance.previous,
                "advance of \(advance.next.origin) starts where stored",
                sourceLocation: sourceLocation)
            positions[advance.next.origin] = advance.next
        }
        readings += batch.readings
        rejects += batch.rejects
        batches.append(batch)
    }

    /// The stored progress of `path`.
    func progress(_ path: String) -> FileProgress? {
        if case .file(let progress)? = positions[path] { progress } else { nil }
    }
}

/// One unique HDFS root with a client to write files under it, and the job loop around `HDFSMetricsInput`.
struct HDFSInputFixture {
    let config: SensorConfig
    let root: String
    let client: WebHDFSClient
    var generator = ReadingGenerator(profile: GeneratorProfile(kind: .good, app: "hdfs-input", seed: 11))

    init(sourceLocation: SourceLocation = #_sourceLocation) throws {
        config = try TestStack.config(sourceLocation: sourceLocation)
        root = "/tmp-tests/" + TestStack.uniqueName("hdfs-input")
        client = try WebHDFSClient(baseURL: config.hdfsURL, user: config.hdfsUser)
        try client.mkdirs(root)
    }

    mutating func readings(_ count: Int) -> [Reading] {
        (0..<count).map { _ in generator.next() }
    }

    /// Writes `bytes` at `root/relativePath`, creating the directories.
    @discardableResult
    func write(_ relativePath: String, _ bytes: [UInt8]) throws -> String {
        let path = root + "/" + relativePath
        try client.create(path, bytes, overwrite: true)
        return path
    }

    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> String {
        try write(relativePath, Array(text.utf8))
    }

    func input(chunkBytes: Int = HDFSMetricsInput.defaultChunkBytes) throws -> HDFSMetricsInput {
        try HDFSMetricsInput(config: config, root: root, chunkBytes: chunkBytes)
    }

    /// Opens a fresh input on `manifest` and runs the job loop until it is caught up, committing every batch.
    @discardableResult
    func run(
        _ manifest: HDFSFakeManifest, limit: Int = 1000, chunkBytes: Int = HDFSMetricsInput.defaultChunkBytes,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> HDFSMetricsInput {
        let input = try self.input(chunkBytes: chunkBytes)
        try input.open { manifest.positions }
        var rounds = 0
        while !input.isCaughtUp {
            rounds += 1
            try #require(rounds < 10_000, "the input never catches up", sourceLocation: sourceLocation)
            let batch = try input.next(limit: limit, maxWait: .zero)
            #expect(
                batch.readings.count + batch.rejects.count <= limit, "a batch holds at most limit records",
                sourceLocation: sourceLocation)
            manifest.commit(batch, sourceLocation: sourceLocation)
            input.committed(batch)
        }
        input.close()
        return input
    }

    static func csv(_ readings: [Reading], header: Bool = true) -> String {
        var buffer: [UInt8] = []
        if header { CSVCodec.appendHeader(to: &buffer) }
        for reading in readings { CSVCodec.append(reading, to: &buffer) }
        return String(decoding: buffer, as: UTF8.self)
    }

    static func jsonLines(_ readings: [Reading]) -> String {
        var buffer: [UInt8] = []
        for reading in readings { JSONLinesCodec.append(reading, to: &buffer) }
        return String(decoding: buffer, as: UTF8.self)
    }
}
