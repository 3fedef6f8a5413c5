import SensorCLI
import SensorCore
import Testing

@Suite struct ParserTests {
    let parser = CommandLineParser(root: SensorctlCommands.root)

    func help(_ arguments: [String]) throws -> String {
        guard case .help(let text) = try parser.parse(arguments) else {
            Issue.record("expected help for \(arguments)")
            return ""
        }
        return text
    }

    func command(_ arguments: [String]) throws -> ParsedCommand {
        guard case .run(let command) = try parser.parse(arguments) else { throw UsageError("not a run", path: []) }
        return command
    }

    func usageError(_ arguments: [String]) -> UsageError? {
        #expect(throws: UsageError.self, "\(arguments)") { try parser.parse(arguments) }
    }

    @Test(arguments: ["generate", "setup", "check", "config"])
    func helpIsTheSameEveryWayItIsAsked(name: String) throws {
        let expected = try help(["help", name])
        #expect(try help([name, "--help"]) == expected)
        #expect(try help([name, "-h"]) == expected)
        #expect(try help([name, "--count", "3", "--help"]) == expected || name != "generate")
        #expect(expected.hasPrefix("OVERVIEW: "))
        #expect(expected.contains("USAGE: sensorctl \(name)"))
        #expect(expected.contains("  -h, --help"))
    }

    @Test func rootHelpListsEveryCommand() throws {
        let text = try help(["--help"])
        #expect(try help(["help"]) == text)
        #expect(try help(["-h"]) == text)
        for name in ["generate", "setup", "check", "config"] { #expect(text.contains("\n  \(name) ")) }
        #expect(text.contains("--version"))
    }

    @Test func generateHelpShowsOptionsDefaultsAndExamples() throws {
        let text = try help(["help", "generate"])
        #expect(text.contains("USAGE: sensorctl generate --sink <sinks> [<options>]"))
        #expect(text.contains("-n, --count <n>"))
        #expect(text.contains("(default: 1000)"))
        #expect(text.contains("(default: good)"))
        // Word wrap may break long descriptions anywhere between words.
        let flowing = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flowing.contains("(env: SENSORCTL_POSTGRES_URL;"))
        #expect(text.contains("EXAMPLES:\n  sensorctl generate --sink postgres -n 4000"))
        #expect(flowing.contains("postgres, mongo, hdfs-csv, hdfs-json, kafka"))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 120 })
    }

    @Test func versionIsAvailable() throws {
        guard case .version = try parser.parse(["--version"]) else {
            Issue.record("--version")
            return
        }
    }

    @Test func generateOptionsParseWithDefaultsAndBothSpellings() throws {
        let parsed = try command(["generate", "--sink=postgres,mongo", "-n", "500", "--seed", "7", "-s", "kafka", "--json"])
        #expect(parsed.list("sink") == ["postgres", "mongo", "kafka"])
        #expect(parsed.int("count") == 500)
        #expect(parsed.uint64("seed") == 7)
        #expect(parsed.string("type-data") == "good")
        #expect(parsed.double("atypical-chance") == 0.05)
        #expect(parsed.has("json") && !parsed.has("quiet"))
        #expect(parsed.double("rate") == nil)
    }

    @Test func settingFlagsReachTheConfigurationLoader() throws {
        let parsed = try command(["check", "--postgres-url", "postgresql://h/db", "--topic", "t2"])
        #expect(parsed.settingFlags == [.postgresURL: "postgresql://h/db", .topic: "t2"])
    }

    @Test(arguments: [
        (["bogus"], "unknown command 'bogus'", [String]()),
        (["generat"], "unknown command 'generat' (did you mean 'generate'?)", []),
        (["help", "nope"], "unknown command 'nope'", []),
        ([], "missing command", []),
        (["generate", "--sink", "postgres", "--bogus"], "unknown option '--bogus'", ["generate"]),
        (["generate", "--sink", "postgres", "--coutn", "3"], "unknown option '--coutn' (did you mean '--count'?)", ["generate"]),
        (["generate", "--sink"], "missing value for '-s, --sink <sinks>'", ["generate"]),
        (["generate", "--sink", "postgres", "-n", "-5"], "invalid value '-5' for '--count': must be a positive integer", ["generate"]),
        (["generate", "--sink", "postgres", "-n", "ten"], "invalid value 'ten' for '--count': must be a positive integer", ["generate"]),
        (["generate", "--sink", "postgres", "--type-data", "bogus"], "invalid value 'bogus' for '--type-data': must be one of good, anomaly", ["generate"]),
        (["generate", "--sink", "nowhere"], "invalid value 'nowhere' for '--sink': 'nowhere' is not one of postgres, mongo, hdfs-csv, hdfs-json, kafka", ["generate"]),
        (["generate", "-n", "5"], "missing required option '-s, --sink <sinks>'", ["generate"]),
        (["generate", "--sink", "kafka", "extra"], "unexpected argument 'extra'", ["generate"]),
        (["generate", "--sink", "kafka", "--json=yes"], "'--json' does not take a value", ["generate"]),
        (["generate", "--sink", "kafka", "--atypical-chance", "1.5"], "invalid value '1.5' for '--atypical-chance': must be a number from 0 to 1", ["generate"]),
        (["generate", "--sink", "kafka", "--rate", "0"], "invalid value '0' for '--rate': must be a positive number", ["generate"]),
        (["check", "--service", "redis"], "invalid value 'redis' for '--service': 'redis' is not one of postgres, mongo, kafka, hdfs", ["check"]),
    ])
    func usageErrorsSayWhatIsWrong(arguments: [String], message: String, path: [String]) {
        let error = usageError(arguments)
        #expect(error?.message == message)
        #expect(error?.path == path)
    }

    @Test func usageErrorTextHasErrorUsageAndAPointerToHelp() {
        let text = HelpFormatter.errorText(UsageError("unknown option '--bogus'", path: ["generate"]), root: SensorctlCommands.root)
        #expect(
            text == """
                Error: unknown option '--bogus'
                Usage: sensorctl generate --sink <sinks> [<options>]
                See 'sensorctl generate --help' for more information.

                """)
    }
}
