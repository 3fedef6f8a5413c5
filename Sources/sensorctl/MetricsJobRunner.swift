import Foundation
import SensorAdapters
import SensorCore

/// The loop of every metrics job (`job metrics`, `job hdfs`): input batch → one ledger transaction with the
/// batch's metric changes and source positions (exactly once) → the same rows to the other stores
/// (versioned, idempotent) → a fresh summary now and then.
///
/// Recovery is always the same move: reconnect the stores, copy the ledger's rows to the others, and read
/// again from the positions stored in the ledger. It is safe whatever was or was not committed, because
/// the ledger alone says what was counted.
final class MetricsJobRunner {
    struct Settings {
        var job: String
        var tauSeconds: Double
        var bucketMilliseconds: Int64
        var rules: HealthRules
        var batchRecords: Int
        var batchIntervalSeconds: Double
        /// Keep running until a stop is requested, waiting out outages; otherwise stop once caught up.
        var follow: Bool
        var quiet: Bool
    }

    struct Totals {
        var readings: Int64 = 0
        var rejected: Int64 = 0
        var batches = 0
        /// Batches refused because another member moved a position first (then read again).
        var conflicts = 0
        /// Seconds from the start until the first batch was read (connecting, a consumer group's join, the
        /// first batch itself), and how many readings that first batch held.
        var startupSeconds: Double?
        var startupReadings: Int64 = 0
        /// Seconds spent at the end waiting for the other stores to receive the last rows.
        var mirrorWaitSeconds = 0.0
    }

    private let settings: Settings
    private let config: SensorConfig
    private let stop: StopRequest
    private let log: (String) -> Void
    private var ledger: (any MetricLedger)!
    private var mirrors: [MetricsMirror] = []
    private(set) var totals = Totals()
    private var lastSummary = -Double.infinity
    private var lastProgress = MonotonicClock.seconds()
    private let started = MonotonicClock.seconds()

    init(settings: Settings, config: SensorConfig, stop: StopRequest, log: @escaping (String) -> Void) {
        self.settings = settings
        self.config = config
        self.stop = stop
        self.log = log
    }

    /// Runs the job over `input` and returns its run record (status `succeeded` or `failed`).
    func run(input: any MetricsInput) throws(SensorError) -> JobRun {
        guard try retry({ () throws(SensorError) -> Void in try connect() }) != nil else {
            throw SensorError(.failure, "stopped before the stores answered")
        }
        var run = JobRun(id: UUID().uuidString.lowercased(), job: settings.job, startedAt: .now())
        try record(run)
        do throws(SensorError) {
            guard try retry({ () throws(SensorError) -> Void in try input.open(storedPositions: storedPositions) }) != nil
            else { return try finish(&run, input: input, error: nil) }
            try loop(input)
        } catch {
            _ = try? finish(&run, input: input, error: error)
            throw error
        }
        return try finish(&run, input: input, error: nil)
    }

    private func loop(_ input: any MetricsInput) throws(SensorError) {
        while !stop.isRequested {
            do throws(SensorError) {
                let wait = Duration.milliseconds(Int64(settings.batchIntervalSeconds * 1000))
                let batch = try input.next(limit: settings.batchRecords, maxWait: wait)
                if totals.startupSeconds == nil && !batch.isEmpty {
                    totals.startupSeconds = MonotonicClock.seconds() - started
                    totals.startupReadings = Int64(batch.readings.count)
                }
                if batch.isEmpty {
                    if !settings.follow && input.isCaughtUp { break }
                } else {
                    try commit(batch, input: input)
                }
                try refreshSummary(force: false)
                reportProgress()
            } catch where settings.follow && error.isRetriable {
                log("\(error); recovering")
                guard try retry({ () throws(SensorError) -> Void in
                    try connect()
                    try input.rewind()
                }) != nil else { break }
                log("recovered: reading again from the positions stored in \(ledger.service)")
            }
        }
    }

    private func commit(_ batch: InputBatch, input: any MetricsInput) throws(SensorError) {
        let delta = MetricsDelta(
            job: settings.job, readings: batch.readings, tauSeconds: settings.tauSeconds,
            bucketMilliseconds: settings.bucketMilliseconds, rejects: batch.rejects, advances: batch.advances)
        switch try ledger.commit(delta, rules: settings.rules) {
        case .committed(let output):
            input.committed(batch)
            totals.readings += Int64(batch.readings.count)
            totals.rejected += Int64(batch.rejects.count)
            totals.batches += 1
            for reject in batch.rejects.prefix(20) {
                log("rejected \(reject.origin) at \(reject.position): \(reject.reason)")
            }
            for mirror in mirrors {
                if let failure = mirror.failure { throw failure }
                mirror.enqueue(output)
            }
        case .conflict(let origin):
            totals.conflicts += 1
            log("\(origin) was moved on by another member of the job; reading again from the stored positions")
            try input.rewind()
        }
    }

