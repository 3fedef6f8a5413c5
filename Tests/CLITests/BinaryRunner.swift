import Foundation
import Testing

/// Runs the built `sensorctl` binary as a user would, capturing both streams, the exit code and the time.
struct BinaryRun {
    let stdout: String
    let stderr: String
    let status: Int32
    let seconds: Double
}

enum Binary {
    /// `SENSORCTL_BIN` (set by `make test`), else the `sensorctl` next to the test bundle.
    static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["SENSORCTL_BIN"] { return explicit }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("sensorctl").path
    }

    /// Runs the binary to completion; with `interruptAfter`, sends SIGINT that many seconds after the start.
    static func run(
        _ arguments: [String], environment extra: [String: String] = [:], removing: [String] = [],
        interruptAfter: Double? = nil
    ) throws -> BinaryRun {
        try #require(FileManager.default.isExecutableFile(atPath: path), "no sensorctl binary at \(path): run `make test`")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        for name in removing { environment[name] = nil }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        if let interruptAfter {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + interruptAfter) { kill(pid, SIGINT) }
        }
        // Read both pipes before waiting so a chatty child cannot block on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return BinaryRun(
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
            status: process.terminationStatus, seconds: Date().timeIntervalSince(start))
    }

    /// A loopback port nothing listens on: bound, then released.
    static func closedPort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                _ = bind(socket, generic, length)
                _ = getsockname(socket, generic, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }
}

#if canImport(Glibc)
import Glibc
#endif
