import Foundation
import SensorCore

/// A one-line progress bar on stderr, drawn only when stderr is a terminal and at most ten times a second.
struct ProgressBar {
    private let total: Int
    private let enabled: Bool
    private let start = MonotonicClock.seconds()
    private var lastDraw = 0.0

    init(total: Int, quiet: Bool) {
        self.total = total
        enabled = !quiet && Console.isTerminal(2)
    }

    mutating func update(done: Int) {
        guard enabled else { return }
        let now = MonotonicClock.seconds()
        guard now - lastDraw >= 0.1 || done == total else { return }
        lastDraw = now
        let width = 30
        let filled = total == 0 ? width : width * done / total
        let rate = Double(done) / max(now - start, 0.001)
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        Console.error("\r[\(bar)] \(done)/\(total) \(Format.rate(rate))\u{1B}[K")
    }

    func clear() {
        if enabled { Console.error("\r\u{1B}[K") }
    }
}

/// Human-friendly numbers for summaries.
enum Format {
    static func rate(_ perSecond: Double) -> String {
        perSecond >= 10_000 ? "\(Int(perSecond / 1000))k/s" : "\(Int(perSecond))/s"
    }

    static func seconds(_ value: Double) -> String {
        String(format: "%.2f s", value)
    }
}
