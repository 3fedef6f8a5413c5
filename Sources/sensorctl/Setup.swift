import SensorAdapters
import SensorCLI
import SensorCore

/// `sensorctl setup`: creates, idempotently, what each selected service needs.
struct SetupCommand {
    let command: ParsedCommand
    let config: SensorConfig

    func run() -> Int32 {
        let quiet = command.has("quiet")
        var results: [String: Any] = [:]
        var firstError: SensorError?
        for service in command.list("service").compactMap(ServiceKind.init(rawValue:)) {
            let probe = Adapters.probe(service, config: config)
            do throws(SensorError) {
                let steps = try probe.setup()
                results[service.rawValue] = ["status": "ok", "steps": steps.map(Self.json)]
                if !quiet {
                    for step in steps {
                        let note = step.note.map { " (\($0))" } ?? ""
                        Console.error("\(service.rawValue): \(step.object): \(step.outcome.rawValue)\(note)\n")
                    }
                }
            } catch {
                firstError = firstError ?? error
                results[service.rawValue] = ["status": "error", "error": error.description]
                if !quiet { Console.error("\(service.rawValue): error: \(error)\n") }
            }
        }
        if command.has("json") { JSONOutput.print(["services": results]) }
        return firstError?.exitCode ?? ExitCode.success
    }

    private static func json(_ step: SetupStep) -> [String: Any] {
        var object: [String: Any] = ["object": step.object, "outcome": step.outcome.rawValue]
        if let note = step.note { object["note"] = note }
        return object
    }
}
