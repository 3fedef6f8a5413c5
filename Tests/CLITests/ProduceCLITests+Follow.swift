import Foundation
import Testing

/// `produce --follow`: tailing the database until SIGINT/SIGTERM, then a clean stop.
extension ProduceCLITests {
    /// Readings inserted while it runs reach the topic within about 2 s; SIGTERM ends it with exit 0 and
    /// the JSON summary.
    @Test func followTailsNewReadingsAndStopsCleanlyOnSIGTERM() throws {
        let stack = try ProduceFixture("follow")
        try stack.generate(50)
        try stack.waitUntilSettled()
        let run = try BackgroundRun(stack.produceArguments(["--follow", "--batch-size", "100"]))
        // Running and caught up: what was there before the start is in the topic.
        let caughtUp = try poll(timeout: 30) { try KafkaTopic.read(stack.topic).count == 50 }
        try #require(caughtUp, "the first 50 readings never arrived: \(run.stderr)")

        try stack.generate(40)
        // The clock starts when the rows are safe to read (no older transaction anywhere on the server).
        try stack.waitUntilSettled()
        let written = Date()
        let arrived = try poll(timeout: 15) { try KafkaTopic.read(stack.topic).count == 90 }
        let latency = Date().timeIntervalSince(written)
        #expect(arrived, "the 40 new readings did not all arrive within 15 s")
        // kcat itself needs up to ~0.5 s per look: 2.5 s of observed latency is about 2 s of real latency.
        #expect(latency < 2.5, "new readings took \(latency) s to reach the topic")

        #expect(run.isRunning, "--follow must keep running")
        run.send(SIGTERM)
        let result = try run.wait(timeout: 15)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try ProduceSummary(result.stdout)
        #expect(summary.sent == 90 && summary.rejected == 0 && summary.batches >= 2)
        #expect(summary.fields["source"] as? String == "postgres" && summary.fields["topic"] as? String == stack.topic)
        try expectTopic(stack.topic, holds: try stack.sourceRows())
    }

    /// SIGINT in the middle of a backlog: the batch in flight is finished and committed, the summary counts
    /// exactly what the topic holds, and the next run sends exactly the rest.
    @Test func anInterruptCommitsTheBatchInFlightAndTheNextRunSendsTheRest() throws {
        let stack = try ProduceFixture("interrupt")
        try stack.generate(2_000, ["--sensors", "50"])
        try stack.waitUntilSettled()
        let result: BinaryRun
        do {
            // 40 ms more per broker response (~0.25 s per batch): the signal surely lands mid-backlog.
            try KafkaControl.setLatency(milliseconds: 40)
            defer { try? KafkaControl.setLatency(milliseconds: 0) }
            let run = try BackgroundRun(stack.produceArguments(["--follow", "--batch-size", "50"]))
            let committing = try poll(timeout: 30) { try !KafkaTopic.read(stack.topic).isEmpty }
            try #require(committing, "no batch committed within 30 s: \(run.stderr)")
            run.send(SIGINT)
            result = try run.wait(timeout: 15)
        }
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try ProduceSummary(result.stdout)
        #expect(summary.sent < 2_000, "interrupted before the end of the backlog")
        #expect(summary.sent == summary.batches * 50, "whole batches only: \(summary.fields)")

        // What the summary reports is exactly what was committed: no half batch, nothing uncounted.
        let counts = try KafkaTopic.idCounts(stack.topic)
        let eachOnce = counts.values.allSatisfy { $0 == 1 }
        #expect(counts.count == summary.sent && eachOnce, "\(counts.count) ids for \(summary.sent) sent")

        let rest = try stack.produce()
        #expect(summary.sent + rest.sent == 2_000)
        try expectTopic(stack.topic, holds: try stack.sourceRows())
    }
}
