import Foundation
import SensorAdapters
import SensorCLI
import SensorCore

/// `sensorctl job migrate mongo-to-pg|pg-to-mongo`: source batches in id order → target (insert what is not
/// there yet, set invalid records aside, checkpoint), then optionally `--verify` the id sets.
struct MigrateCommand {
    let command: ParsedCommand
    let config: SensorConfig

    /// What a run did, for the summaries and the job-run records.
    struct Totals {
        var read = 0
        var copied = 0
        var alreadyPresent = 0
        var rejected = 0
    }

    private var direction: String { command.path.last ?? "" }
    private var job: String { "migrate/\(direction)" }
    private var quiet: Bool { command.has("quiet") }

    func run() throws(SensorError) -> Int32 {
        let (sourceKind, targetKind): (SourceKind, SourceKind) =
            direction == "mongo-to-pg" ? (.mongo, .postgres) : (.postgres, .mongo)
        let started = MonotonicClock.seconds()
        // SIGINT/SIGTERM end the pass between batches, so the run is recorded as failed rather than left running.
        let interrupt = InterruptSignal {}
        let source = try Adapters.migrationEndpoint(sourceKind, config: config)
        let target = try Adapters.migrationEndpoint(targetKind, config: config)
        let sides = [source, target]

        var run = JobRun(id: UUID().uuidString.lowercased(), job: job, startedAt: .now())
        for side in sides { try side.record(run) }
        var totals = Totals()
        var verification: Verification?
        do throws(SensorError) {
            try copy(from: source, to: target, totals: &totals, interrupt: interrupt)
            if command.has("verify") {
                log("verifying: comparing the id sets of \(source.service) and \(target.service)")
                verification = try Verification.compare(source: source, target: target, pageSize: batchSize)
            }
            run.status = (verification?.missing ?? 0) > 0 ? "verify-failed" : "succeeded"
        } catch {
            run.status = "failed"
            run.error = error.description
            finish(&run, totals, sides)
            if let signal = interrupt.received {
                log("\(error.message); the next run resumes after the checkpoint")
                report(totals, nil, elapsed: MonotonicClock.seconds() - started)
                return 128 + signal
            }
            throw error
        }
        finish(&run, totals, sides)
        report(totals, verification, elapsed: MonotonicClock.seconds() - started)
        return run.status == "verify-failed" ? ExitCode.dataError : ExitCode.success
    }

    private var batchSize: Int { command.int("batch-size") ?? 5000 }

    /// One pass: from the checkpoint (or the start) to the end of the source; the checkpoint is cleared at the
    /// end, so the next run makes a full pass again and catches documents inserted late with small ids.
    private func copy(
        from source: any MigrationEndpoint, to target: any MigrationEndpoint, totals: inout Totals,
        interrupt: InterruptSignal
    ) throws(SensorError) {
        var position = command.has("from-beginning") ? nil : try target.checkpoint(job: job)
        if let position { log("resuming after \(position) (the checkpoint of an interrupted pass)") }
        var lastProgress = MonotonicClock.seconds()
        while true {
            if let signal = interrupt.received {
                // The checkpoint stays: the next run resumes after the last batch stored.
                throw SensorError(.failure, "interrupted by signal \(signal) after \(totals.read) records")
            }
            let (records, last) = try source.records(after: position, limit: batchSize)
            guard let last, !records.isEmpty else { break }
            var batch = MigrationBatch(readings: [], rejects: [], position: last)
            batch.readings.reserveCapacity(records.count)
            for record in records {
                switch record {
                case .reading(let reading): batch.readings.append(reading)
                case .rejected(let key, let raw, let reason):
                    batch.rejects.append(MigrationReject(key: key, raw: raw, reason: reason))
                }
            }
            let copied = try target.store(batch, job: job)
            totals.read += records.count
            totals.copied += copied
            totals.alreadyPresent += batch.readings.count - copied
            totals.rejected += batch.rejects.count
            for reject in batch.rejects {
                log("rejected \(reject.key ?? "(no id)"): \(reject.reason)")
            }
            position = last
            if MonotonicClock.seconds() - lastProgress >= 1 {
                lastProgress = MonotonicClock.seconds()
                log("\(totals.read) read, \(totals.copied) copied so far")
            }
        }
        try target.clearCheckpoint(job: job)
    }

    /// Completes the job-run record in both databases. A side that fails here (it may be the reason the run
    /// failed) must not hide the run's own outcome, so its error is only reported.
    private func finish(_ run: inout JobRun, _ totals: Totals, _ sides: [any MigrationEndpoint]) {
        run.finishedAt = .now()
        run.readingsIn = totals.read
        run.readingsOut = totals.copied
        run.rejected = totals.rejected
        for side in sides {
            do throws(SensorError) {
                try side.record(run)
            } catch {
                log("could not record the job run: \(error)")
            }
        }
    }

    private func log(_ message: String) {
        if !quiet { Console.error("\(Timestamp.now()) migrate \(direction): \(message)\n") }
    }

    private func report(_ totals: Totals, _ verification: Verification?, elapsed: Double) {
        if command.has("json") {
            var object: [String: Any] = [
                "job": job, "read": totals.read, "copied": totals.copied, "already_present": totals.alreadyPresent,
                "rejected": totals.rejected, "elapsed_s": JSONOutput.seconds(elapsed),
            ]
            if let verification {
                object["verify"] = [
                    "source": verification.source, "target": verification.target, "missing": verification.missing,
                    "extra": verification.extra,
                ]
            }
            JSONOutput.print(object)
        }
        guard !quiet else { return }
        Console.error(
            "migrate \(direction): \(totals.read) read, \(totals.copied) copied, \(totals.alreadyPresent) already "
                + "present, \(totals.rejected) rejected in \(Format.seconds(elapsed))\n")
        if let verification {
            let verdict = verification.missing > 0 ? "FAILED" : "ok"
            Console.error(
                "verify: \(verdict): source \(verification.source), target \(verification.target), missing "
                    + "\(verification.missing), extra \(verification.extra)\n")
        }
    }
}
