import Foundation
import Testing

/// A directory of one test's own under the configured HDFS root (`SENSORCTL_HDFS_ROOT` + a unique suffix),
/// written and read through the WebHDFS REST API with curl, as any other client would — independent of
/// sensorctl's WebHDFS client. Removed (recursively) when the fixture goes away.
final class HDFSTestRoot {
    /// The directory's absolute HDFS path.
    let path: String
    private let baseURL: String
    private let user: String

    init(_ label: String) throws {
        let environment = ProcessInfo.processInfo.environment
        let hint = "is not set: run the tests with `make test` (or source .devstack/env)"
        baseURL = try #require(environment["SENSORCTL_HDFS_URL"], "SENSORCTL_HDFS_URL \(hint)")
        user = environment["SENSORCTL_HDFS_USER"] ?? "sensor_corp"
        let root = try #require(environment["SENSORCTL_HDFS_ROOT"], "SENSORCTL_HDFS_ROOT \(hint)")
        path = root + "/hdfscli-\(label)-\(UInt32.random(in: 0...UInt32.max))"
        try curl(["-X", "PUT", url(path, "MKDIRS")])
    }

    deinit { _ = try? curl(["-X", "DELETE", url(path, "DELETE", "&recursive=true")]) }

    /// The absolute path of `relative` below this directory.
    func absolute(_ relative: String) -> String { path + "/" + relative }

    /// Creates (or replaces) the file with exactly `content`: CREATE, then the 307 to the datanode.
    func write(_ relative: String, _ content: String) throws {
        try curl(["-X", "PUT", url(absolute(relative), "CREATE", "&overwrite=true")], upload: content)
    }

    /// Appends `content` to the file: APPEND, then the 307 to the datanode.
    func append(_ relative: String, _ content: String) throws {
        try curl(["-X", "POST", url(absolute(relative), "APPEND")], upload: content)
    }

    /// The files (not directories) directly in `directory` (absolute), as absolute paths in byte order,
    /// with their lengths.
    func files(in directory: String) throws -> [(path: String, length: Int)] {
        let data = try curl([url(directory, "LISTSTATUS")])
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let statuses = try #require(
            (object["FileStatuses"] as? [String: Any])?["FileStatus"] as? [[String: Any]])
        return statuses.filter { $0["type"] as? String == "FILE" }
            .compactMap { status in
                guard let name = status["pathSuffix"] as? String, let length = status["length"] as? Int
                else { return nil }
                return (directory + "/" + name, length)
            }
            .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The length of the file at `absolutePath`.
    func length(of absolutePath: String) throws -> Int {
        let data = try curl([url(absolutePath, "GETFILESTATUS")])
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require((object["FileStatus"] as? [String: Any])?["length"] as? Int)
    }

    private func url(_ path: String, _ operation: String, _ extra: String = "") -> String {
        "\(baseURL)/webhdfs/v1\(path)?op=\(operation)&user.name=\(user)\(extra)"
    }

    /// Runs curl (following redirects, failing on HTTP errors) and returns its output; with `upload`, sends
    /// those bytes as the body (`-T`, which curl sends again to the redirect's target).
    @discardableResult
    private func curl(_ arguments: [String], upload: String? = nil) throws -> Data {
        var body: URL?
        if let upload {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "hdfscli-\(UUID().uuidString)")
            try Data(upload.utf8).write(to: file)
            body = file
        }
        defer { body.map { try? FileManager.default.removeItem(at: $0) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["curl", "-sS", "-L", "--fail-with-body"] + (body.map { ["-T", $0.path] } ?? []) + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestToolError(
                "curl \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): "
                    + String(decoding: errors + output, as: UTF8.self))
        }
        return output
    }
}

/// A valid reading written by the tests themselves, as a CSV line, a JSON line, and a row of
/// `sensor_readings` (so that the independent SQL computation sees exactly what the files hold).
struct TestReading {
    let id = UUID().uuidString.lowercased()
    let sensorID: String
    let sensorType: String
    let value: Double?
    let ts: String

    /// `offset` milliseconds after now, so these readings are the sensor's latest.
    init(_ sensorID: String, _ sensorType: String, _ value: Double?, offset: Int) {
        self.sensorID = sensorID
        self.sensorType = sensorType
        self.value = value
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        ts = formatter.string(from: Date().addingTimeInterval(Double(offset) / 1000))
    }

    var csv: String {
        "\(id),\(sensorID),\(sensorType),\(value.map { String($0) } ?? ""),\(ts),hdfs-test\n"
    }

    var json: String {
        #"{"id":"\#(id)","sensor_id":"\#(sensorID)","sensor_type":"\#(sensorType)","#
            + #""value":\#(value.map { String($0) } ?? "null"),"ts":"\#(ts)","app":"hdfs-test"}"#
            + "\n"
    }

    /// Inserts the readings into the test database's `sensor_readings`.
    static func insert(_ readings: [TestReading], into session: PostgresTestSession) throws {
        for reading in readings {
            try session.query(
                """
                INSERT INTO sensor_readings (id, sensor_id, sensor_type, value, ts, app)
                VALUES ($1::uuid, $2, $3, $4::float8, $5::timestamptz, 'hdfs-test')
                """,
                [
                    reading.id, reading.sensorID, reading.sensorType, reading.value.map { String($0) },
                    reading.ts,
                ])
        }
    }
}
