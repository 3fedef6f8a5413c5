import CCurl
import SensorCore

/// libcurl's global state must be set up once per process before any handle exists, and
/// `curl_global_init` itself was not thread-safe before 7.84. A global `let` is initialised lazily under
/// `swift_once`, so the first client to touch it initialises curl exactly once, whatever the thread.
private let curlGlobalInitResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

/// The only type of sensorctl that talks to libcurl: a WebHDFS client for one namenode and one user.
///
/// It owns one CURL easy handle for its whole life and reuses it for every request, so the connections
/// to the namenode and the datanodes stay open (curl keeps a small connection cache per easy handle).
/// The handle is created in `init` and freed in `deinit`, never shared: the class is not `Sendable` and
/// must be used by one thread at a time (each sink and probe creates its own client).
///
/// The operations themselves are in `WebHDFSClient+Operations.swift`; errors are mapped in
/// `WebHDFSClient+Errors.swift`.
final class WebHDFSClient {
    enum Method: String {
        case get = "GET", put = "PUT", post = "POST", delete = "DELETE"
    }

    struct Response {
        var status: Int
        var body: [UInt8]
        /// The absolute target of a 3xx answer (curl resolves a relative `Location`), when not followed.
        var redirectURL: String?
    }

    /// `SensorConfig.hdfsURL` without a trailing slash; may carry credentials, so never print it raw.
    let baseURL: String
    let user: String
    /// `baseURL` redacted, for every error.
    let endpoint: String
    /// Total time allowed for a metadata request (namenode JSON calls, redirect steps). Data transfers are
    /// bounded by a stall detector instead, so that a large upload on a slow link is not cut off.
    let requestTimeoutSeconds: Int

    static let connectTimeoutMilliseconds = 5_000
    /// A transfer that moves no byte for this long is abandoned (covers dead peers and stuck datanodes).
    static let stallSeconds = 60

    private let handle: UnsafeMutableRawPointer
    /// curl writes its detailed error text here; owned by this client, freed in `deinit`.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Header lists must outlive each transfer (curl does not copy them); built once, freed in `deinit`.
    private let uploadHeaders: UnsafeMutablePointer<curl_slist>?
    private let emptyBodyHeaders: UnsafeMutablePointer<curl_slist>?
    /// Filled by `receiveBody` during `curl_easy_perform`.
    fileprivate var received: [UInt8] = []

    init(baseURL: String, user: String, requestTimeoutSeconds: Int = 30) throws(SensorError) {
        var trimmed = baseURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.baseURL = trimmed
        self.user = user
        self.endpoint = Redact.endpoint(trimmed)
        self.requestTimeoutSeconds = requestTimeoutSeconds
        guard curlGlobalInitResult == CURLE_OK, let handle = curl_easy_init() else {
            throw SensorError(.failure, service: "hdfs", endpoint: trimmed, "libcurl could not be initialised")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        // "Expect:" with no value stops curl from waiting for a 100-continue the datanode need not send:
        // the two-step protocol already made sure the body goes to the right place.
        uploadHeaders = Self.headerList(["Content-Type: application/octet-stream", "Expect:"])
        emptyBodyHeaders = Self.headerList(["Content-Type:", "Expect:"])
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(uploadHeaders)
        curl_slist_free_all(emptyBodyHeaders)
        errorBuffer.deallocate()
    }

    /// Sends one request and returns the answer whatever its status; throws only when no answer came.
    ///
    /// - Parameters:
    ///   - body: sent as the request body with `Content-Type: application/octet-stream`; PUT and POST
    ///     without a body still send `Content-Length: 0`.
    ///   - followRedirects: false for the namenode step of CREATE/APPEND, whose 307 must be read, not followed.
    ///   - isTransfer: a data transfer, bounded by the stall detector rather than `requestTimeoutSeconds`.
    func send(
        _ method: Method, _ url: String, body: UnsafeRawBufferPointer? = nil, followRedirects: Bool = false,
        isTransfer: Bool = false, describing operation: String
    ) throws(SensorError) -> Response {
        // Reset drops the previous request's options but keeps the connection cache (connection reuse).
        curl_easy_reset(handle)
        received = []
        errorBuffer[0] = 0
        try setOption(CURLOPT_URL, url)
        try setOption(CURLOPT_NOSIGNAL, 1)  // timeouts without SIGALRM: safe in a multi-threaded process
        try setOption(CURLOPT_CONNECTTIMEOUT_MS, Self.connectTimeoutMilliseconds)
        try setOption(CURLOPT_LOW_SPEED_LIMIT, 1)
        try setOption(CURLOPT_LOW_SPEED_TIME, Self.stallSeconds)
        if !isTransfer { try setOption(CURLOPT_TIMEOUT, requestTimeoutSeconds) }
        try setOption(CURLOPT_FOLLOWLOCATION, followRedirects ? 1 : 0)
        try setOption(CURLOPT_MAXREDIRS, 5)
        try setOption(CURLOPT_USERAGENT, "sensorctl")
        try check(sensorctl_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        try check(sensorctl_curl_setopt_write_function(handle, receiveBody))
        try check(sensorctl_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque()))
        if method != .get { try setOption(CURLOPT_CUSTOMREQUEST, method.rawValue) }

        if method == .put || method == .post {
            let headers = body == nil ? emptyBodyHeaders : uploadHeaders
            try check(sensorctl_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers))
            if let body, body.count > 0, let start = body.baseAddress {
                // POSTFIELDS is not copied: the bytes stay valid because the caller's closure encloses perform.
                try check(sensorctl_curl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                let bytes = UnsafeMutableRawPointer(mutating: start)
                try check(sensorctl_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes))
            } else {
                // An explicit empty body, so that PUT/POST carry `Content-Length: 0` (some proxies insist).
                try setOption(CURLOPT_COPYPOSTFIELDS, "")
            }
        }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { throw transportError(code, url: url, operation: operation) }

        var status = 0
        try check(sensorctl_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status))
        var redirect: UnsafeMutablePointer<CChar>?
        try check(sensorctl_curl_getinfo_string(handle, CURLINFO_REDIRECT_URL, &redirect))
        return Response(status: status, body: received, redirectURL: redirect.map { String(cString: $0) })
    }

    /// The text curl wrote into the error buffer for the last failure, or its generic description.
    func curlErrorText(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    private func setOption(_ option: CURLoption, _ value: Int) throws(SensorError) {
        try check(sensorctl_curl_setopt_long(handle, option, value))
    }

    private func setOption(_ option: CURLoption, _ value: String) throws(SensorError) {
        try check(sensorctl_curl_setopt_string(handle, option, value))
    }

    private func check(_ code: CURLcode) throws(SensorError) {
        guard code != CURLE_OK else { return }
        throw SensorError(
            .failure, service: "hdfs", endpoint: endpoint,
            "libcurl rejected an option: \(String(cString: curl_easy_strerror(code)))")
    }

    private static func headerList(_ lines: [String]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines { list = curl_slist_append(list, line) }
        return list
    }
}

/// curl's write callback: appends the received bytes to the client passed as user data.
private func receiveBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let length = size * count
    let client = Unmanaged<WebHDFSClient>.fromOpaque(context).takeUnretainedValue()
    UnsafeRawBufferPointer(start: data, count: length).withMemoryRebound(to: UInt8.self) {
        client.received.append(contentsOf: $0)
    }
    return length
}
