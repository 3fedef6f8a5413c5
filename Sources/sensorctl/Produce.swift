import Foundation
import SensorAdapters
import SensorCLI
import SensorCore

/// `sensorctl produce --from postgres|mongo`: source batches → Kafka transactions (readings, dead letters and
/// the checkpoint together), so the topic holds every reading exactly once for read_committed consumers.
struct ProduceCommand {
    let command: ParsedCommand
    let config: SensorConfig

    /// What a run did, for the summaries.
    struct Totals {
        var sent = 0
        var rejected = 0
        var batches = 0
        var records: Int { sent + rejected }
    }

    func run() throws(SensorError) -> Int32 {
        let kind = SourceKind(rawValue: command.string("from")!)!
        let follow = command.has("follow")
        let quiet = command.has("quiet")
        let limit = command.int("max")
        let stop = StopRequest()
        let interrupt = InterruptSignal { stop.request() }
        let started = MonotonicClock.seconds()

        // Kafka, like the database, may be down when a follow-mode producer starts: it waits until it answers.
        let opened = try withRetries(follow: follow, quiet: quiet, stop: stop) { () throws(SensorError) in
            let producer = try KafkaTransactionalProducer(config: config, sourceName: kind.rawValue)
            return (producer, try producer.start())
        }
        guard let (producer, committed) = opened else { return ExitCode.success }
        var checkpoint = command.has("from-beginning") ? nil : committed
        var source = try open(kind, resumingFrom: checkpoint, follow: follow, quiet: quiet, stop: stop)
        var totals = Totals()
        var progress = ProgressBar(total: limit ?? 0, quiet: quiet || limit == nil)

        while let current = source, !stop.isRequested, limit.map({ totals.records < $0 }) ?? true {
            let size = min(command.int("batch-size")!, limit.map { $0 - totals.records } ?? Int.max)
            do throws(SensorError) {
                let batch = try current.nextBatch(limit: size)
                if batch.isEmpty {
                    guard follow else { break }
                    stop.wait(seconds: command.double("poll-interval")!)
                    continue
                }
                let counts = try producer.send(batch)
                checkpoint = batch.checkpoint
                try current.committed(batch)
                totals.sent += counts.sent
                totals.rejected += counts.rejected
                totals.batches += 1
                progress.update(done: totals.records)
            } catch where follow && error.isRetriable {
                // In follow mode an outage is waited out; the source reopens at the last committed checkpoint.
                log("\(error); retrying", quiet: quiet)
                source = try open(kind, resumingFrom: checkpoint, follow: follow, quiet: quiet, stop: stop)
            }
        }
        progress.clear()
        if !follow, !stop.isRequested, limit.map({ totals.records < $0 }) ?? true, let note = try source?.waiting() {
            log(note, quiet: quiet)
        }
        report(totals, elapsed: MonotonicClock.seconds() - started, producer: producer, quiet: quiet)
        if let signal = interrupt.received, !follow { return 128 + signal }
        return ExitCode.success
    }

    /// Opens the source and resumes it; nil when a stop arrived while waiting for the database.
    private func open(
        _ kind: SourceKind, resumingFrom checkpoint: [UInt8]?, follow: Bool, quiet: Bool, stop: StopRequest
    ) throws(SensorError) -> (any Source)? {
        try withRetries(follow: follow, quiet: quiet, stop: stop) { () throws(SensorError) in
            let source = try Adapters.source(kind, config: config)
            try source.resume(from: checkpoint)
            return source
        }
    }

    private func withRetries<Value>(
        follow: Bool, quiet: Bool, stop: StopRequest, _ attempt: () throws(SensorError) -> Value
    ) throws(SensorError) -> Value? {
        try retrying(follow: follow, stop: stop, log: { log($0, quiet: quiet) }, attempt)
    }

    private func log(_ message: String, quiet: Bool) {
        if !quiet { Console.error("\(Timestamp.now()) \(message)\n") }
    }

    private func report(_ totals: Totals, elapsed: Double, producer: KafkaTransactionalProducer, quiet: Bool) {
        if command.has("json") {
            JSONOutput.print([
                "source": command.string("from")!, "topic": producer.topic, "sent": totals.sent,
                "rejected": totals.rejected, "batches": totals.batches, "elapsed_s": JSONOutput.seconds(elapsed),
            ])
        }
        guard !quiet else { return }
        let rate = Format.rate(Double(totals.sent) / max(elapsed, 0.001))
        var line = "produce --from \(command.string("from")!): \(totals.sent) readings to \(producer.topic)"
        if totals.rejected > 0 { line += ", \(totals.rejected) rejected to \(producer.deadLetterTopic)" }
        Console.error(line + " in \(Format.seconds(elapsed)) (\(rate))\n")
    }
}
