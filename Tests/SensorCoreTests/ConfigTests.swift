import Foundation
import SensorCore
import Testing

@Suite struct ConfigTests {
    /// Writes `json` to a fresh temporary file and returns its path.
    static func file(_ json: String) throws -> String {
        let path = NSTemporaryDirectory() + "sensorctl-config-\(UUID().uuidString).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultsApplyWithoutAnyLayer() throws {
        let config = try ConfigLoader(projectFile: "/nonexistent").load()
        #expect(config.topic == "sensor.readings")
        #expect(config.hdfsRoot == "/user/sensor_corp")
        #expect(config.origin(of: .topic) == .defaultValue)
    }

    @Test func precedenceIsFlagsThenEnvironmentThenConfigFileThenProjectFileThenDefaults() throws {
        let project = try Self.file(
            #"{"version":1,"kafka":{"topic":"project","brokers":"project:9092"},"hdfs":{"user":"project","root":"/project"},"mongo":{"url":"mongodb://project/db"}}"#)
        let explicit = try Self.file(#"{"version":1,"kafka":{"topic":"file","brokers":"file:9092"},"hdfs":{"user":"file"}}"#)
        let config = try ConfigLoader(
            flags: [.topic: "flag"],
            environment: ["SENSORCTL_TOPIC": "env", "SENSORCTL_KAFKA_BROKERS": "env:9092"],
            configFile: explicit, projectFile: project
        ).load()
        #expect(config.topic == "flag")
        #expect(config.kafkaBrokers == "env:9092")
        #expect(config.origin(of: .kafkaBrokers) == .environment("SENSORCTL_KAFKA_BROKERS"))
        #expect(config.hdfsUser == "file")
        #expect(config.hdfsRoot == "/project")
        #expect(config.origin(of: .hdfsRoot) == .file(project))
        #expect(config.mongoURL == "mongodb://project/db")
        #expect(config.postgresURL == ConfigKey.postgresURL.defaultValue)
    }

    @Test func environmentNamesAreTheDocumentedOnes() {
        #expect(ConfigKey.allCases.map(\.environmentName) == [
            "SENSORCTL_POSTGRES_URL", "SENSORCTL_MONGO_URL", "SENSORCTL_KAFKA_BROKERS", "SENSORCTL_TOPIC",
            "SENSORCTL_KAFKA_PARTITIONS", "SENSORCTL_KAFKA_REPLICATION_FACTOR", "SENSORCTL_HDFS_URL",
            "SENSORCTL_HDFS_USER", "SENSORCTL_HDFS_ROOT", "SENSORCTL_GENERATOR_SENSOR_TYPES",
        ])
    }

    @Test func unknownKeysAreNamed() throws {
        let path = try Self.file(#"{"version":1,"kafka":{"brokerz":"x"}}"#)
        let error = #expect(throws: SensorError.self) { try ConfigLoader(configFile: path, projectFile: "/x").load() }
        #expect(error?.code == .config)
        #expect(error?.message.contains("unknown key 'kafka.brokerz'") == true)
        let section = try Self.file(#"{"version":1,"kafkaa":{}}"#)
        let sectionError = #expect(throws: SensorError.self) { try ConfigLoader(configFile: section, projectFile: "/x").load() }
        #expect(sectionError?.message.contains("unknown key 'kafkaa'") == true)
    }

    @Test(arguments: [
        (#"{"kafka":{"topic":"t"}}"#, "missing \"version\""),
        (#"{"version":2}"#, "unsupported version 2"),
        (#"{"version":1,"kafka":{"partitions":"six"}}"#, "'kafka.partitions' must be an integer"),
        (#"{"version":1,"postgres":{"url":"mysql://x"}}"#, "must start with postgresql://"),
        (#"{"version":1,"hdfs":{"root":"relative"}}"#, "must be an absolute path"),
        ("{not json", "not valid JSON"),
    ])
    func invalidFilesAreConfigurationErrors(json: String, fragment: String) throws {
        let path = try Self.file(json)
        let error = #expect(throws: SensorError.self) { try ConfigLoader(configFile: path, projectFile: "/x").load() }
        #expect(error?.exitCode == 78)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }

    @Test func aMissingConfigFileIsAnError() {
        let error = #expect(throws: SensorError.self) { try ConfigLoader(configFile: "/nope.json", projectFile: "/x").load() }
        #expect(error?.exitCode == 78)
    }

    @Test func badFlagValuesAreUsageErrorsAndBadEnvironmentValuesConfigErrors() {
        let flag = #expect(throws: SensorError.self) { try ConfigLoader(flags: [.topicPartitions: "0"], projectFile: "/x").load() }
        #expect(flag?.exitCode == 64)
        #expect(flag?.message.contains("--topic-partitions") == true)
        let env = #expect(throws: SensorError.self) {
            try ConfigLoader(environment: ["SENSORCTL_MONGO_URL": "http://x"], projectFile: "/x").load()
        }
        #expect(env?.exitCode == 78)
        #expect(env?.message.contains("SENSORCTL_MONGO_URL") == true)
    }

    @Test func redactedLinesMaskEveryPassword() throws {
        let path = try Self.file(
            #"{"version":1,"kafka":{"properties":{"sasl.username":"svc","sasl.password":"k-secret","ssl.key.password":"x-secret"}}}"#)
        let config = try ConfigLoader(
            environment: [
                "SENSORCTL_POSTGRES_URL": "postgresql://app:pg-secret@db:5432/sensors?sslmode=require",
                "SENSORCTL_MONGO_URL": "mongodb://root:mongo-secret@m1:27017,m2:27017/sensors?authSource=admin",
                "SENSORCTL_HDFS_URL": "https://hdfs:h-secret@namenode:9871",
            ], configFile: path, projectFile: "/x"
        ).load()
        let text = config.redactedLines().map { "\($0.key) \($0.value) \($0.origin)" }.joined(separator: "\n")
        for secret in ["pg-secret", "mongo-secret", "h-secret", "k-secret", "x-secret"] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
        #expect(text.contains("postgresql://app:***@db:5432/sensors?sslmode=require"))
        #expect(text.contains("mongodb://root:***@m1:27017,m2:27017/sensors"))
        #expect(text.contains("kafka.properties.sasl.username svc"))
    }
}

@Suite struct ExampleConfigTests {
    /// The shipped example documents every key and must stay loadable as the configuration format evolves.
    @Test func theExampleFileLoadsAndSetsEveryKey() throws {
        let path = #filePath.replacingOccurrences(of: "Tests/SensorCoreTests/ConfigTests.swift", with: "config/sensorctl.example.json")
        let config = try ConfigLoader(configFile: path, projectFile: "/nonexistent").load()
        for key in ConfigKey.allCases {
            #expect(config.origin(of: key) == .file(path), "\(key.rawValue) is not documented in the example")
        }
        #expect(config.kafkaProperties["sasl.password"] != nil)
    }
}
