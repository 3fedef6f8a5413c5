import Foundation
import Testing

/// `sensorctl produce --from postgres|mongo` end to end: the built binary against the running stack, the
/// topic read back by an independent read_committed consumer (kcat) and compared with the database.
///
/// Serialized: one test takes a Kafka broker down and another holds a PostgreSQL transaction open (which
/// stalls every producer on the server, see `ProduceFixture.waitUntilSettled`); neither may hit a sibling.
@Suite(.serialized) struct ProduceCLITests {
    /// Each run sends only what arrived since the last committed checkpoint, and what it sends is exactly
    /// what PostgreSQL holds.
    @Test func incrementalRunsSendEachReadingExactlyOnce() throws {
        let stack = try ProduceFixture("incremental")
        // Anomaly readings too: null and -1 values must survive the trip.
        try stack.generate(400)
        try stack.generate(100, ["--type-data", "anomaly"])
        let first = try stack.produce()
        #expect(first.sent == 500 && first.rejected == 0 && first.batches >= 1)
        #expect(Set(first.fields.keys) == ["sent", "rejected", "batches", "elapsed_s", "source", "topic"])
        #expect(first.fields["source"] as? String == "postgres")
        #expect(first.fields["topic"] as? String == stack.topic)
        #expect((first.fields["elapsed_s"] as? Double).map { $0 >= 0 } == true)

        let again = try stack.produce()
        #expect(again.sent == 0 && again.rejected == 0 && again.batches == 0, "a rerun must resend nothing")

        try stack.generate(70)
        let more = try stack.produce()
        #expect(more.sent == 70, "only the 70 new readings")

        let rows = try stack.sourceRows()
        try #require(rows.count == 570)
        #expect(rows.values.contains { $0.value == nil }, "the anomaly readings include nulls")
        try expectTopic(stack.topic, holds: rows)
    }

    /// `--from-beginning` ignores the checkpoint and resends everything; `--max` stops at the limit and the
    /// next run continues right after it.
    @Test func fromBeginningResendsEverythingAndMaxStopsAtTheLimit() throws {
        let stack = try ProduceFixture("rewind")
        try stack.generate(300)
        #expect(try stack.produce().sent == 300)
        let rewound = try stack.produce(["--from-beginning"])
        #expect(rewound.sent == 300)
        try expectTopic(stack.topic, holds: try stack.sourceRows(), copies: 2)
        #expect(try stack.produce().sent == 0, "the rewound run moved the checkpoint to the end")

        try stack.generate(30)
        let limited = try stack.produce(["--max", "12", "--batch-size", "5"])
        #expect(limited.sent == 12)
        #expect(limited.batches == 3, "12 records in batches of at most 5: 5 + 5 + 2")
        let rest = try stack.produce()
        #expect(rest.sent == 18, "the next run continues after the 12")

        // 300 old readings twice, the 30 new ones once.
        let counts = try KafkaTopic.idCounts(stack.topic)
        let rows = try stack.sourceRows()
        let sameIDs = Set(counts.keys) == Set(rows.keys)
        #expect(counts.count == 330 && sameIDs)
        #expect(counts.values.filter { $0 == 2 }.count == 300)
        #expect(counts.values.filter { $0 == 1 }.count == 30)
    }

    /// A one-shot run against a database that does not answer fails fast with 69, naming the service and
    /// never the password.
    @Test func anUnreachableDatabaseExits69WithoutThePassword() throws {
        let secret = "s3cret"
        let topic = "produce-unreachable-\(UInt32.random(in: 0...UInt32.max))"
        let run = try Binary.run([
            "produce", "--from", "postgres", "--topic", topic,
            "--postgres-url", "postgresql://u:\(secret)@127.0.0.1:\(Binary.closedPort())/x",
        ])
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.seconds < 10)
        #expect(run.stderr.contains("postgres"), "\(run.stderr)")
        #expect(!run.stderr.contains(secret) && !run.stdout.contains(secret))
    }
}
