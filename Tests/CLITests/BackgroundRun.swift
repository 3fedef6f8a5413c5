import Foundation
import Testing

/// The built binary running in the background (follow mode, runs to be killed or interrupted). Its output
/// goes to files, so a chatty child never blocks on a pipe nobody reads yet.
final class BackgroundRun {
    private let process = Process()
    private let stdoutFile: URL
    private let stderrFile: URL
    private let started = Date()

    init(_ arguments: [String]) throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Binary.path), "no sensorctl binary at \(Binary.path)")
        let directory = FileManager.default.temporaryDirectory
        let name = "sensorctl-bg-\(UUID().uuidString)"
        stdoutFile = directory.appendingPathComponent(name + ".out")
        stderrFile = directory.appendingPathComponent(name + ".err")
        try #require(FileManager.default.createFile(atPath: stdoutFile.path, contents: nil))
        try #require(FileManager.default.createFile(atPath: stderrFile.path, contents: nil))
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        // A test that failed early must not leave a producer behind.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: stdoutFile)
        try? FileManager.default.removeItem(at: stderrFile)
    }

    var isRunning: Bool { process.isRunning }

    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    var stderr: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

    /// Waits for the exit; after `timeout` seconds the process is killed and the test fails.
    func wait(timeout: Double, sourceLocation: SourceLocation = #_sourceLocation) throws -> BinaryRun {
        let exited = try poll(timeout: timeout, interval: 0.05) { !process.isRunning }
        if !exited {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("still running after \(timeout) s: \(stderr)", sourceLocation: sourceLocation)
            throw TestToolError("timed out")
        }
        process.waitUntilExit()
        let killedBy = process.terminationReason == .uncaughtSignal ? 128 : 0
        return BinaryRun(
            stdout: (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "", stderr: stderr,
            status: Int32(killedBy) + process.terminationStatus, seconds: Date().timeIntervalSince(started))
    }
}

/// The librdkafka mock's control channel (`$SENSORCTL_DEVSTACK_KAFKA_CTL`, devstack/NOTES.md): fault injection.
enum KafkaControl {
    /// Writes one command and waits for its `ok` reply; an `error` reply or none within 10 s fails.
    static func send(_ command: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try #require(
            ProcessInfo.processInfo.environment["SENSORCTL_DEVSTACK_KAFKA_CTL"],
            "SENSORCTL_DEVSTACK_KAFKA_CTL is not set: the tests need the devstack Kafka mock")
        let replies = path + ".reply"
        let before = replyLines(replies).count
        // Non-blocking: a FIFO left by a killed mock has no reader, and a blocking open would hang (ENXIO).
        let fd = open(path, O_WRONLY | O_NONBLOCK)
        try #require(fd >= 0, "cannot open the Kafka control channel \(path) (errno \(errno)): is kafka running?")
        defer { close(fd) }
        let line = Array((command + "\n").utf8)
        try #require(write(fd, line, line.count) == line.count, "short write to \(path)")
        // Other tests may use the channel too: look for the reply to this very command.
        var reply: String?
        _ = try poll(timeout: 10, interval: 0.02) {
            reply = replyLines(replies).dropFirst(before).first {
                $0 == "ok \(command)" || $0.hasPrefix("error \(command):")
            }
            return reply != nil
        }
        try #require(reply == "ok \(command)", "control channel: \(reply ?? "no reply") to \(command)")
    }

    /// Adds `milliseconds` to every broker's responses (0: none). Affects every client of the shared mock:
    /// callers reset it in a `defer`.
    static func setLatency(milliseconds: Int) throws {
        for broker in 1...3 { try send("broker-rtt \(broker) \(milliseconds)") }
    }

    private static func replyLines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
