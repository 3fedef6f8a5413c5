import Foundation
import SensorCLI
import SensorCore

/// Loads the configuration and runs a parsed command, turning errors into messages and exit codes.
enum CommandRunner {
    static func run(_ command: ParsedCommand) -> Int32 {
        do throws(SensorError) {
            let config = try ConfigLoader(
                flags: command.settingFlags, environment: ProcessInfo.processInfo.environment,
                configFile: command.string("config")
            ).load()
            switch command.path.first {
            case "generate": return try GenerateCommand(command: command, config: config).run()
            case "produce": return try ProduceCommand(command: command, config: config).run()
            case "job" where command.path.dropFirst().first == "migrate":
                return try MigrateCommand(command: command, config: config).run()
            case "job": return try MetricsJobCommand(command: command, config: config).run()
            case "metrics": return try MetricsCommand(command: command, config: config).run()
            case "setup": return SetupCommand(command: command, config: config).run()
            case "check": return CheckCommand(command: command, config: config).run()
            case "config": return ConfigCommand(command: command, config: config).run()
            default: return ExitCode.failure
            }
        } catch {
            if error.code == .usage {
                Console.error(HelpFormatter.errorText(UsageError(error.message, path: command.path), root: SensorctlCommands.root))
            } else {
                Console.error("Error: \(error)\n")
            }
            return error.exitCode
        }
    }
}

/// Machine-readable output for `--json`: sorted keys so scripts and tests can rely on the text.
enum JSONOutput {
    /// Seconds rounded to milliseconds, as every `--json` summary reports durations.
    static func seconds(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    static func print(_ object: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        Console.out(String(decoding: data, as: UTF8.self) + "\n")
    }
}
