import CLibPQ
#if canImport(Glibc)
import Glibc
#endif
import SensorCore

/// The internal libpq wrapper: the only type that holds a `PGconn`.
///
/// Ownership: the connection is created in `init` and finished in `deinit`; results are cleared before each
/// method returns. A connection is used by one thread at a time (libpq's rule), which every caller respects
/// by owning its connection; hence no Sendable conformance.
final class PostgresConnection {
    private let handle: OpaquePointer
    /// The redacted URL, for messages.
    let endpoint: String

    /// Connects within `connectTimeout` seconds (unless the URL sets its own `connect_timeout`).
    init(url: String, connectTimeout: Int = 5) throws(SensorError) {
        endpoint = Redact.endpoint(url)
        let conninfo = Self.adding("application_name", "sensorctl", to: Self.adding("connect_timeout", "\(connectTimeout)", to: url))
        guard let connection = PQconnectdb(conninfo) else {
            throw SensorError(.failure, service: "postgres", endpoint: endpoint, "libpq could not allocate a connection")
        }
        handle = connection
        guard PQstatus(handle) == CONNECTION_OK else {
            // No PQfinish here: `handle` is set, so deinit runs when init throws and finishes it once.
            let reason = Self.trimmed(PQerrorMessage(handle))
            // A wrong password or role is a configuration problem, not an outage.
            if reason.contains("authentication failed") || reason.contains("does not exist") {
                throw SensorError(.config, service: "postgres", endpoint: endpoint, "cannot log in: \(reason)")
            }
            throw SensorError.unavailable("postgres", endpoint, "cannot connect: \(reason)")
        }
    }

    deinit {
        PQfinish(handle)
    }

    /// Runs a statement with text parameters (always parameterized, never interpolated) and returns the
    /// rows as text (`nil` for SQL NULL).
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws(SensorError) -> [[String?]] {
        let result = withCStringArray(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw failure(result, doing: sql)
        }
        var rows: [[String?]] = []
        for row in 0..<PQntuples(result) {
            rows.append(
                (0..<PQnfields(result)).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        return rows
    }

    /// Starts `COPY … FROM STDIN`; rows then go through `putCopyData` until `endCopy` commits them.
    func beginCopy(_ sql: String) throws(SensorError) {
        let start = PQexec(handle, sql)
        defer { PQclear(start) }
        guard PQresultStatus(start) == PGRES_COPY_IN else { throw failure(start, doing: sql) }
    }

    /// Sends COPY data. libpq blocks while the socket is full, which is the backpressure we want.
    func putCopyData(_ data: [UInt8]) throws(SensorError) {
        // Large chunks keep libpq's per-call overhead negligible.
        let chunk = 1 << 20
        let sent = data.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { bytes -> Bool in
                var offset = 0
                while offset < bytes.count {
                    let length = min(chunk, bytes.count - offset)
                    guard PQputCopyData(handle, bytes.baseAddress! + offset, Int32(length)) == 1 else { return false }
                    offset += length
                }
                return true
            }
        }
        guard sent else { throw connectionFailure(doing: "COPY") }
    }

    /// Ends the COPY, which commits it (it is one statement in autocommit mode); returns the rows stored.
    func endCopy() throws(SensorError) -> Int {
        guard PQputCopyEnd(handle, nil) == 1 else { throw connectionFailure(doing: "COPY") }
        var copied = 0
        var firstError: SensorError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if firstError == nil {
                firstError = failure(result, doing: "COPY")
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
        return copied
    }

    private func failure(_ result: OpaquePointer?, doing operation: String) -> SensorError {
        guard PQstatus(handle) == CONNECTION_OK else { return connectionFailure(doing: operation) }
        let message = result.map { Self.trimmed(PQresultErrorMessage($0)) } ?? Self.trimmed(PQerrorMessage(handle))
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        let summary = operation.split(separator: " ").prefix(2).joined(separator: " ")
        switch state {
        case "42P01"?:
            // undefined_table: the schema was never created here.
            return SensorError(
                .config, service: "postgres", endpoint: endpoint,
                "\(summary) failed: \(message); run `sensorctl setup` first")
        case let state? where state.hasPrefix("23"):
            // Class 23 is integrity violations (duplicate keys, nulls): the data is wrong, not the server.
            return SensorError(.data, service: "postgres", endpoint: endpoint, "\(summary) failed: \(message)")
        default:
            return SensorError(.io, service: "postgres", endpoint: endpoint, "\(summary) failed: \(message)")
        }
    }

    private func connectionFailure(doing operation: String) -> SensorError {
        SensorError.unavailable("postgres", endpoint, "connection lost during \(operation): \(Self.trimmed(PQerrorMessage(handle)))")
    }

    /// Adds a URL query parameter unless the user's URL already sets it.
    private static func adding(_ name: String, _ value: String, to url: String) -> String {
        url.contains("\(name)=") ? url : url + (url.contains("?") ? "&" : "?") + "\(name)=\(value)"
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        return String(cString: message).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// Calls `body` with a C array of C strings (NULL entries for nil) that lives for the duration of the call.
private func withCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
