import Foundation
import Testing

/// `devstack/tcp_proxy.py` in front of one service: a port the job is pointed at, switched off (connections
/// refused, open ones cut) and on again by the test, to take a service down without touching the shared stack.
final class TCPForwarder {
    let port: Int
    private let process = Process()
    private let commands = Pipe()
    private let replies = Pipe()

    init(to url: String) throws {
        let target = try #require(URLComponents(string: url), "malformed URL \(url)")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("devstack/tcp_proxy.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, target.host ?? "127.0.0.1", String(try #require(target.port))]
        process.standardInput = commands
        process.standardOutput = replies
        try process.run()
        port = try #require(Int(try Self.line(from: replies)), "tcp_proxy.py did not say its port")
    }

    deinit {
        try? commands.fileHandleForWriting.close()
        process.terminate()
    }

    /// `url` with this forwarder's port instead of the service's.
    func forwarding(_ url: String) throws -> String {
        var components = try #require(URLComponents(string: url))
        components.host = "127.0.0.1"
        components.port = port
        return try #require(components.string)
    }

    func stop() throws { try send("stop") }
    func start() throws { try send("start") }

    private func send(_ command: String) throws {
        commands.fileHandleForWriting.write(Data((command + "\n").utf8))
        try #require(try Self.line(from: replies) == "ok", "tcp_proxy.py refused \(command)")
    }

    private static func line(from pipe: Pipe) throws -> String {
        var bytes: [UInt8] = []
        while true {
            let data = pipe.fileHandleForReading.readData(ofLength: 1)
            guard let byte = data.first else { throw TestToolError("tcp_proxy.py ended") }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}
