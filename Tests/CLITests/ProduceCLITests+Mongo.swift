import Foundation
import Testing

/// `produce --from mongo`. MongoDB has no commit order to lean on, and generators insert concurrently, so
/// this is where a cursor-based source would lose late documents. Every generator also writes the same
/// readings (same ids, values, timestamps) into the test's PostgreSQL database, which gives the expected
/// set and values without a Mongo client in the tests.
extension ProduceCLITests {
    /// A MongoDB URL for a database of its own (the URL's path); its collections are made by `setup`.
    static func mongoDatabase(_ label: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let base = try #require(environment["SENSORCTL_MONGO_URL"], "SENSORCTL_MONGO_URL is not set: run `make test`")
        var components = try #require(URLComponents(string: base), "malformed SENSORCTL_MONGO_URL")
        components.path = "/produce_\(label)_\(UInt32.random(in: 0...UInt32.max))"
        let url = try #require(components.string)
        let setup = try Binary.run(["setup", "--service", "mongo", "--mongo-url", url, "--quiet"])
        try #require(setup.status == 0, "sensorctl setup --service mongo failed: \(setup.stderr)")
        return url
    }

    static func generateArguments(_ stack: ProduceFixture, mongo: String, count: Int, app: String) -> [String] {
        [
            "generate", "--sink", "mongo,postgres", "-n", String(count), "--app", app, "--quiet",
            "--mongo-url", mongo, "--postgres-url", stack.postgresURL,
        ]
    }

    /// One-shot runs are incremental: everything once, then nothing, then exactly the new readings.
    @Test func mongoIncrementalRunsSendEachReadingExactlyOnce() throws {
        let stack = try ProduceFixture("mongo_inc")
        let mongo = try Self.mongoDatabase("inc")
        let fromMongo = ["--mongo-url", mongo]
        let generate = try Binary.run(Self.generateArguments(stack, mongo: mongo, count: 300, app: "mongo-inc"))
        try #require(generate.status == 0, "generate failed: \(generate.stderr)")

        #expect(try stack.produce(fromMongo, from: "mongo", settle: false).sent == 300)
        #expect(try stack.produce(fromMongo, from: "mongo", settle: false).sent == 0, "a rerun resends nothing")
        let more = try Binary.run(Self.generateArguments(stack, mongo: mongo, count: 45, app: "mongo-inc"))
        try #require(more.status == 0, "generate failed: \(more.stderr)")
        #expect(try stack.produce(fromMongo, from: "mongo", settle: false).sent == 45)
        try expectTopic(stack.topic, holds: try stack.sourceRows(), source: "mongo")
    }

    /// Several generators insert concurrently while `produce --from mongo --follow` runs: at the end every
    /// generated reading is in the topic exactly once.
    @Test func mongoConcurrentWritersWhileFollowingLoseAndDuplicateNothing() throws {
        let stack = try ProduceFixture("mongo_follow")
        let mongo = try Self.mongoDatabase("follow")
        let follower = try BackgroundRun(
            stack.produceArguments(["--mongo-url", mongo, "--follow", "--batch-size", "100"], from: "mongo"))
        // Paced writers in small batches, so that inserts and the producer's batches interleave.
        let writers = try (1...3).map { index in
            try BackgroundRun(
                Self.generateArguments(stack, mongo: mongo, count: 400, app: "mongo-writer-\(index)")
                    + ["--rate", "200", "--batch-size", "20"])
        }
        for writer in writers {
            let result = try writer.wait(timeout: 120)
            #expect(result.status == 0, "a generator failed: \(result.stderr)")
        }
        try #require(follower.isRunning, "produce --from mongo --follow stopped: \(follower.stderr)")
        let complete = try poll(timeout: 60, interval: 0.5) { try KafkaTopic.read(stack.topic).count >= 1_200 }
        #expect(complete, "not every reading arrived within 60 s: \(follower.stderr)")

        follower.send(SIGTERM)
        let result = try follower.wait(timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try ProduceSummary(result.stdout).sent == 1_200)
        let rows = try stack.sourceRows()
        #expect(rows.count == 1_200)
        try expectTopic(stack.topic, holds: rows, source: "mongo")
    }
}
