import CCurl
import Foundation
import SensorCore
import Testing

@testable import SensorAdapters

/// The HDFS sinks, probe and WebHDFS client against the running WebHDFS server (namenode + datanode).
/// Each test works under its own `hdfs.root`; what the sinks stored is read back over raw HTTP, not through
/// `WebHDFSClient`, so a client bug cannot hide itself.
@Suite("HDFS file sinks")
struct HDFSSinkTests {
    /// The stack's configuration with a fresh `hdfs.root` no other test uses.
    static func freshConfig(sourceLocation: SourceLocation = #_sourceLocation) throws -> SensorConfig {
        _ = try TestStack.config(sourceLocation: sourceLocation)
        let root = "/tmp-tests/" + TestStack.uniqueName("hdfs")
        return try ConfigLoader(
            flags: [.hdfsRoot: root], environment: ProcessInfo.processInfo.environment, projectFile: "/nonexistent"
        ).load()
    }

    @Test("stores exactly the readings it is given, rotating files", arguments: [HDFSFileSink.Format.csv, .jsonLines])
    func conformance(format: HDFSFileSink.Format) throws {
        let config = try Self.freshConfig()
        let runID = TestStack.uniqueName("run")
        let sink = try HDFSFileSink(format: format, config: config, options: SinkOptions(fileRows: 600, runID: runID))
        let raw = RawWebHDFS(config: config)
        let ext = format == .csv ? "csv" : "json"
        let directory = config.hdfsRoot + "/" + ext

        try SinkConformance.check(sink, count: 1500, batchSize: 400) { app in
            let names = try raw.list(directory)
            // 1500 rows at 600 per file: two full files and a last one, and no temporary file left behind.
            #expect(names == (1...3).map { "readings-\(runID)-0000\($0).\(ext)" })
            var stored: [Reading] = []
            for name in names {
                let lines = try raw.lines(of: directory + "/" + name)
                var rows = lines[...]
                if format == .csv {
                    #expect(rows.first == CSVCodec.header, "\(name) starts with the CSV header")
                    rows = rows.dropFirst()
                }
                #expect(rows.count == (name.contains("00003") ? 300 : 600), "rows in \(name)")
                for line in rows {
                    let reading = try (format == .csv ? CSVCodec.decode(line) : JSONLinesCodec.decode(line)).get()
                    if reading.app == app { stored.append(reading) }
                }
            }
            return stored
        }
    }

    @Test("setup creates the directories once; check reports them")
    func setupIsIdempotent() throws {
        let config = try Self.freshConfig()
        let probe = HDFSProbe(config: config)
        #expect(try probe.check().contains("run sensorctl setup"))
        let first = try probe.setup()
        #expect(first.map(\.object) == ["csv", "json"].map { "directory \(config.hdfsRoot)/\($0)" })
        #expect(first.allSatisfy { $0.outcome == .created })
        let second = try probe.setup()
        #expect(second.count == 2 && second.allSatisfy { $0.outcome == .present })
        let detail = try probe.check()
        #expect(detail.contains("present") && !detail.contains("missing"), "\(detail)")
    }

    @Test("readers see only complete files: hidden while written, renamed when full or finished")
    func visibility() throws {
        let config = try Self.freshConfig()
        let runID = TestStack.uniqueName("run")
        let sink = try HDFSFileSink(format: .csv, config: config, options: SinkOptions(fileRows: 500, runID: runID))
        let raw = RawWebHDFS(config: config)
        let directory = config.hdfsRoot + "/csv"
        var generator = ReadingGenerator(profile: GeneratorProfile(kind: .good, app: "visibility", seed: 7))
        func batch(_ count: Int) -> [Reading] { (0..<count).map { _ in generator.next() } }

        try sink.write(batch(300))
        #expect(try raw.list(directory) == [".readings-\(runID)-00001.csv.tmp"])
        #expect(try raw.lines(of: directory + "/.readings-\(runID)-00001.csv.tmp").count == 301)

        try sink.write(batch(300))
        #expect(try raw.list(directory) == [".readings-\(runID)-00002.csv.tmp", "readings-\(runID)-00001.csv"])
        #expect(try raw.lines(of: directory + "/readings-\(runID)-00001.csv").count == 501)

        try sink.finish()
        #expect(try raw.list(directory) == ["readings-\(runID)-00001.csv", "readings-\(runID)-00002.csv"])
        #expect(try raw.lines(of: directory + "/readings-\(runID)-00002.csv").count == 101)
    }

