import Foundation
import Testing

/// `sensorctl generate` end to end against the running stack (endpoints from the environment).
@Suite struct GenerateCLITests {
    /// Each test first creates the schema (idempotently): on a fresh stack nothing exists yet.
    init() throws {
        let setup = try Binary.run(["setup", "--service", "postgres", "--quiet"])
        try #require(setup.status == 0, "sensorctl setup failed: \(setup.stderr)")
    }

    static func postgresCount(app: String) throws -> Int {
        let url = try #require(ProcessInfo.processInfo.environment["SENSORCTL_POSTGRES_URL"], "run with `make test`")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        // psql interpolates :'app' (quoted safely) only in scripts read from stdin or a file, not in -c.
        process.arguments = [url, "-X", "-A", "-t", "-v", "app=\(app)"]
        let out = Pipe()
        let script = Pipe()
        process.standardOutput = out
        process.standardInput = script
        try process.run()
        script.fileHandleForWriting.write(Data("SELECT count(*) FROM sensor_readings WHERE app = :'app';\n".utf8))
        try script.fileHandleForWriting.close()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), "psql said: \(text)")
    }

    @Test func jsonSummaryOnStdoutAndAHumanSummaryOnStderr() throws {
        let app = "cli-json-\(UInt32.random(in: 0...UInt32.max))"
        let run = try Binary.run(["generate", "--sink", "postgres", "-n", "2500", "--seed", "5", "--app", app, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try Binary.json(run.stdout)
        #expect(summary["generated"] as? Int == 2500)
        #expect((summary["sinks"] as? [String: Int]) == ["postgres": 2500])
        #expect((summary["elapsed_s"] as? Double).map { $0 > 0 } == true)
        #expect(summary["errors"] == nil)
        #expect(run.stderr.contains("postgres: 2500 readings in "))
        #expect(try Self.postgresCount(app: app) == 2500)
    }

    @Test func quietSilencesStderr() throws {
        let run = try Binary.run(["generate", "--sink", "postgres", "-n", "10", "--quiet", "--app", "cli-quiet"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty && run.stdout.isEmpty)
    }

    @Test func oneFailingSinkDoesNotStopTheOthers() throws {
        let app = "cli-partial-\(UInt32.random(in: 0...UInt32.max))"
        let run = try Binary.run([
            "generate", "--sink", "postgres,mongo", "-n", "300", "--app", app, "--json",
            "--mongo-url", "mongodb://127.0.0.1:\(Binary.closedPort())/x",
        ])
        #expect(run.status == 69)
        let summary = try Binary.json(run.stdout)
        #expect((summary["sinks"] as? [String: Int]) == ["postgres": 300, "mongo": 0])
        let errors = try #require(summary["errors"] as? [String: String])
        #expect(errors["mongo"]?.hasPrefix("mongo: ") == true)
        #expect(run.stderr.contains("mongo: FAILED"))
        #expect(try Self.postgresCount(app: app) == 300)
    }
}

extension GenerateCLITests {
    /// Ctrl-C stops generating, but what was generated is committed and reported; exit 130 (128 + SIGINT).
    @Test func anInterruptedRunCommitsWhatItGenerated() throws {
        let app = "cli-interrupt-\(UInt32.random(in: 0...UInt32.max))"
        let run = try Binary.run(
            ["generate", "--sink", "postgres", "-n", "100000", "--rate", "400", "--app", app, "--json"],
            interruptAfter: 2.5)
        #expect(run.status == 130, "\(run.stderr)")
        #expect(run.seconds < 10)
        #expect(run.stderr.contains("interrupted: stopped after"))
        let summary = try Binary.json(run.stdout)
        let generated = try #require(summary["generated"] as? Int)
        #expect(generated > 100 && generated < 100_000)
        #expect((summary["sinks"] as? [String: Int]) == ["postgres": generated])
        #expect(try Self.postgresCount(app: app) == generated)
    }
}