    /// Connects (or reconnects) every store and brings the others up to the ledger: after a crash between a
    /// ledger commit and the other writes, or an outage of one store, they may lack the latest rows.
    private func connect() throws(SensorError) {
        for mirror in mirrors { _ = try? mirror.flush() }  // stop the writers of a failed connection
        mirrors = []
        ledger = try Adapters.metricLedger(config: config)
        let stores = try Adapters.metricMirrors(config: config)
        guard !stores.isEmpty else { return }
        // Versions first: a store that is up to date (the usual start) costs no row reads at all.
        let ledgerVersions = try ledger.storedVersions()
        var everything: MetricsOutput?
        for store in stores {
            let versions = try store.storedVersions()
            guard !versions.isUpToDate(with: ledgerVersions) else { continue }
            if everything == nil { everything = try ledger.everything() }
            let missing = versions.missing(from: everything!)
            if !missing.isEmpty {
                log(
                    "copying to \(store.service) the rows it lacks: \(missing.sensors.count) sensors, "
                        + "\(missing.series.count) series buckets, \(missing.rejects.count) rejects, "
                        + "\(missing.files.count) manifest rows")
                try store.save(missing)
            }
        }
        mirrors = stores.map(MetricsMirror.init(store:))
    }

    private func storedPositions() throws(SensorError) -> [String: SourcePosition] {
        try ledger.positions(job: settings.job)
    }

    /// Recomputes the summary from every sensor's stored state (other members' sensors included) at most
    /// once per batch interval (and at least once a second), or now when `force`d.
    private func refreshSummary(force: Bool) throws(SensorError) {
        let now = MonotonicClock.seconds()
        guard force || now - lastSummary >= max(settings.batchIntervalSeconds, 1) else { return }
        lastSummary = now
        let partials = Dictionary(try ledger.sensors().map { ($0.sensorID, $0.partial) }, uniquingKeysWith: { a, _ in a })
        let state = MetricsState(
            tauSeconds: settings.tauSeconds, sensors: partials,
            series: TypeSeries(bucketMilliseconds: settings.bucketMilliseconds))
        let rows = SummaryRow.rows(of: state.summary(now: .now(), rules: settings.rules))
        try ledger.saveSummary(rows)
        for mirror in mirrors { mirror.enqueue(summary: rows) }
    }

    private func reportProgress() {
        guard MonotonicClock.seconds() - lastProgress >= 5 else { return }
        lastProgress = MonotonicClock.seconds()
        log("\(totals.readings) readings, \(totals.rejected) rejected so far")
    }

    private func finish(_ run: inout JobRun, input: any MetricsInput, error: SensorError?) throws(SensorError) -> JobRun {
        input.close()
        var error = error
        if error == nil {
            do throws(SensorError) { try refreshSummary(force: true) } catch let failure { error = failure }
        }
        // Always wait for the writers: after this, nothing but this thread uses the stores.
        let flushStarted = MonotonicClock.seconds()
        for mirror in mirrors {
            do throws(SensorError) { try mirror.flush() } catch let failure { error = error ?? failure }
        }
        totals.mirrorWaitSeconds = MonotonicClock.seconds() - flushStarted
        run.finishedAt = .now()
        run.readingsIn = Int(totals.readings + totals.rejected)
        run.readingsOut = Int(totals.readings)
        run.rejected = Int(totals.rejected)
        run.status = error == nil ? "succeeded" : "failed"
        run.error = error?.description
        try record(run)
        if let error { throw error }
        return run
    }

    /// Records the run in every store (the mirrors' writers are idle: before the first batch, after `flush`);
    /// a store that fails here must not hide the run's own outcome.
    private func record(_ run: JobRun) throws(SensorError) {
        try ledger.record(run)
        for mirror in mirrors {
            do throws(SensorError) {
                try mirror.record(run)
            } catch {
                log("could not record the job run in \(mirror.service): \(error)")
            }
        }
    }

    private func retry<Value>(_ attempt: () throws(SensorError) -> Value) throws(SensorError) -> Value? {
        try retrying(follow: settings.follow, stop: stop, log: log, attempt)
    }
}
