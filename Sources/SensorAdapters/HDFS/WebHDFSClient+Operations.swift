import Foundation
import SensorCore

/// One entry of GETFILESTATUS / LISTSTATUS (the fields sensorctl uses).
struct FileStatus: Sendable, Equatable {
    enum Kind: String, Sendable {
        case file = "FILE", directory = "DIRECTORY", symlink = "SYMLINK"
    }

    /// The name inside the listed directory; empty for GETFILESTATUS.
    var pathSuffix: String
    var type: Kind
    /// Bytes; 0 for directories.
    var length: Int64
    /// Milliseconds since the Unix epoch.
    var modificationTime: Int64

    init(pathSuffix: String, type: Kind, length: Int64, modificationTime: Int64) {
        self.pathSuffix = pathSuffix
        self.type = type
        self.length = length
        self.modificationTime = modificationTime
    }

    init?(json: [String: Any]) {
        guard let kind = (json["type"] as? String).flatMap(Kind.init(rawValue:)) else { return nil }
        self.init(
            pathSuffix: json["pathSuffix"] as? String ?? "", type: kind,
            length: (json["length"] as? NSNumber)?.int64Value ?? 0,
            modificationTime: (json["modificationTime"] as? NSNumber)?.int64Value ?? 0)
    }
}

/// The WebHDFS operations sensorctl needs. Paths are absolute HDFS paths (`/user/sensor_corp/csv/x.csv`).
extension WebHDFSClient {
    /// Writes a new file in two steps: the namenode names a datanode (307), the bytes go there (201).
    func create(_ path: String, _ bytes: [UInt8], overwrite: Bool) throws(SensorError) {
        try upload(.put, "CREATE", path, bytes, parameters: [("overwrite", overwrite ? "true" : "false")], expect: 201)
    }

    /// Appends to an existing file, in the same two steps as `create` (POST, 307, then 200).
    func append(_ path: String, _ bytes: [UInt8]) throws(SensorError) {
        try upload(.post, "APPEND", path, bytes, parameters: [], expect: 200)
    }

    /// The whole content of a file; curl follows the namenode's 307 to the datanode (GET is safe to follow).
    func open(_ path: String) throws(SensorError) -> [UInt8] {
        let response = try send(
            .get, url(path, op: "OPEN"), followRedirects: true, isTransfer: true, describing: "OPEN \(path)")
        guard response.status == 200 else { throw remoteError(response, operation: "OPEN", path: path, expected: 200) }
        return response.body
    }

    /// At most `length` bytes of `path` from byte `offset` (fewer at the end of the file), so that a reader's
    /// memory is bounded by `length` whatever the file's size; nil when the file no longer exists.
    func open(_ path: String, offset: Int64, length: Int64) throws(SensorError) -> [UInt8]? {
        let parameters = [("offset", String(offset)), ("length", String(length))]
        let response = try send(
            .get, url(path, op: "OPEN", parameters), followRedirects: true, isTransfer: true,
            describing: "OPEN \(path)")
        if response.status == 404, Self.remoteException(in: response.body)?.exception == "FileNotFoundException" {
            return nil
        }
        guard response.status == 200 else { throw remoteError(response, operation: "OPEN", path: path, expected: 200) }
        // A server ignoring `length` must not make the caller take bytes it did not ask for.
        return response.body.count > length ? Array(response.body.prefix(Int(length))) : response.body
    }

    /// The status of `path`, or nil when it does not exist (404 `FileNotFoundException`).
    func fileStatus(_ path: String) throws(SensorError) -> FileStatus? {
        let response = try send(.get, url(path, op: "GETFILESTATUS"), describing: "GETFILESTATUS \(path)")
        // Only a genuine FileNotFoundException means "absent": a bare 404 is more likely a wrong hdfs.url.
        if response.status == 404, Self.remoteException(in: response.body)?.exception == "FileNotFoundException" {
            return nil
        }
        guard response.status == 200 else {
            throw remoteError(response, operation: "GETFILESTATUS", path: path, expected: 200)
        }
        guard let object = Self.jsonObject(response.body)?["FileStatus"] as? [String: Any],
            let status = FileStatus(json: object)
        else { throw malformed("GETFILESTATUS", path, "a FileStatus object") }
        return status
    }

