import CCurl
import Foundation
import SensorCore

/// Maps curl failures and WebHDFS error answers into `SensorError`s at the adapter boundary.
///
/// Codes:
/// - no answer (refused, unresolvable, timed out, reset) → `.unavailable`, retriable;
/// - `RemoteException` answers → `.io`, except
///   - `AccessControlException` / `SecurityException` / `AuthorizationException` → `.config`: the namenode
///     works, but `hdfs.user` may not touch `hdfs.root`; retrying cannot help, fixing the configuration or
///     the HDFS permissions can (exit 78). WebHDFS also answers 403 for plain `IOException`s (for instance
///     `FileAlreadyExistsException`), so the code follows the exception name, not the status.
///   - `StandbyException`, `RetriableException`, `SafeModeException`, lease-recovery exceptions, HTTP
///     502/503/504 → `.unavailable`, retriable: an HA namenode in standby, a namenode starting up, or a file
///     whose previous writer's lease is being recovered answers differently later.
extension WebHDFSClient {
    struct RemoteException {
        var exception: String
        var javaClassName: String?
        var message: String
    }

    static let configExceptions: Set<String> = ["AccessControlException", "SecurityException", "AuthorizationException"]
    /// Lease recovery after an interrupted writer shows up as the last two on APPEND; they clear with time.
    static let transientExceptions: Set<String> = [
        "StandbyException", "RetriableException", "SafeModeException", "RecoveryInProgressException",
        "AlreadyBeingCreatedException",
    ]

    func transportError(_ code: CURLcode, url: String, operation: String) -> SensorError {
        let detail = curlErrorText(code)
        let target = url.hasPrefix(baseURL) ? "namenode" : "datanode \(Self.origin(of: url))"
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return SensorError(.config, service: "hdfs", endpoint: endpoint, "\(operation): bad URL (\(detail))")
        case CURLE_OPERATION_TIMEDOUT:
            return .unavailable("hdfs", endpoint, "\(operation): \(target) timed out (\(detail))")
        default:
            return .unavailable("hdfs", endpoint, "\(operation): cannot reach the \(target) (\(detail))")
        }
    }

    /// The error for an unexpected HTTP answer to `operation` on `path`.
    func remoteError(_ response: Response, operation: String, path: String, expected: Int) -> SensorError {
        let context = "\(operation) \(path)"
        guard let remote = Self.remoteException(in: response.body) else {
            let snippet = String(decoding: response.body.prefix(200), as: UTF8.self)
                .split(whereSeparator: \.isNewline).joined(separator: " ")
            let text = "\(context): HTTP \(response.status), expected \(expected)"
                + (snippet.isEmpty ? "" : " (\(snippet))")
            if [502, 503, 504].contains(response.status) { return .unavailable("hdfs", endpoint, text) }
            return SensorError(.io, service: "hdfs", endpoint: endpoint, text)
        }
        let text = "\(context) failed: \(remote.exception): \(remote.message) (HTTP \(response.status))"
        if Self.configExceptions.contains(remote.exception) {
            let hint = "; check hdfs.user and the permissions of hdfs.root"
            return SensorError(.config, service: "hdfs", endpoint: endpoint, text + hint)
        }
        if Self.transientExceptions.contains(remote.exception) || [502, 503, 504].contains(response.status) {
            return .unavailable("hdfs", endpoint, text)
        }
        return SensorError(.io, service: "hdfs", endpoint: endpoint, text)
    }

    /// `{"RemoteException":{"exception":…,"javaClassName":…,"message":…}}`, or nil for any other body.
    static func remoteException(in body: [UInt8]) -> RemoteException? {
        guard let object = jsonObject(body), let remote = object["RemoteException"] as? [String: Any] else {
            return nil
        }
        let javaClassName = remote["javaClassName"] as? String
        // `exception` is required by the schema; fall back on the class name's last component just in case.
        let name = (remote["exception"] as? String) ?? javaClassName?.split(separator: ".").last.map(String.init)
        return RemoteException(
            exception: name ?? "RemoteException", javaClassName: javaClassName,
            message: (remote["message"] as? String) ?? "")
    }

    static func jsonObject(_ body: [UInt8]) -> [String: Any]? {
        guard !body.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// `scheme://host:port` of a datanode URL: never its query, which may carry a delegation token.
    static func origin(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "(unknown)" }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? ""
        return String(url[..<schemeEnd.upperBound]) + hostPort
    }
}
