import CRdKafka
import SensorCore

extension RDKafkaClient {
    /// Outcome of a CreateTopics request.
    enum TopicCreation: Equatable {
        case created
        case alreadyExists
        /// The broker refused or does not implement topic creation; the reason is librdkafka's.
        case refused(String)
    }

    /// Creates `topic` through the Admin API, waiting at most `timeoutMs` for the answer.
    func createTopic(
        _ topic: String, partitions: Int, replicationFactor: Int, settings: [String: String] = [:],
        timeoutMs: Int32 = 10_000
    ) throws(SensorError) -> TopicCreation {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(topic, Int32(partitions), Int32(replicationFactor), &errorText, 512)
        else {
            throw SensorError(.config, service: "kafka", endpoint: endpoint, "cannot describe topic \(topic): \(Self.text(errorText))")
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            _ = rd_kafka_NewTopic_set_config(newTopic, name, value)
        }
        let queue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errorText, 512)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errorText, 512)

        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(handle, &topics, 1, options, queue)
        guard let event = rd_kafka_queue_poll(queue, timeoutMs + 2000) else {
            throw unavailable("no answer to CreateTopics within \(timeoutMs / 1000) s")
        }
        defer { rd_kafka_event_destroy(event) }
        let requestError = rd_kafka_event_error(event)
        guard requestError == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return .refused(String(cString: rd_kafka_event_error_string(event)))
        }
        var count = 0
        guard let result = rd_kafka_event_CreateTopics_result(event),
            let results = rd_kafka_CreateTopics_result_topics(result, &count), count == 1
        else { return .refused("empty CreateTopics result") }
        switch rd_kafka_topic_result_error(results[0]) {
        case RD_KAFKA_RESP_ERR_NO_ERROR: return .created
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: return .alreadyExists
        case let code:
            let message = rd_kafka_topic_result_error_string(results[0]).map { String(cString: $0) }
            return .refused(message ?? Self.describe(code))
        }
    }
}
