import Foundation
import SensorAdapters
import SensorCLI
import SensorCore

/// `sensorctl check`: one line per service, checked concurrently so that the whole command stays within a
/// few seconds even when every service is down.
struct CheckCommand {
    let command: ParsedCommand
    let config: SensorConfig

    struct Outcome: Sendable {
        let service: ServiceKind
        let endpoint: String
        let milliseconds: Int
        let result: Result<String, SensorError>
    }

    func run() -> Int32 {
        let services = command.list("service").compactMap(ServiceKind.init(rawValue:))
        let outcomes = Self.checkAll(services, config: config)
        if command.has("json") {
            JSONOutput.print([
                "services": Dictionary(uniqueKeysWithValues: outcomes.map { ($0.service.rawValue, Self.json($0)) })
            ])
        }
        if !command.has("quiet") {
            for outcome in outcomes { Console.error(Self.line(outcome) + "\n") }
        }
        let failed = outcomes.contains { if case .failure = $0.result { true } else { false } }
        return failed ? ExitCode.unavailable : ExitCode.success
    }

    static func checkAll(_ services: [ServiceKind], config: SensorConfig) -> [Outcome] {
        let results = ResultSlots<Outcome>(count: services.count)
        let group = DispatchGroup()
        // One thread per service: checks mostly wait on the network, so they should all wait at once
        // (a thread pool sized to the cores would run them in turns).
        for index in services.indices {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let probe = Adapters.probe(services[index], config: config)
                let start = MonotonicClock.seconds()
                let result: Result<String, SensorError>
                do throws(SensorError) {
                    result = .success(try probe.check())
                } catch {
                    result = .failure(error)
                }
                let elapsed = Int((MonotonicClock.seconds() - start) * 1000)
                results.set(
                    index, Outcome(service: services[index], endpoint: probe.endpoint, milliseconds: elapsed, result: result))
            }
        }
        group.wait()
        return results.values
    }

    private static func line(_ outcome: Outcome) -> String {
        let name = outcome.service.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
        let latency = "\(outcome.milliseconds) ms".padding(toLength: 8, withPad: " ", startingAt: 0)
        switch outcome.result {
        case .success(let detail): return "\(name) ok     \(latency) \(outcome.endpoint)  \(detail)"
        case .failure(let error): return "\(name) error  \(latency) \(outcome.endpoint)  \(error.message)"
        }
    }

    private static func json(_ outcome: Outcome) -> [String: Any] {
        var object: [String: Any] = ["endpoint": outcome.endpoint, "latency_ms": outcome.milliseconds]
        switch outcome.result {
        case .success(let detail):
            object["status"] = "ok"
            object["detail"] = detail
        case .failure(let error):
            object["status"] = "error"
            object["error"] = error.message
        }
        return object
    }
}

/// Fixed slots filled from concurrent iterations, each index written exactly once.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: all access to `slots` goes through `lock`.
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
