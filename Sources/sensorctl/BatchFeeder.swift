import Foundation
import SensorCore

/// Generates batches on a background thread while the caller writes the previous ones to the sinks, so
/// generation and I/O overlap. At most `depth` batches wait in memory: memory stays flat for any count.
final class BatchFeeder: @unchecked Sendable {
    // @unchecked Sendable: every mutable property is read and written only while holding `condition`.
    private let condition = NSCondition()
    private var ready: [[Reading]] = []
    private var finished = false
    private var stopped = false
    private let depth = 2

    /// Starts generating `count` readings in batches of `batchSize`. With a `rate` (readings per second)
    /// each reading is made at its scheduled time and a batch is cut after at most one second, so a slow
    /// fleet still lands data every second.
    init(generator: ReadingGenerator, count: Int, batchSize: Int, rate: Double?) {
        let thread = Thread { [self] in
            var generator = generator
            var made = 0
            let start = MonotonicClock.seconds()
            while made < count && !isStopped {
                var batch: [Reading] = []
                batch.reserveCapacity(min(batchSize, count - made))
                let batchStart = MonotonicClock.seconds()
                while batch.count < batchSize && made < count {
                    if let rate {
                        let due = start + Double(made) / rate
                        let wait = due - MonotonicClock.seconds()
                        if wait > 0 {
                            if !batch.isEmpty && MonotonicClock.seconds() + wait - batchStart > 1 { break }
                            Thread.sleep(forTimeInterval: wait)
                        }
                    }
                    batch.append(generator.next())
                    made += 1
                }
                push(batch)
            }
            finish()
        }
        thread.name = "sensorctl-generator"
        thread.start()
    }

    /// The next batch, or nil when all were delivered.
    func next() -> [Reading]? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        guard !ready.isEmpty else { return nil }
        condition.broadcast()
        return ready.removeFirst()
    }

    /// Asks the generator thread to stop early (every sink failed).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    private func push(_ batch: [Reading]) {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= depth && !stopped { condition.wait() }
        ready.append(batch)
        condition.broadcast()
    }

    private func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
