import Foundation
import Testing

/// `sensorctl job migrate mongo-to-pg|pg-to-mongo` end to end: the built binary against the running stack,
/// both databases read back independently (libpq, libmongoc) and compared.
@Suite struct MigrateCLITests {
    /// Valid documents are copied once, invalid ones set aside in PostgreSQL's migration_rejects; a rerun copies
    /// nothing and reports everything as already present; both databases record both runs.
    @Test func mongoToPostgresCopiesOnceAndSetsInvalidDocumentsAside() throws {
        let stack = try MigrateFixture("m2p")
        try stack.generate(300, into: "mongo")
        let id = { UUID().uuidString.lowercased() }
        try stack.mongo.insert(
            #"{"_id": "\#(id())", "sensor_id": "t-1", "sensor_type": "temperature", "value": "hot", "app": "x", "#
                + #""ts": {"$date": "2026-01-01T00:00:00Z"}}"#)
        try stack.mongo.insert(#"{"_id": "\#(id())", "sensor_id": "t-1", "sensor_type": "temperature", "app": "x"}"#)
        try stack.mongo.insert(
            #"{"_id": "not-a-uuid", "sensor_id": "t-1", "sensor_type": "temperature", "value": 1.5, "app": "x", "#
                + #""ts": {"$date": "2026-01-01T00:00:00Z"}}"#)

        let first = try stack.migrate("mongo-to-pg", ["--batch-size", "70"])
        #expect(first.read == 303 && first.copied == 300 && first.alreadyPresent == 0 && first.rejected == 3)
        #expect(Set(first.fields.keys) == ["job", "read", "copied", "already_present", "rejected", "elapsed_s"])
        #expect(first.fields["job"] as? String == "migrate/mongo-to-pg")
        let mongoIDs = try stack.mongo.ids().filter { UUID(uuidString: $0) != nil }
        let postgresIDs = try stack.postgresIDs()
        let rejectedKeys = try rejectedKeys(stack)
        #expect(postgresIDs.count == 300 && Set(postgresIDs) == Set(mongoIDs).subtracting(rejectedKeys))

        let db = try stack.postgres.session()
        let reasons = try db.query("SELECT reason FROM migration_rejects WHERE job = 'migrate/mongo-to-pg'")
        #expect(reasons.count == 3, "\(reasons)")
        #expect(reasons.contains { $0[0]?.contains("invalid id 'not-a-uuid'") == true })

        let again = try stack.migrate("mongo-to-pg")
        #expect(again.read == 303 && again.copied == 0 && again.alreadyPresent == 300 && again.rejected == 3)
        #expect(try db.value("SELECT count(*) FROM migration_rejects") == "3", "a rerun sets nothing aside twice")
        #expect(try db.value("SELECT count(*) FROM job_checkpoints") == "0", "a completed pass clears its checkpoint")

        let runs = try db.query(
            "SELECT id::text, readings_in, readings_out, rejected, status, engine, finished_at IS NOT NULL "
                + "FROM job_runs WHERE job = 'migrate/mongo-to-pg' ORDER BY started_at")
        #expect(runs.map { Array($0[1...]) } == [
            ["303", "300", "3", "succeeded", "local", "t"], ["303", "0", "3", "succeeded", "local", "t"],
        ])
        let mongoRuns = try stack.mongo.documents(in: "job_runs")
        #expect(Set(mongoRuns.compactMap { $0["_id"] as? String }) == Set(runs.compactMap { $0[0] }))
        #expect(mongoRuns.map { $0["readings_out"] as? Int }.sorted { ($0 ?? -1) < ($1 ?? -1) } == [0, 300])
        #expect(mongoRuns.allSatisfy { $0["status"] as? String == "succeeded" && $0["readings_in"] as? Int == 303 })
    }

    /// The other way, with invalid rows; `--verify` passes and reports target extras without failing, and fails
    /// with 65 when a target reading is missing behind the checkpoint of an interrupted pass.
    @Test func postgresToMongoVerifiesAndFailsWith65WhenAReadingIsMissing() throws {
        let stack = try MigrateFixture("p2m")
        try stack.generate(200, into: "postgres")
        let db = try stack.postgres.session()
        try db.query(
            """
            INSERT INTO sensor_readings (id, sensor_id, sensor_type, value, ts, app) VALUES
                (gen_random_uuid(), 't-1', 'temperature', 'NaN', now(), 'bad'),
                (gen_random_uuid(), 't-1', 'temperature', 1, 'infinity', 'bad')
            """)
        let extra = UUID().uuidString.lowercased()
        try stack.mongo.insert(
            #"{"_id": "\#(extra)", "sensor_id": "t-9", "sensor_type": "humidity", "value": 50.0, "app": "other", "#
                + #""ts": {"$date": "2026-01-01T00:00:00Z"}}"#)

        let first = try stack.migrate("pg-to-mongo", ["--verify", "--batch-size", "64"])
        #expect(first.read == 202 && first.copied == 200 && first.rejected == 2)
        #expect(first.verify == ["source": 200, "target": 201, "missing": 0, "extra": 1])
        #expect(try stack.mongo.documents(in: "migration_rejects").count == 2)
        let again = try stack.migrate("pg-to-mongo", ["--verify"])
        #expect(again.copied == 0 && again.alreadyPresent == 200 && again.rejected == 2)
        #expect(try stack.mongo.documents(in: "migration_rejects").count == 2, "a rerun sets nothing aside twice")

        // An interrupted pass whose checkpoint lies past every id, and a target reading lost behind it: the
        // resumed pass copies nothing, and only --verify can notice.
        // A reading that was copied: not one of the two rejected rows (their random ids may sort first).
        let lost = try #require(try db.query("SELECT min(id::text) FROM sensor_readings WHERE app <> 'bad'")[0][0])
        try stack.mongo.delete(#"{"_id": "\#(lost)"}"#)
        try stack.mongo.insert(
            #"{"_id": "migrate/pg-to-mongo", "position": "ffffffff-ffff-ffff-ffff-ffffffffffff", "#
                + #""updated_at": {"$date": "2026-01-01T00:00:00Z"}}"#, into: "job_checkpoints")
        let failed = try stack.migrate("pg-to-mongo", ["--verify"], expecting: 65)
        #expect(failed.read == 0 && failed.copied == 0)
        #expect(failed.verify == ["source": 200, "target": 200, "missing": 1, "extra": 1])
        let statuses = try db.query("SELECT status FROM job_runs ORDER BY started_at").map { $0[0] ?? "" }
        #expect(statuses == ["succeeded", "succeeded", "verify-failed"])
        let mongoStatuses = try stack.mongo.documents(in: "job_runs").compactMap { $0["status"] as? String }
        #expect(mongoStatuses.sorted() == ["succeeded", "succeeded", "verify-failed"])

        // The failed pass completed, so the next run makes a full pass and repairs the target.
        let repaired = try stack.migrate("pg-to-mongo", ["--verify"])
        #expect(repaired.copied == 1 && repaired.verify?["missing"] == 0)
    }

    /// SIGKILL in the middle of a pass, then a rerun: it resumes after the checkpoint, and the target holds
    /// every source reading exactly once.
    @Test func aKilledRunResumesAndTheTargetHoldsEveryReadingOnce() throws {
        let stack = try MigrateFixture("kill")
        try stack.generate(20000, into: "mongo")
        let db = try stack.postgres.session()
        let run = try BackgroundRun(
            ["job", "migrate", "mongo-to-pg", "--batch-size", "250", "--quiet"] + stack.endpoints)
        let checkpointed = try poll(timeout: 30, interval: 0.01) {
            try db.value("SELECT count(*) FROM job_checkpoints") == "1" || !run.isRunning
        }
        run.send(SIGKILL)
        _ = try run.wait(timeout: 10)
        try #require(checkpointed)
        let copiedBefore = try #require(Int(try db.value("SELECT count(*) FROM sensor_readings") ?? ""))
        try #require(copiedBefore < 20000, "the run finished before it could be killed")

        let rerun = try stack.migrate("mongo-to-pg", ["--verify"])
        #expect((rerun.read ?? 0) < 20000, "the rerun resumes after the checkpoint")
        #expect(rerun.verify == ["source": 20000, "target": 20000, "missing": 0, "extra": 0])
        let ids = try stack.postgresIDs()
        let sourceIDs = try stack.mongo.ids()
        #expect(ids.count == 20000 && Set(ids) == Set(sourceIDs))
    }

    /// An unreachable source fails fast with 69, names the service, and never shows the password.
    @Test(arguments: [("mongo-to-pg", "--mongo-url", "mongodb"), ("pg-to-mongo", "--postgres-url", "postgresql")])
    func anUnreachableSourceExits69(direction: String, flag: String, scheme: String) throws {
        let secret = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
        let url = "\(scheme)://u:\(secret)@127.0.0.1:\(Binary.closedPort())/x"
        let run = try Binary.run(["job", "migrate", direction, flag, url])
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.seconds < 10)
        #expect(run.stderr.contains(scheme == "mongodb" ? "mongo: " : "postgres: "), "\(run.stderr)")
        #expect(!run.stderr.contains(secret) && !run.stdout.contains(secret))
    }

    private func rejectedKeys(_ stack: MigrateFixture) throws -> Set<String> {
        Set(try stack.postgres.session().query("SELECT source_key FROM migration_rejects").compactMap { $0[0] })
    }
}
