import Dispatch
import Foundation

/// Turns the first SIGINT or SIGTERM into a request to stop cleanly: the command stops generating, finishes
/// its sinks (commits, renames, flushes) and exits 128 + signal. A second signal kills at once, as usual.
final class InterruptSignal: @unchecked Sendable {
    // @unchecked Sendable: `signalNumber` is guarded by `lock`; `sources` is written only in init.
    private let lock = NSLock()
    private var signalNumber: Int32?
    private var sources: [DispatchSourceSignal] = []

    init(onSignal: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                record(number)
                // Back to the default action, so a second Ctrl-C ends the process immediately.
                signal(SIGINT, SIG_DFL)
                signal(SIGTERM, SIG_DFL)
                onSignal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The signal received, if any.
    var received: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return signalNumber
    }

    private func record(_ number: Int32) {
        lock.lock()
        if signalNumber == nil { signalNumber = number }
        lock.unlock()
    }
}
