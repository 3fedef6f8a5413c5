import CRdKafka
import SensorCore

#if canImport(Glibc)
import Glibc
#endif

/// The internal librdkafka handle: the only type that holds an `rd_kafka_t`.
///
/// Ownership: `rd_kafka_new` takes ownership of the configuration object on success (we destroy it only
/// on failure); the handle is destroyed in `deinit`, after which no callback can run. Callbacks receive
/// `events` as opaque pointer, unretained: this object keeps it alive longer than the handle.
/// The admin role uses a producer handle too: the Admin API works on any handle.
final class RDKafkaClient {
    let handle: OpaquePointer
    let endpoint: String
    let events = RDKafkaEvents()
    /// Topic handles by name, created on first use and destroyed before the client handle.
    private var topics: [String: OpaquePointer] = [:]

    init(role: KafkaSettings.Role, config: SensorConfig) throws(SensorError) {
        endpoint = KafkaSettings.endpoint(config)
        let conf = rd_kafka_conf_new()
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in KafkaSettings.properties(for: role, config: config) {
            guard rd_kafka_conf_set(conf, name, value, &errorText, errorText.count) == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let shown = Redact.isSecretKey(name) ? Redact.mask : value
                throw SensorError(
                    .config, service: "kafka", "invalid property \(name)=\(shown): \(Self.text(errorText))")
            }
        }
        rd_kafka_conf_set_error_cb(conf, recordError)
        rd_kafka_conf_set_log_cb(conf, quietLog)
        if role.isProducer { rd_kafka_conf_set_dr_msg_cb(conf, recordDelivery) }
        if case .groupMember = role { rd_kafka_conf_set_rebalance_cb(conf, forwardRebalance) }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(events).toOpaque())
        let type = role.isConsumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER
        guard let client = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw SensorError(.config, service: "kafka", endpoint: endpoint, Self.text(errorText))
        }
        handle = client
    }

    deinit {
        topics.values.forEach(rd_kafka_topic_destroy)
        rd_kafka_destroy(handle)
    }

    /// The handle of `name`, created once per client.
    func topic(_ name: String) throws(SensorError) -> OpaquePointer {
        if let topic = topics[name] { return topic }
        guard let topic = rd_kafka_topic_new(handle, name, nil) else {
            throw SensorError(.config, service: "kafka", endpoint: endpoint, "invalid topic name \(name)")
        }
        topics[name] = topic
        return topic
    }

    /// Queues one message (librdkafka copies key and value). A full local queue is waited out by serving
    /// delivery reports; any other refusal is an error.
    func produce(to topicName: String, key: String?, value: [UInt8]) throws(SensorError) {
        let topic = try topic(topicName)
        var key = key
        while true {
            let status = value.withUnsafeBytes { payload in
                withUTF8Pointer(&key) { keyBytes, keyLength in
                    rd_kafka_produce(
                        topic, sensorctl_rd_kafka_partition_unassigned(), sensorctl_rd_kafka_msg_f_copy(),
                        UnsafeMutableRawPointer(mutating: payload.baseAddress), payload.count, keyBytes, keyLength, nil)
                }
            }
            if status == 0 { return }
            let code = rd_kafka_last_error()
            guard code == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
                throw SensorError(.io, service: "kafka", endpoint: endpoint, "cannot produce to \(topicName): \(Self.describe(code))")
            }
            rd_kafka_poll(handle, 50)
        }
    }

    /// Partition counts of every topic the cluster reports, fetched within `timeoutMs`; a cluster that
    /// does not answer is `.unavailable`.
    func topicPartitions(timeoutMs: Int32 = 5000) throws(SensorError) -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(handle, 1, nil, &metadata, timeoutMs)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw unavailable("no broker answered a metadata request: \(Self.describe(code))")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var topics: [String: Int] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            if topic.err == RD_KAFKA_RESP_ERR_NO_ERROR { topics[String(cString: topic.topic)] = Int(topic.partition_cnt) }
        }
        return topics
    }

    func unavailable(_ message: String) -> SensorError {
        let detail = events.lastError.map { "\(message) (\($0))" } ?? message
        return SensorError.unavailable("kafka", endpoint, detail)
    }

    /// A NUL-terminated C buffer as a String.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func describe(_ code: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2str(code))
    }
}

/// Lends the UTF-8 bytes of an optional string (nil and length 0 for a message without key).
private func withUTF8Pointer<R>(_ text: inout String?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
    guard text != nil else { return body(nil, 0) }
    return text!.withUTF8 { body($0.baseAddress, $0.count) }
}

/// What librdkafka's callbacks report. They run on the thread that calls `rd_kafka_poll`/`flush`, which is
/// always the owner of the client, so plain stored properties suffice.
final class RDKafkaEvents {
    /// The last error librdkafka reported through its error callback (e.g. all brokers down).
    fileprivate(set) var lastError: String?
    fileprivate(set) var delivered = 0
    fileprivate(set) var failed = 0
    fileprivate(set) var firstDeliveryError: String?
    /// Handles a consumer-group rebalance (`RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS` or `__REVOKE_PARTITIONS`);
    /// it must call `rd_kafka_assign` itself. Set by the group member's owner before the first poll.
    var rebalance: ((rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?

    fileprivate static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaEvents? {
        opaque.map { Unmanaged<RDKafkaEvents>.fromOpaque($0).takeUnretainedValue() }
    }
}

private func recordError(
    _ handle: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?
) {
    RDKafkaEvents.from(opaque)?.lastError = reason.map { String(cString: $0) }
}

private func recordDelivery(
    _ handle: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let events = RDKafkaEvents.from(opaque), let message else { return }
    if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        events.delivered += 1
    } else {
        events.failed += 1
        if events.firstDeliveryError == nil { events.firstDeliveryError = RDKafkaClient.describe(message.pointee.err) }
    }
}

private func forwardRebalance(
    _ handle: OpaquePointer?, _ code: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let partitions else { return }
    if let rebalance = RDKafkaEvents.from(opaque)?.rebalance {
        rebalance(code, partitions)
    } else {
        // Nobody to ask for positions: take librdkafka's default behaviour.
        _ = rd_kafka_assign(handle, code == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? partitions : nil)
    }
}

/// librdkafka logs connection chatter to stderr by default; errors reach us through the error callback and
/// are reported once, so the log stays quiet unless SENSORCTL_KAFKA_DEBUG is set.
private func quietLog(_ handle: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?) {
    guard getenv("SENSORCTL_KAFKA_DEBUG") != nil, let text else { return }
    Console.error("kafka: \(String(cString: text))\n")
}
