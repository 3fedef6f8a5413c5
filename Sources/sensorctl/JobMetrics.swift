import SensorAdapters
import SensorCLI
import SensorCore

/// `sensorctl job metrics` (the Kafka topic, through a consumer group) and `sensorctl job hdfs` (the files
/// under the HDFS root): the same metrics, the same exactly-once loop (`MetricsJobRunner`), other inputs.
struct MetricsJobCommand {
    let command: ParsedCommand
    let config: SensorConfig

    private var isHDFS: Bool { command.path.last == "hdfs" }
    private var quiet: Bool { command.has("quiet") }

    func run() throws(SensorError) -> Int32 {
        if command.has("follow") && command.has("until-idle") {
            throw SensorError(.usage, "--follow and --until-idle cannot be combined")
        }
        let group = command.string("group") ?? ""
        let job = isHDFS ? "hdfs" : "metrics/\(group)"
        // The HDFS job reads what is there and stops; the streaming job follows unless told otherwise.
        let follow = !isHDFS && !command.has("until-idle")
        let settings = MetricsJobRunner.Settings(
            job: job, tauSeconds: command.double("smoothing-tau")!,
            bucketMilliseconds: Int64((command.double("bucket")! * 1000).rounded()),
            rules: HealthRules(onlineTTL: .milliseconds(Int64(command.double("online-ttl")! * 1000))),
            batchRecords: command.int("batch-records")!,
            batchIntervalSeconds: command.double("batch-interval") ?? 1, follow: follow, quiet: quiet)
        guard settings.bucketMilliseconds > 0 else {
            throw SensorError(.usage, "invalid value for --bucket: must be at least 0.001 seconds")
        }
        let stop = StopRequest()
        let interrupt = InterruptSignal { stop.request() }
        let started = MonotonicClock.seconds()
        let runner = MetricsJobRunner(settings: settings, config: config, stop: stop, log: log)
        let hdfs = isHDFS ? try Adapters.hdfsMetricsInput(config: config, root: command.string("root"), job: job) : nil
        let input: any MetricsInput
        if let hdfs { input = hdfs } else { input = try Adapters.kafkaMetricsInput(config: config, group: group, job: job, log: log) }
        let run = try runner.run(input: input)
        for notice in hdfs?.notices ?? [] { log(notice) }
        report(run, runner.totals, elapsed: MonotonicClock.seconds() - started)
        // A follow-mode job ends by a signal: that is its normal, graceful end.
        if let signal = interrupt.received, !follow { return 128 + signal }
        return ExitCode.success
    }

    private func log(_ message: String) {
        if !quiet { Console.error("\(Timestamp.now()) \(command.path.joined(separator: " ")): \(message)\n") }
    }

    private func report(_ run: JobRun, _ totals: MetricsJobRunner.Totals, elapsed: Double) {
        if command.has("json") {
            JSONOutput.print([
                "job": run.job, "run_id": run.id, "status": run.status, "readings": totals.readings,
                "rejected": totals.rejected, "batches": totals.batches, "conflicts": totals.conflicts,
                "elapsed_s": JSONOutput.seconds(elapsed), "startup_s": JSONOutput.seconds(totals.startupSeconds ?? elapsed),
                "startup_readings": totals.startupReadings, "mirror_wait_s": JSONOutput.seconds(totals.mirrorWaitSeconds),
            ])
        }
        guard !quiet else { return }
        let source = isHDFS ? "HDFS files" : config.topic
        var line = "\(command.path.joined(separator: " ")): \(totals.readings) readings from \(source)"
        if totals.rejected > 0 { line += ", \(totals.rejected) rejected (see job_rejects)" }
        line += " in \(Format.seconds(elapsed)) (\(Format.rate(Double(totals.readings) / max(elapsed, 0.001))))"
        Console.error(line + "; metrics in postgres and mongo\n")
    }
}