    @Test("a run without readings creates no file")
    func emptyRun() throws {
        let config = try Self.freshConfig()
        let sink = try HDFSFileSink(format: .jsonLines, config: config, options: SinkOptions(runID: "empty"))
        try sink.write([])
        try sink.finish()
        #expect(try RawWebHDFS(config: config).list(config.hdfsRoot + "/json").isEmpty)
    }

    @Test("an unreachable namenode is .unavailable, fast, and never shows the password")
    func unreachable() throws {
        let url = "http://user:s3cret@127.0.0.1:\(try TestStack.closedPort())"
        let config = try ConfigLoader(flags: [.hdfsURL: url], projectFile: "/nonexistent").load()
        let started = ContinuousClock.now
        let sinkError = #expect(throws: SensorError.self) {
            _ = try HDFSFileSink(format: .csv, config: config, options: SinkOptions(runID: "unreachable"))
        }
        let probeError = #expect(throws: SensorError.self) { _ = try HDFSProbe(config: config).check() }
        #expect(ContinuousClock.now - started < .seconds(10))
        for error in [sinkError, probeError].compactMap({ $0 }) {
            #expect(error.code == .unavailable && error.isRetriable)
            #expect(error.service == "hdfs")
            #expect(!error.description.contains("s3cret"), "\(error.description)")
            #expect(error.description.contains("127.0.0.1"), "\(error.description)")
        }
    }

    @Test("WebHDFS RemoteExceptions become readable errors naming the operation and path")
    func remoteExceptions() throws {
        let config = try Self.freshConfig()
        let client = try WebHDFSClient(baseURL: config.hdfsURL, user: config.hdfsUser)
        let root = config.hdfsRoot
        try client.mkdirs(root)

        let missing = #expect(throws: SensorError.self) { _ = try client.open(root + "/missing.csv") }
        #expect(missing?.code == .io)
        #expect(missing?.message.contains("OPEN \(root)/missing.csv failed: FileNotFoundException") == true)
        #expect(try client.fileStatus(root + "/missing.csv") == nil)
        #expect(throws: SensorError.self) { try client.append(root + "/missing.csv", Array("x\n".utf8)) }

        try client.create(root + "/a", Array("a\n".utf8), overwrite: false)
        try client.create(root + "/b", Array("b\n".utf8), overwrite: false)
        let exists = #expect(throws: SensorError.self) {
            try client.create(root + "/a", Array("again\n".utf8), overwrite: false)
        }
        #expect(exists?.message.contains("CREATE \(root)/a failed: FileAlreadyExistsException") == true, "\(exists!)")
        // HDFS refuses to rename onto an existing file by answering false, not with an exception.
        #expect(try client.rename(root + "/a", to: root + "/b") == false)
        #expect(try client.open(root + "/b") == Array("b\n".utf8))

        // Names that need percent-encoding survive the round trip.
        let odd = root + "/odd name ü+%#?.txt"
        try client.create(odd, Array("odd\n".utf8), overwrite: true)
        try client.append(odd, Array("more\n".utf8))
        #expect(try client.open(odd) == Array("odd\nmore\n".utf8))
        #expect(try client.listStatus(root).map(\.pathSuffix).contains("odd name ü+%#?.txt"))
        #expect(try client.delete(root, recursive: true))
        #expect(try client.delete(root, recursive: true) == false)
    }

    @Test("a refused rename at finish is an error, and the rows stay in the temporary file")
    func refusedRename() throws {
        let config = try Self.freshConfig()
        let runID = TestStack.uniqueName("run")
        let sink = try HDFSFileSink(format: .jsonLines, config: config, options: SinkOptions(runID: runID))
        var generator = ReadingGenerator(profile: GeneratorProfile(kind: .good, app: "rename", seed: 9))
        try sink.write((0..<10).map { _ in generator.next() })
        // Another writer took the final name meanwhile.
        let client = try WebHDFSClient(baseURL: config.hdfsURL, user: config.hdfsUser)
        try client.create(config.hdfsRoot + "/json/readings-\(runID)-00001.json", [], overwrite: false)
        let error = #expect(throws: SensorError.self) { try sink.finish() }
        #expect(error?.code == .io)
        #expect(error?.message.contains("RENAME") == true && error?.message.contains("refused") == true)
        #expect(try RawWebHDFS(config: config).lines(of: config.hdfsRoot + "/json/.readings-\(runID)-00001.json.tmp")
            .count == 10)
    }

    @Test("after a failed write nothing is published")
    func failedWrite() throws {
        let config = try Self.freshConfig()
        let runID = TestStack.uniqueName("run")
        let sink = try HDFSFileSink(format: .csv, config: config, options: SinkOptions(runID: runID))
        // A leftover with the hidden name: CREATE (overwrite=false) must refuse it rather than clobber it.
        let client = try WebHDFSClient(baseURL: config.hdfsURL, user: config.hdfsUser)
        try client.create(config.hdfsRoot + "/csv/.readings-\(runID)-00001.csv.tmp", [], overwrite: false)
        var generator = ReadingGenerator(profile: GeneratorProfile(kind: .good, app: "failed", seed: 3))
        let writeError = #expect(throws: SensorError.self) { try sink.write([generator.next()]) }
        #expect(writeError?.message.contains("FileAlreadyExistsException") == true)
        #expect(throws: SensorError.self) { try sink.finish() }
        #expect(try RawWebHDFS(config: config).list(config.hdfsRoot + "/csv") == [".readings-\(runID)-00001.csv.tmp"])
    }
}

