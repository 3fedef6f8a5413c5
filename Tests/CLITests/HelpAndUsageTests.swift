import Foundation
import Testing

@Suite struct HelpAndUsageTests {
    @Test func helpGoesToStdoutWithExitZeroAndIsTheSameEveryWay() throws {
        let root = try Binary.run(["--help"])
        #expect(root.status == 0 && root.stderr.isEmpty)
        #expect(root.stdout.hasPrefix("OVERVIEW: "))
        #expect(try Binary.run(["help"]).stdout == root.stdout)
        let generate = try Binary.run(["help", "generate"])
        #expect(generate.status == 0)
        #expect(try Binary.run(["generate", "--help"]).stdout == generate.stdout)
        #expect(try Binary.run(["generate", "-h"]).stdout == generate.stdout)
        #expect(generate.stdout.contains("EXAMPLES:"))
    }

    @Test func versionPrintsTheVersion() throws {
        let run = try Binary.run(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("sensorctl "))
    }

    @Test(arguments: [
        (["frobnicate"], "Error: unknown command 'frobnicate'", "Usage: sensorctl <subcommand> [<options>]"),
        (["generate", "--sink", "postgres", "-n", "-5"], "Error: invalid value '-5' for '--count': must be a positive integer",
         "Usage: sensorctl generate --sink <sinks> [<options>]"),
        (["generate", "--sink", "postgres", "--type-data", "bogus"], "Error: invalid value 'bogus' for '--type-data': must be one of good, anomaly",
         "Usage: sensorctl generate --sink <sinks> [<options>]"),
        (["generate", "--sink", "nowhere"], "Error: invalid value 'nowhere' for '--sink': 'nowhere' is not one of postgres, mongo, hdfs-csv, hdfs-json, kafka",
         "Usage: sensorctl generate --sink <sinks> [<options>]"),
        (["check", "--bogus"], "Error: unknown option '--bogus'", "Usage: sensorctl check [<options>]"),
        (["generate", "--sink", "kafka", "--topic-partitions", "0"], "Error: invalid value for --topic-partitions: '0' is not a positive integer",
         "Usage: sensorctl generate --sink <sinks> [<options>]"),
    ])
    func usageErrorsExit64WithErrorAndUsageOnStderr(arguments: [String], error: String, usage: String) throws {
        let run = try Binary.run(arguments)
        #expect(run.status == 64)
        #expect(run.stdout.isEmpty)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(run.stderr)")
        #expect(lines.first == error)
        #expect(lines.dropFirst().first == usage)
        #expect(lines.last?.hasPrefix("See 'sensorctl") == true)
    }

    @Test func badConfigurationExits78NamingTheKey() throws {
        let path = NSTemporaryDirectory() + "sensorctl-cli-\(UUID().uuidString).json"
        try #"{"version":1,"kafka":{"topik":"x"}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try Binary.run(["config", "--config", path])
        #expect(run.status == 78)
        #expect(run.stderr.contains("unknown key 'kafka.topik'"))
    }

    @Test func configShowsEffectiveValuesWithPasswordsRedacted() throws {
        let run = try Binary.run(
            ["config", "--topic", "from-flag"],
            environment: ["SENSORCTL_POSTGRES_URL": "postgresql://app:hunter2@db.example:5432/sensors"])
        #expect(run.status == 0)
        #expect(!run.stdout.contains("hunter2"))
        #expect(run.stdout.contains("postgresql://app:***@db.example:5432/sensors"))
        #expect(run.stdout.contains("(env SENSORCTL_POSTGRES_URL)"))
        #expect(run.stdout.contains("from-flag") && run.stdout.contains("(flag)"))
        let json = try Binary.json(
            try Binary.run(["config", "--json"], environment: ["SENSORCTL_MONGO_URL": "mongodb://u:hunter2@m/db"]).stdout)
        let mongo = try #require(json["mongo.url"] as? [String: String])
        #expect(mongo["value"] == "mongodb://u:***@m/db")
    }
}
