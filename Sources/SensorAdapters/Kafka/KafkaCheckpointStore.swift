import CRdKafka
import SensorCore

/// Checkpoints kept in Kafka itself, in the topic `<topic>.checkpoints` (compacted on a real cluster),
/// one key per producer. A producer writes its checkpoint inside the same transaction as the readings it
/// covers, so a checkpoint is visible to read_committed readers exactly when those readings are.
enum KafkaCheckpointStore {
    static func topic(for readingsTopic: String) -> String { readingsTopic + ".checkpoints" }

    /// The last committed checkpoint stored under `key`, or nil when there is none. Reads every partition of
    /// the checkpoint topic up to its last stable offset with isolation.level=read_committed.
    static func latest(key: String, topic readingsTopic: String, config: SensorConfig) throws(SensorError) -> [UInt8]? {
        let name = topic(for: readingsTopic)
        let reader = try RDKafkaClient(role: .committedReader, config: config)
        guard let partitions = try reader.topicPartitions()[name], partitions > 0 else { return nil }
        let assignment = rd_kafka_topic_partition_list_new(Int32(partitions))
        defer { rd_kafka_topic_partition_list_destroy(assignment) }
        for partition in 0..<partitions {
            rd_kafka_topic_partition_list_add(assignment, name, Int32(partition)).pointee.offset =
                Int64(RD_KAFKA_OFFSET_BEGINNING)
        }
        guard rd_kafka_assign(reader.handle, assignment) == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw reader.unavailable("cannot read \(name)")
        }
        defer { rd_kafka_consumer_close(reader.handle) }
        var latest: [UInt8]?
        var finished: Set<Int32> = []
        let deadline = MonotonicClock.seconds() + 30
        while finished.count < partitions {
            guard MonotonicClock.seconds() < deadline else { throw reader.unavailable("timed out reading \(name)") }
            // Short polls: partition-EOF events do not end a longer poll early, and a producer's start-up
            // waits on this read (200 ms polls cost half a second with 24 partitions).
            guard let message = rd_kafka_consumer_poll(reader.handle, 20) else { continue }
            defer { rd_kafka_message_destroy(message) }
            switch message.pointee.err {
            case RD_KAFKA_RESP_ERR__PARTITION_EOF:
                finished.insert(message.pointee.partition)
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                let messageKey = UnsafeRawBufferPointer(start: message.pointee.key, count: message.pointee.key_len)
                guard messageKey.elementsEqual(key.utf8) else { continue }
                latest = Array(UnsafeRawBufferPointer(start: message.pointee.payload, count: message.pointee.len))
            default:
                throw reader.unavailable("cannot read \(name): \(RDKafkaClient.describe(message.pointee.err))")
            }
        }
        return latest
    }
}