extension HDFSSinkTests {
    /// `SENSORCTL_HDFS_BENCH_ROWS=100000 swift test --filter HDFSSinkTests/throughput` prints rows/s and MB/s.
    @Test(
        "upload throughput", .enabled(if: ProcessInfo.processInfo.environment["SENSORCTL_HDFS_BENCH_ROWS"] != nil))
    func throughput() throws {
        let rows = Int(ProcessInfo.processInfo.environment["SENSORCTL_HDFS_BENCH_ROWS"] ?? "") ?? 100_000
        let config = try Self.freshConfig()
        for format in [HDFSFileSink.Format.csv, .jsonLines] {
            var generator = ReadingGenerator(profile: GeneratorProfile(kind: .good, app: "bench", seed: 1))
            let batches = (0..<(rows / 10_000)).map { _ in (0..<10_000).map { _ in generator.next() } }
            let sink = try HDFSFileSink(format: format, config: config, options: SinkOptions(runID: "bench"))
            let started = ContinuousClock.now
            for batch in batches { try sink.write(batch) }
            try sink.finish()
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            let client = try WebHDFSClient(baseURL: config.hdfsURL, user: config.hdfsUser)
            let directory = config.hdfsRoot + "/" + format.directoryName
            let bytes = try client.listStatus(directory).reduce(0) { $0 + $1.length }
            print(
                "hdfs \(format): \(batches.count * 10_000) rows, \(bytes) bytes in \(seconds) s:",
                "\(Int(Double(batches.count * 10_000) / seconds)) rows/s, \(Double(bytes) / seconds / 1e6) MB/s")
        }
    }
}

/// A minimal WebHDFS reader with its own libcurl handle (LISTSTATUS, and OPEN following the 307), so that
/// what the sinks stored is checked independently of `WebHDFSClient`.
struct RawWebHDFS {
    let base: String
    let user: String

    init(config: SensorConfig) {
        base = config.hdfsURL
        user = config.hdfsUser
    }

    /// The sorted names in `directory`.
    func list(_ directory: String) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(try get(directory, op: "LISTSTATUS"))) as? [String: Any]
        let entries = (json?["FileStatuses"] as? [String: Any])?["FileStatus"] as? [[String: Any]]
        return try #require(entries).compactMap { $0["pathSuffix"] as? String }.sorted()
    }

    /// The lines of a text file, which must end with a newline.
    func lines(of path: String) throws -> [String] {
        let text = String(decoding: try get(path, op: "OPEN"), as: UTF8.self)
        #expect(text.hasSuffix("\n"), "\(path) ends with a newline")
        return text.split(separator: "\n").map(String.init)
    }

    /// Test paths are plain ASCII, so they go into the URL as they are.
    private func get(_ path: String, op: String) throws -> [UInt8] {
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        let sink = ByteCollector()
        _ = sensorctl_curl_setopt_string(handle, CURLOPT_URL, "\(base)/webhdfs/v1\(path)?op=\(op)&user.name=\(user)")
        _ = sensorctl_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        _ = sensorctl_curl_setopt_long(handle, CURLOPT_TIMEOUT, 30)
        _ = sensorctl_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = sensorctl_curl_setopt_write_function(handle) { data, size, count, context in
            let collector = Unmanaged<ByteCollector>.fromOpaque(context!).takeUnretainedValue()
            collector.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        _ = sensorctl_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque())
        let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        try #require(code == CURLE_OK, "GET \(op) \(path): \(String(cString: curl_easy_strerror(code)))")
        var status = 0
        _ = sensorctl_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        try #require(status == 200, "GET \(op) \(path): HTTP \(status) \(String(decoding: sink.bytes, as: UTF8.self))")
        return sink.bytes
    }
}

private final class ByteCollector {
    var bytes: [UInt8] = []
}
