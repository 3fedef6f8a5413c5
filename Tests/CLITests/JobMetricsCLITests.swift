import Foundation
import Testing

/// `sensorctl job metrics` against the real stack: its figures against an independent computation, both
/// stores against each other, exactly once across SIGKILLs, and a consumer group of two.
@Suite("job metrics", .serialized)
struct JobMetricsCLITests {
    @Test("metrics equal an independent SQL computation over the same readings, in PostgreSQL and MongoDB alike")
    func metricsMatchIndependentComputation() throws {
        let fixture = try MetricsJobFixture("indep")
        // The same readings go to PostgreSQL (for the SQL computation) and to Kafka (for the job).
        try fixture.generate(3000, sinks: "postgres,kafka", ["--sensors", "8", "--seed", "11"])
        try fixture.generate(400, sinks: "postgres,kafka", ["--sensors", "4", "--seed", "11", "--type-data", "anomaly"])
        let summary = try fixture.runUntilIdle(group: "indep")
        #expect(summary["readings"] as? Int == 3400)
        #expect(summary["rejected"] as? Int == 0)

        let stored = try fixture.storedSensors()
        let expected = try fixture.expectedSensors()
        #expect(stored.count == 8)
        #expect(Set(stored.keys) == Set(expected.keys))
        for (sensor, figures) in expected {
            let actual = try #require(stored[sensor])
            #expect(actual.matches(figures), "\(sensor): stored \(actual) expected \(figures)")
        }
        // The anomaly run burned the first sensor of each type: its latest readings are all faults.
        let failed = Set(stored.filter { $0.value.health == "failed" }.keys)
        #expect(failed == ["humidity-001", "pressure-001", "temperature-001", "vibration-001"])

        // Series: per type and 10 s bucket, the valid readings and their sum.
        let session = try fixture.stores.postgres.session()
        let seriesDifferences = try session.value(
            """
            SELECT count(*) FROM (
                SELECT sensor_type, (floor(extract(epoch FROM ts) * 1000 / 10000) * 10000)::bigint AS bucket,
                       count(*) AS n, sum(value) AS total
                FROM sensor_readings WHERE value IS NOT NULL AND value <> -1 GROUP BY 1, 2) e
            FULL JOIN (SELECT sensor_type, (extract(epoch FROM bucket_start) * 1000)::bigint AS bucket, readings,
                              value_sum FROM metrics_series WHERE bucket_ms = 10000) s USING (sensor_type, bucket)
            WHERE e.n IS DISTINCT FROM s.readings OR abs(e.total - s.value_sum) > 1e-6 * e.total OR s.readings IS NULL
            """)
        #expect(seriesDifferences == "0")

        // MongoDB holds the same sensors and summary as PostgreSQL.
        let fromPostgres = try Binary.run(["metrics", "--json"] + fixture.endpoints)
        let fromMongo = try Binary.run(["metrics", "--json", "--store", "mongo"] + fixture.endpoints)
        try #require(fromPostgres.status == 0 && fromMongo.status == 0, "\(fromPostgres.stderr) \(fromMongo.stderr)")
        let postgresSensors = try #require(try Binary.json(fromPostgres.stdout)["sensors"] as? [[String: Any]])
        let mongoSensors = try #require(try Binary.json(fromMongo.stdout)["sensors"] as? [[String: Any]])
        #expect(postgresSensors.count == 8)
        #expect(NSArray(array: postgresSensors).isEqual(to: mongoSensors))
        let overall = try #require(try Binary.json(fromPostgres.stdout)["overall"] as? [String: Any])
        #expect(overall["readings"] as? Int == 3400)
        #expect(overall["failed"] as? Int == 4)

        // Job runs in both stores; summaries written.
        #expect(try session.value("SELECT count(*) FROM job_runs WHERE job = 'metrics/indep' AND status = 'succeeded'") == "1")
        #expect(try session.value("SELECT readings_total FROM metrics_summary WHERE group_key = 'all'") == "3400")
        let mongoRuns = try fixture.stores.mongo.documents(in: "job_runs").filter { $0["job"] as? String == "metrics/indep" }
        #expect(mongoRuns.count == 1 && mongoRuns.first?["status"] as? String == "succeeded")

        // A second run finds nothing new and changes nothing.
        let rerun = try fixture.runUntilIdle(group: "indep")
        #expect(rerun["readings"] as? Int == 0)
        #expect(try fixture.storedSensors().allSatisfy { sensor, figures in expected[sensor].map { figures.matches($0) } ?? false })
    }

