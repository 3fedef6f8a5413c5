import CRdKafka
import SensorCore
import Testing

/// Reads a whole topic from the beginning with a plain librdkafka consumer (read_committed), independent
/// of the code under test. Returns (key, value) pairs.
enum KafkaTestConsumer {
    static func readAll(topic: String, brokers: String) throws -> [(key: String, value: String)] {
        let conf = rd_kafka_conf_new()
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in [
            ("bootstrap.servers", brokers), ("group.id", TestStack.uniqueName("test-reader")),
            ("enable.partition.eof", "true"), ("isolation.level", "read_committed"), ("enable.auto.commit", "false"),
        ] {
            try #require(rd_kafka_conf_set(conf, name, value, &errorText, 512) == RD_KAFKA_CONF_OK)
        }
        let consumer = try #require(rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errorText, 512))
        defer {
            rd_kafka_consumer_close(consumer)
            rd_kafka_destroy(consumer)
        }
        rd_kafka_poll_set_consumer(consumer)
        let partitions = try partitionCount(consumer, topic: topic)
        let assignment = rd_kafka_topic_partition_list_new(Int32(partitions))
        defer { rd_kafka_topic_partition_list_destroy(assignment) }
        for partition in 0..<partitions {
            rd_kafka_topic_partition_list_add(assignment, topic, Int32(partition)).pointee.offset = Int64(RD_KAFKA_OFFSET_BEGINNING)
        }
        try #require(rd_kafka_assign(consumer, assignment) == RD_KAFKA_RESP_ERR_NO_ERROR)
        var messages: [(String, String)] = []
        var finished: Set<Int32> = []
        let deadline = Timestamp.now().milliseconds + 30_000
        while finished.count < partitions {
            try #require(Timestamp.now().milliseconds < deadline, "topic \(topic) not read within 30 s")
            guard let message = rd_kafka_consumer_poll(consumer, 500) else { continue }
            defer { rd_kafka_message_destroy(message) }
            switch message.pointee.err {
            case RD_KAFKA_RESP_ERR__PARTITION_EOF: finished.insert(message.pointee.partition)
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                let key = UnsafeRawBufferPointer(start: message.pointee.key, count: message.pointee.key_len)
                let value = UnsafeRawBufferPointer(start: message.pointee.payload, count: message.pointee.len)
                messages.append((String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            default:
                Issue.record("consumer error: \(String(cString: rd_kafka_err2str(message.pointee.err)))")
                return messages
            }
        }
        return messages
    }

    private static func partitionCount(_ handle: OpaquePointer, topic: String) throws -> Int {
        let topicHandle = rd_kafka_topic_new(handle, topic, nil)
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        try #require(rd_kafka_metadata(handle, 0, topicHandle, &metadata, 10_000) == RD_KAFKA_RESP_ERR_NO_ERROR)
        defer { rd_kafka_metadata_destroy(metadata) }
        let count = Int(try #require(metadata).pointee.topics[0].partition_cnt)
        try #require(count > 0, "topic \(topic) has no partitions")
        return count
    }
}
