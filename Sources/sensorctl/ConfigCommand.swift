import Foundation
import SensorCLI
import SensorCore

/// `sensorctl config`: the effective configuration and where each value came from, secrets masked.
struct ConfigCommand {
    let command: ParsedCommand
    let config: SensorConfig

    func run() -> Int32 {
        let lines = config.redactedLines()
        if command.has("json") {
            JSONOutput.print(
                Dictionary(uniqueKeysWithValues: lines.map { ($0.key, ["value": $0.value, "origin": $0.origin]) }))
            return ExitCode.success
        }
        let keyWidth = lines.map(\.key.count).max() ?? 0
        let valueWidth = lines.map(\.value.count).max() ?? 0
        for line in lines {
            let key = line.key.padding(toLength: keyWidth, withPad: " ", startingAt: 0)
            let value = line.value.padding(toLength: valueWidth, withPad: " ", startingAt: 0)
            Console.out("\(key)  \(value)  (\(line.origin))\n")
        }
        return ExitCode.success
    }
}