    @Test("SIGKILL at random points and restarts: the final metrics equal those of an uninterrupted run")
    func killAndRestartCountsExactlyOnce() throws {
        let uninterrupted = try MetricsJobFixture("whole")
        let killed = try MetricsJobFixture("killed", topic: uninterrupted.topic)
        try uninterrupted.generate(20000, ["--sensors", "12", "--seed", "5"])
        try uninterrupted.runUntilIdle(group: "whole")

        let session = try killed.stores.postgres.session()
        func committed() throws -> Int64 {
            Int64(try session.value("SELECT coalesce(sum(readings_total), 0) FROM sensor_metrics") ?? "0") ?? 0
        }
        var kills = 0
        for _ in 0..<4 {
            let before = try committed()
            guard before < 20000 else { break }
            let member = try BackgroundRun(killed.jobArguments(group: "killed", ["--batch-records", "200"]))
            // Kill once this run has committed something, after a random extra delay.
            _ = try poll(timeout: 30, interval: 0.02) { try committed() > before || !member.isRunning }
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.3))
            member.send(SIGKILL)
            _ = try member.wait(timeout: 10)
            kills += 1
        }
        #expect(kills >= 2, "the runs finished too fast to be killed mid-way")
        try killed.runUntilIdle(group: "killed")

        let whole = try uninterrupted.storedSensors()
        let afterKills = try killed.storedSensors()
        #expect(whole.values.reduce(0) { $0 + $1.counts[0] } == 20000)
        #expect(Set(whole.keys) == Set(afterKills.keys))
        for (sensor, figures) in whole {
            let actual = try #require(afterKills[sensor])
            #expect(actual.matches(figures), "\(sensor): after kills \(actual), uninterrupted \(figures)")
        }
        // MongoDB caught up too: the restart copies what a killed run committed but did not mirror.
        let fromMongo = try Binary.run(["metrics", "--json", "--store", "mongo"] + killed.endpoints)
        let overall = try #require(try Binary.json(fromMongo.stdout)["overall"] as? [String: Any])
        #expect(overall["readings"] as? Int == 20000)
    }

    @Test("two members of one group split the partitions and together produce the metrics of one pass")
    func twoMembersSplitPartitions() throws {
        let fixture = try MetricsJobFixture("pair")
        // The first readings create the topic (4 partitions on the mock); PostgreSQL gets the same readings,
        // for the independent computation.
        try fixture.generate(100, sinks: "postgres,kafka", ["--sensors", "12"])
        let first = try BackgroundRun(fixture.jobArguments(group: "pair", ["--batch-records", "500"]))
        let second = try BackgroundRun(fixture.jobArguments(group: "pair", ["--batch-records", "500"]))
        func holdsPartitions(_ member: BackgroundRun) -> Bool {
            guard let line = member.stderr.split(separator: "\n").last(where: { $0.contains("assigned partitions") })
            else { return false }
            return !line.hasSuffix(": none")
        }
        let split = try poll(timeout: 60, interval: 0.2) { holdsPartitions(first) && holdsPartitions(second) }
        try #require(split, "both members never held partitions at once:\n\(first.stderr)\n\(second.stderr)")
        try fixture.generate(6000, sinks: "postgres,kafka", ["--sensors", "12"])
        let session = try fixture.stores.postgres.session()
        let caughtUp = try poll(timeout: 60, interval: 0.2) {
            try session.value("SELECT coalesce(sum(readings_total), 0) FROM sensor_metrics") == "6100"
        }
        first.send(SIGTERM)
        second.send(SIGTERM)
        let (a, b) = (try first.wait(timeout: 30), try second.wait(timeout: 30))
        #expect(caughtUp)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\n\(b.stderr)")
        let counts = [try Binary.json(a.stdout)["readings"] as? Int ?? -1, try Binary.json(b.stdout)["readings"] as? Int ?? -1]
        #expect(counts.allSatisfy { $0 > 0 }, "one member did all the work: \(counts)")
        #expect(counts.reduce(0, +) == 6100)
        let (stored, expected) = (try fixture.storedSensors(), try fixture.expectedSensors())
        #expect(stored.count == 12 && Set(stored.keys) == Set(expected.keys))
        for (sensor, figures) in expected {
            #expect(stored[sensor].map { $0.matches(figures) } == true, "\(sensor): \(String(describing: stored[sensor]))")
        }
    }

    @Test("messages that are not readings are counted and kept in job_rejects of both stores")
    func malformedMessagesAreSetAside() throws {
        let fixture = try MetricsJobFixture("bad")
        try fixture.generate(50, ["--sensors", "2"])
        let bad = ["not json at all", #"{"id":"x","sensor_id":"s"}"#, #"{"id":"0190a0a0-0000-7000-8000-000000000001","sensor_id":"s","sensor_type":"t","value":"high","ts":"2026-12-04T10:00:00Z","app":"a"}"#]
        try kcatProduce(bad, topic: fixture.topic)
        let summary = try fixture.runUntilIdle(group: "bad")
        #expect(summary["readings"] as? Int == 50)
        #expect(summary["rejected"] as? Int == 3)
        let rows = try fixture.stores.postgres.session().query(
            "SELECT origin, position, reason, record FROM job_rejects WHERE job = 'metrics/bad' ORDER BY position")
        #expect(rows.count == 3)
        #expect(Set(rows.compactMap { $0[3] }) == Set(bad))
        #expect(rows.allSatisfy { $0[0] == "\(fixture.topic)/0" })
        #expect(rows.contains { $0[2]?.contains("value") == true })
        #expect(try fixture.stores.mongo.documents(in: "job_rejects").count == 3)
        #expect(try fixture.runUntilIdle(group: "bad")["rejected"] as? Int == 0, "a rerun rejected again")
    }

    @Test("an unreachable store or broker: exit 69 naming it and its endpoint, no password")
    func unreachableServices() throws {
        let fixture = try MetricsJobFixture("down")
        try fixture.generate(10)
        let port = Binary.closedPort()
        let cases: [(String, [String])] = [
            ("postgres", ["--postgres-url", "postgresql://sensorctl:hunter2@127.0.0.1:\(port)/x"]),
            ("mongo", ["--mongo-url", "mongodb://127.0.0.1:\(port)/x?serverSelectionTimeoutMS=1000"]),
            ("kafka", ["--kafka-brokers", "127.0.0.1:\(port)"]),
        ]
        for (service, override) in cases {
            let run = try Binary.run(fixture.jobArguments(group: "down", ["--until-idle"]) + override)
            #expect(run.status == 69, "\(service): exit \(run.status): \(run.stderr)")
            #expect(run.stderr.contains(service) && run.stderr.contains("127.0.0.1:\(port)"), "\(run.stderr)")
            #expect(!run.stderr.contains("hunter2"))
        }
    }

    @Test("usage: --follow with --until-idle is refused with exit 64; metrics before any job says what to run")
    func usageAndEmptyState() throws {
        let fixture = try MetricsJobFixture("usage")
        let both = try Binary.run(fixture.jobArguments(group: "u", ["--follow", "--until-idle"]))
        #expect(both.status == 64)
        #expect(both.stderr.contains("--until-idle") && both.stderr.contains("Usage:"))
        let empty = try Binary.run(["metrics"] + fixture.endpoints)
        #expect(empty.status == 0)
        #expect(empty.stdout.contains("sensorctl job metrics"))
    }
}

/// Produces raw message values (one per line) to partition 0 of `topic` with kcat, as any other client would.
func kcatProduce(_ values: [String], topic: String) throws {
    let brokers = try #require(ProcessInfo.processInfo.environment["SENSORCTL_KAFKA_BROKERS"])
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["kcat", "-P", "-b", brokers, "-t", topic, "-p", "0"]
    let input = Pipe()
    process.standardInput = input
    try process.run()
    input.fileHandleForWriting.write(Data((values.joined(separator: "\n") + "\n").utf8))
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "kcat -P failed")
}
