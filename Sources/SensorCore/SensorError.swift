/// The one error type of sensorctl. Adapters map C-library errors into it at their boundary.
///
/// `description` is what users see: it names the service and the endpoint, and never carries a secret
/// (endpoints are redacted by whoever builds the error, with `Redact.endpoint`).
public struct SensorError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case usage, config, unavailable, data, io, failure
    }

    public var code: Code
    /// The service involved (`postgres`, `mongo`, `kafka`, `hdfs`), if any.
    public var service: String?
    /// A redacted endpoint (never a raw URL with a password).
    public var endpoint: String?
    public var message: String
    /// True when retrying the same operation later may succeed (network, broker, timeouts).
    public var isRetriable: Bool

    public init(
        _ code: Code, service: String? = nil, endpoint: String? = nil, _ message: String, isRetriable: Bool = false
    ) {
        self.code = code
        self.service = service
        self.endpoint = endpoint.map(Redact.endpoint)
        self.message = Redact.secrets(in: message)
        self.isRetriable = isRetriable
    }

    /// The process exit code, following sysexits(3).
    public var exitCode: Int32 {
        switch code {
        case .usage: ExitCode.usage
        case .data: ExitCode.dataError
        case .unavailable: ExitCode.unavailable
        case .config: ExitCode.config
        case .io, .failure: ExitCode.failure
        }
    }

    public var description: String {
        service.map { "\($0): \(detail)" } ?? detail
    }

    /// The message and the endpoint, without the service name (for lines that already start with it).
    public var detail: String {
        endpoint.map { "\(message) (endpoint \($0))" } ?? message
    }

    /// A service could not be reached or answered with a transient failure.
    public static func unavailable(_ service: String, _ endpoint: String, _ message: String) -> SensorError {
        SensorError(.unavailable, service: service, endpoint: endpoint, message, isRetriable: true)
    }
}

/// Exit codes, following sysexits(3).
public enum ExitCode {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    public static let usage: Int32 = 64
    public static let dataError: Int32 = 65
    public static let unavailable: Int32 = 69
    public static let config: Int32 = 78
}
