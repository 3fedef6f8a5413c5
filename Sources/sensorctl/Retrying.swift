import Foundation
import SensorCore

/// One-shot runs fail at once on an outage (exit 69); follow mode retries retriable failures with
/// exponential backoff (1 s … 30 s) until the service answers, or returns nil when a stop is requested.
func retrying<Value>(
    follow: Bool, stop: StopRequest, log: (String) -> Void, _ attempt: () throws(SensorError) -> Value
) throws(SensorError) -> Value? {
    var delay = 1.0
    while !stop.isRequested {
        do throws(SensorError) {
            return try attempt()
        } catch where follow && error.isRetriable {
            log("\(error); retrying in \(Int(delay)) s")
            stop.wait(seconds: delay)
            delay = min(delay * 2, 30)
        }
    }
    return nil
}

/// A stop request from a signal handler, read by the command's loop between batches; waits (poll interval,
/// retry backoff) end early when it arrives, so SIGTERM is answered promptly even during an outage.
final class StopRequest: @unchecked Sendable {
    // @unchecked Sendable: `requested` is only accessed under `condition`.
    private let condition = NSCondition()
    private var requested = false

    func request() {
        condition.lock()
        requested = true
        condition.broadcast()
        condition.unlock()
    }

    var isRequested: Bool {
        condition.lock()
        defer { condition.unlock() }
        return requested
    }

    /// Sleeps up to `seconds`, returning as soon as a stop is requested.
    func wait(seconds: Double) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        while !requested && condition.wait(until: deadline) {}
        condition.unlock()
    }
}
