import SensorCLI
import SensorCore

#if canImport(Glibc)
import Glibc
#endif

// A thin executable: parse, then hand the command to its file (Generate.swift, Setup.swift, …).
let parser = CommandLineParser(root: SensorctlCommands.root)
do {
    switch try parser.parse(Array(CommandLine.arguments.dropFirst())) {
    case .help(let text):
        Console.out(text)
        exit(ExitCode.success)
    case .version:
        Console.out("sensorctl \(SensorctlCommands.version)\n")
        exit(ExitCode.success)
    case .run(let command):
        exit(CommandRunner.run(command))
    }
} catch {
    Console.error(HelpFormatter.errorText(error, root: SensorctlCommands.root))
    exit(ExitCode.usage)
}
