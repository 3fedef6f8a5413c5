import Foundation
import SensorAdapters
import SensorCore
import Testing

/// KafkaSink against the mock cluster of the local stack, read back by an independent consumer.
@Suite struct KafkaSinkTests {
    /// A configuration whose topic is new, so the test reads only its own messages.
    static func config(topic: String) throws -> SensorConfig {
        try ConfigLoader(
            flags: [.topic: topic], environment: ProcessInfo.processInfo.environment, projectFile: "/nonexistent"
        ).load()
    }

    @Test func producesEveryReadingOnceKeyedBySensor() throws {
        _ = try TestStack.config()
        let topic = TestStack.uniqueName("test.readings")
        let config = try Self.config(topic: topic)
        let sink = try KafkaSink(config: config, options: SinkOptions(runID: "test"))
        try SinkConformance.check(sink, count: 1200) { _ in
            try KafkaTestConsumer.readAll(topic: topic, brokers: config.kafkaBrokers).map { message in
                let reading = try JSONLinesCodec.decode(message.value).get()
                #expect(message.key == reading.sensorID, "the key is the sensor id")
                return reading
            }
        }
    }

    @Test func checkAndSetupSeeTheTopicsOfTheStack() throws {
        let config = try TestStack.config()
        #expect(try KafkaProbe(config: config).check().contains("topic \(config.topic) present"))
        let steps = try KafkaProbe(config: config).setup()
        let topics = [config.topic, config.topic + ".dlq", config.topic + ".checkpoints"]
        #expect(steps.map(\.object) == topics.map { "topic \($0)" })
        #expect(steps.allSatisfy { $0.outcome == .present }, "make up creates all three topics: \(steps)")
    }
}