    /// The entries of a directory (for a file, the file itself with an empty `pathSuffix`).
    func listStatus(_ directory: String) throws(SensorError) -> [FileStatus] {
        let response = try send(.get, url(directory, op: "LISTSTATUS"), describing: "LISTSTATUS \(directory)")
        guard response.status == 200 else {
            throw remoteError(response, operation: "LISTSTATUS", path: directory, expected: 200)
        }
        guard let statuses = Self.jsonObject(response.body)?["FileStatuses"] as? [String: Any],
            let entries = statuses["FileStatus"] as? [[String: Any]]
        else { throw malformed("LISTSTATUS", directory, "a FileStatuses object") }
        var result: [FileStatus] = []
        for entry in entries {
            guard let status = FileStatus(json: entry) else { throw malformed("LISTSTATUS", directory, "FileStatus") }
            result.append(status)
        }
        return result
    }

    /// Creates the directory and its missing parents; succeeds when it already exists.
    func mkdirs(_ path: String) throws(SensorError) {
        guard try booleanOperation(.put, "MKDIRS", path) else {
            throw SensorError(.io, service: "hdfs", endpoint: endpoint, "MKDIRS \(path): the namenode answered false")
        }
    }

    /// HDFS's rename: false (not an exception) when it could not rename, typically because `destination`
    /// exists as a file or `source` does not exist. A `destination` that is a directory receives `source`
    /// inside it, so callers that want an exact name must pick one that does not exist.
    func rename(_ source: String, to destination: String) throws(SensorError) -> Bool {
        try booleanOperation(.put, "RENAME", source, parameters: [("destination", destination)])
    }

    /// Deletes a file or directory; false when there was nothing to delete.
    @discardableResult
    func delete(_ path: String, recursive: Bool) throws(SensorError) -> Bool {
        try booleanOperation(.delete, "DELETE", path, parameters: [("recursive", recursive ? "true" : "false")])
    }

    // MARK: - Plumbing

    private func upload(
        _ method: Method, _ op: String, _ path: String, _ bytes: [UInt8], parameters: [(String, String)],
        expect expected: Int
    ) throws(SensorError) {
        // Step 1: no body, no redirect following; the namenode picks the datanode.
        let redirect = try send(method, url(path, op: op, parameters), describing: "\(op) \(path)")
        guard redirect.status == 307 else {
            throw remoteError(redirect, operation: op, path: path, expected: 307)
        }
        guard let location = redirect.redirectURL, !location.isEmpty else {
            throw malformed(op, path, "a Location header with the 307")
        }
        // Step 2: the bytes go to the datanode, which answers 201 (CREATE) or 200 (APPEND).
        // `withUnsafeBytes` is untyped-rethrows: carry the typed error out in a Result.
        let stored = try bytes.withUnsafeBytes { body in
            Result { () throws(SensorError) -> Response in
                try send(method, location, body: body, isTransfer: true, describing: "\(op) \(path)")
            }
        }.get()
        guard stored.status == expected else {
            throw remoteError(stored, operation: op, path: path, expected: expected)
        }
    }

    /// Operations answering `{"boolean": …}`.
    private func booleanOperation(
        _ method: Method, _ op: String, _ path: String, parameters: [(String, String)] = []
    ) throws(SensorError) -> Bool {
        let response = try send(method, url(path, op: op, parameters), describing: "\(op) \(path)")
        guard response.status == 200 else { throw remoteError(response, operation: op, path: path, expected: 200) }
        guard let value = Self.jsonObject(response.body)?["boolean"] as? Bool else {
            throw malformed(op, path, "a boolean object")
        }
        return value
    }

    private func malformed(_ op: String, _ path: String, _ expected: String) -> SensorError {
        SensorError(.io, service: "hdfs", endpoint: endpoint, "\(op) \(path): the answer is not \(expected)")
    }

    /// `<base>/webhdfs/v1/<path>?op=…&user.name=…`, each path segment and query value percent-encoded.
    func url(_ path: String, op: String, _ parameters: [(String, String)] = []) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var url = baseURL + "/webhdfs/v1"
        url += segments.isEmpty ? "/" : segments.map { "/" + Self.percentEncode($0, keepingSlash: false) }.joined()
        url += "?op=" + op + "&user.name=" + Self.percentEncode(user, keepingSlash: false)
        for (name, value) in parameters {
            url += "&" + name + "=" + Self.percentEncode(value, keepingSlash: true)
        }
        return url
    }

    /// RFC 3986: everything but unreserved characters becomes `%XX` of its UTF-8 bytes.
    static func percentEncode(_ text: some StringProtocol, keepingSlash: Bool) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: "/") where keepingSlash:
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
