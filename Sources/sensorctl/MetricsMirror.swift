import Foundation
import SensorCore

/// Writes what the ledger committed to another store (MongoDB) on a thread of its own, so a slow store does
/// not slow the job down, and coalesces while it is busy: of the rows waiting for the same key only the
/// newest version is written (the store would discard the older ones anyway). Nothing is lost: every key's
/// newest row reaches the store, and `flush` waits for it.
///
/// A failed write is kept as `failure` and stops the thread; the job decides what to do (exit 69, or
/// reconnect and resync in follow mode) and starts a new mirror.
final class MetricsMirror: @unchecked Sendable {
    // @unchecked Sendable: every mutable property is read and written only under `condition`; `store` is
    // used only by the writer thread once it has started (and by `finalWrite` after it has stopped).
    private let store: any MetricStore
    private let condition = NSCondition()
    private var sensors: [String: SensorMetricsRow] = [:]
    private var series: [String: SeriesRow] = [:]
    private var rejects: [JobReject] = []
    private var files: [String: FileProgress] = [:]
    private var summary: [SummaryRow]?
    private var stopping = false
    private var stopped = false
    private(set) var failureValue: SensorError?

    init(store: any MetricStore) {
        self.store = store
        let thread = Thread { [self] in writeLoop() }
        thread.name = "sensorctl-mirror-\(store.service)"
        thread.start()
    }

    var service: String { store.service }

    /// The error that stopped the writer, if any.
    var failure: SensorError? {
        condition.lock()
        defer { condition.unlock() }
        return failureValue
    }

    /// Queues a committed output.
    func enqueue(_ output: MetricsOutput) {
        condition.lock()
        for row in output.sensors where (sensors[row.sensorID]?.version ?? .min) < row.version {
            sensors[row.sensorID] = row
        }
        for row in output.series {
            let key = "\(row.sensorType)|\(row.bucketMilliseconds)|\(row.bucketStart.milliseconds)"
            if (series[key]?.version ?? .min) < row.version { series[key] = row }
        }
        rejects += output.rejects
        for file in output.files where (files[file.path]?.bytesDone ?? .min) <= file.bytesDone { files[file.path] = file }
        condition.broadcast()
        condition.unlock()
    }

    /// Queues a summary (only the latest waiting one is written).
    func enqueue(summary rows: [SummaryRow]) {
        condition.lock()
        summary = rows
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until everything queued is written (or the writer failed), then stops the writer.
    func flush() throws(SensorError) {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        let failure = failureValue
        condition.unlock()
        if let failure { throw failure }
    }

    /// Records the job run, after `flush` (the writer thread no longer uses the store).
    func record(_ run: JobRun) throws(SensorError) {
        try store.record(run)
    }

    private var hasWork: Bool {
        !sensors.isEmpty || !series.isEmpty || !rejects.isEmpty || !files.isEmpty || summary != nil
    }

    private func writeLoop() {
        while true {
            condition.lock()
            while !hasWork && !stopping { condition.wait() }
            if !hasWork {
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let output = MetricsOutput(
                sensors: Array(sensors.values), series: Array(series.values), rejects: rejects, files: Array(files.values))
            let summaryRows = summary
            (sensors, series, rejects, files, summary) = ([:], [:], [], [:], nil)
            condition.unlock()
            do throws(SensorError) {
                try store.save(output)
                if let summaryRows { try store.saveSummary(summaryRows) }
            } catch {
                condition.lock()
                failureValue = error
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }
}
