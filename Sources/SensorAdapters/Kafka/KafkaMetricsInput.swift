import CRdKafka
import SensorCore

/// The readings topic as the input of `job metrics`: a consumer-group member that starts every partition it
/// is given at the offset stored in the ledger (PostgreSQL), never at the group's own committed offset.
///
/// Exactly once: a batch's records and its partitions' next offsets are committed together by the ledger,
/// and each advance carries the offset the batch started from, so a batch read by a member that has since
/// lost the partition (a rebalance, a zombie) is refused by the ledger instead of counted twice.
public final class KafkaMetricsInput: MetricsInput {
    public let service = "kafka"
    private let client: RDKafkaClient
    private let topic: String
    private let job: String
    /// Progress notes for the user (assignments, revocations).
    private let log: (String) -> Void
    private var storedPositions: (() throws(SensorError) -> [String: SourcePosition])?
    /// Per assigned partition: the offset stored in the ledger (nil: nothing stored yet) and whether the
    /// partition has been read to its end since the last message.
    private var assigned: [Int32: (stored: Int64?, atEnd: Bool)] = [:]
    /// Records of the batch being read, each with its partition, so a revoked partition's can be dropped.
    private var pending = Pending(capacity: 0)
    private var joined = false
    /// Set by the rebalance callback, so `next` knows a batch of messages may straddle a rebalance.
    private var rebalanced = false
    /// The consumer group's queue (messages, events, rebalances), read in batches.
    private var consumerQueue: OpaquePointer?
    private let messages = KafkaMessageBatch(capacity: 8192)
    /// When the wait for the group's first assignment started (a dead cluster never assigns anything).
    private var joinWaitStarted = MonotonicClock.seconds()
    /// How long to wait for the first assignment: a killed member's old session (10 s) must expire first.
    static let joinTimeoutSeconds = 30.0
    /// An error met inside the rebalance callback (which cannot throw), raised by the next `next`.
    private var rebalanceError: SensorError?

    private struct Pending {
        var readings: [Reading] = []
        var readingPartitions: [Int32] = []
        var rejects: [JobReject] = []
        var rejectPartitions: [Int32] = []
        /// The offset after the last message taken, per partition.
        var nextOffsets: [Int32: Int64] = [:]

        init(capacity: Int) {
            readings.reserveCapacity(capacity)
            readingPartitions.reserveCapacity(capacity)
        }

        mutating func drop(_ partition: Int32) {
            guard nextOffsets.removeValue(forKey: partition) != nil else { return }
            let keptReadings = readingPartitions.indices.filter { readingPartitions[$0] != partition }
            readings = keptReadings.map { readings[$0] }
            readingPartitions = keptReadings.map { readingPartitions[$0] }
            let keptRejects = rejectPartitions.indices.filter { rejectPartitions[$0] != partition }
            rejects = keptRejects.map { rejects[$0] }
            rejectPartitions = keptRejects.map { rejectPartitions[$0] }
        }
    }

    /// `group` is the consumer group; `job` names the job in the ledger (`metrics/<group>`).
    public init(config: SensorConfig, group: String, job: String, log: @escaping (String) -> Void) throws(SensorError) {
        client = try RDKafkaClient(role: .groupMember(group: group), config: config)
        topic = config.topic
        self.job = job
        self.log = log
    }

    deinit {
        client.events.rebalance = nil
        if let consumerQueue { rd_kafka_queue_destroy(consumerQueue) }
    }

    public func open(storedPositions: @escaping () throws(SensorError) -> [String: SourcePosition]) throws(SensorError) {
        self.storedPositions = storedPositions
        // Fail fast, naming the endpoint, when no broker answers or the topic is missing.
        guard try client.topicPartitions()[topic] != nil else {
            throw SensorError(
                .config, service: "kafka", endpoint: client.endpoint,
                "topic \(topic) does not exist; run 'sensorctl setup' or check --topic")
        }
        joinWaitStarted = MonotonicClock.seconds()
        // The callback runs inside rd_kafka_consume_batch_queue, on the thread that calls `next`; it is
        // cleared in deinit, before the client (and with it every callback) goes away.
        client.events.rebalance = { [unowned self] code, partitions in self.rebalance(code, partitions) }
        let subscription = rd_kafka_topic_partition_list_new(1)
        defer { rd_kafka_topic_partition_list_destroy(subscription) }
        rd_kafka_topic_partition_list_add(subscription, topic, sensorctl_rd_kafka_partition_unassigned())
        let code = rd_kafka_subscribe(client.handle, subscription)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw client.unavailable("cannot subscribe to \(topic): \(RDKafkaClient.describe(code))")
        }
        consumerQueue = rd_kafka_queue_get_consumer(client.handle)
    }

    public func next(limit: Int, maxWait: Duration) throws(SensorError) -> InputBatch {
        guard let consumerQueue else {
            throw SensorError(.failure, service: "kafka", "the Kafka input was asked for records before open")
        }
        let deadline = MonotonicClock.seconds() + maxWait.inSeconds
        pending = Pending(capacity: min(limit, 65_536))
        var count = 0
        while count < limit {
            if let error = rebalanceError {
                rebalanceError = nil
                throw error
            }
            if !joined && MonotonicClock.seconds() - joinWaitStarted > Self.joinTimeoutSeconds {
                joinWaitStarted = MonotonicClock.seconds()
                throw client.unavailable("the consumer group was not joined within \(Int(Self.joinTimeoutSeconds)) s")
            }
            let remaining = deadline - MonotonicClock.seconds()
            guard remaining > 0 else { break }
            // Rebalance callbacks run inside this call, on this thread.
            let waitMs = Int32(min(remaining, 0.05) * 1000) + 1
            let taken = messages.fill(from: consumerQueue, limit: limit - count, timeoutMs: waitMs)
            guard taken >= 0 else {
                throw client.unavailable("cannot read \(topic): \(RDKafkaClient.describe(rd_kafka_last_error()))")
            }
            if rebalanced {
                // Messages taken in the same call as a rebalance may predate it (fetched at positions the
                // new assignment reset): drop them and everything pending, and read again from the stored
                // offsets, so nothing is skipped.
                rebalanced = false
                messages.release()
                count = 0
                try rewind()
                continue
            }
            messages.decodeValues()
            var reachedEnd = false
            for index in 0..<messages.count {
                let message = messages[index]
                let partition = message.partition
                switch message.err {
                case RD_KAFKA_RESP_ERR_NO_ERROR:
                    guard assigned[partition] != nil else { continue }  // fetched before a revoke
                    if assigned[partition]!.atEnd { assigned[partition]!.atEnd = false }
                    take(message, outcome: messages.outcome(index))
                    count += 1
                case RD_KAFKA_RESP_ERR__PARTITION_EOF:
                    assigned[partition]?.atEnd = true
                    reachedEnd = true
                case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
                    throw SensorError(
                        .config, service: "kafka", endpoint: client.endpoint,
                        "topic \(topic) does not exist; run 'sensorctl setup' or check --topic")
                default:
                    continue  // transport errors are retried by librdkafka itself; they only explain a stall
                }
            }
            messages.release()
            if (reachedEnd || taken == 0) && isCaughtUp { break }
        }
        return batch()
    }

    public func committed(_ batch: InputBatch) {
        for advance in batch.advances {
            guard case .partition(_, let partition, let next) = advance.next, assigned[partition] != nil else { continue }
            assigned[partition]!.stored = next
        }
        commitToGroup(batch)
    }

    public func rewind() throws(SensorError) {
        pending = Pending(capacity: 0)
        guard !assigned.isEmpty else { return }
        let stored = try storedPositions?() ?? [:]
        let list = rd_kafka_topic_partition_list_new(Int32(assigned.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in assigned.keys.sorted() {
            let offset = Self.offset(stored["\(topic)/\(partition)"])
            rd_kafka_topic_partition_list_add(list, topic, partition).pointee.offset =
                offset ?? Int64(RD_KAFKA_OFFSET_BEGINNING)
            assigned[partition] = (offset, false)
        }
        // Assigning again resets every fetch position to the stored offsets.
        let code = rd_kafka_assign(client.handle, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw client.unavailable("cannot rewind \(topic): \(RDKafkaClient.describe(code))")
        }
    }

    /// The group has given this member its partitions, and each has been read to its end.
    public var isCaughtUp: Bool {
        joined && assigned.values.allSatisfy(\.atEnd)
    }

    public func close() {
        messages.release()
        if let consumerQueue { rd_kafka_queue_destroy(consumerQueue) }
        consumerQueue = nil
        rd_kafka_consumer_close(client.handle)
    }

    // MARK: internals

    private func rebalance(_ code: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        rebalanced = true
        guard code == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS else {
            // Revoked: whatever was read from these partitions and not committed belongs to the next owner.
            for index in 0..<Int(partitions.pointee.cnt) {
                let partition = partitions.pointee.elems[index].partition
                assigned[partition] = nil
                pending.drop(partition)
            }
            _ = rd_kafka_assign(client.handle, nil)
            log("partitions revoked: \(Self.names(partitions))")
            return
        }
        joined = true
        let stored: [String: SourcePosition]
        do throws(SensorError) {
            stored = try storedPositions?() ?? [:]
        } catch {
            rebalanceError = error
            stored = [:]
        }
        for index in 0..<Int(partitions.pointee.cnt) {
            let element = partitions.pointee.elems + index
            let name = String(cString: element.pointee.topic)
            let offset = Self.offset(stored["\(name)/\(element.pointee.partition)"])
            element.pointee.offset = offset ?? Int64(RD_KAFKA_OFFSET_BEGINNING)
            assigned[element.pointee.partition] = (offset, false)
        }
        // Without the stored offsets nothing may be read: the error above ends or retries the run.
        _ = rd_kafka_assign(client.handle, rebalanceError == nil ? partitions : nil)
        if rebalanceError != nil {
            assigned.removeAll()
        } else {
            let starts = assigned.keys.sorted().map { "\($0)@\(assigned[$0]!.stored.map(String.init) ?? "first")" }
            log("assigned partitions of \(topic): \(starts.isEmpty ? "none" : starts.joined(separator: ", "))")
        }
    }

    private func take(_ message: rd_kafka_message_t, outcome: Result<Reading, ReadingDecodeError>?) {
        pending.nextOffsets[message.partition] = message.offset + 1
        let reason: String
        switch outcome {
        case .success(let reading)?:
            pending.readings.append(reading)
            pending.readingPartitions.append(message.partition)
            return
        case .failure(let error)?: reason = error.reason
        case nil: reason = "empty message"
        }
        pending.rejects.append(
            JobReject(
                job: job, origin: "\(topic)/\(message.partition)", position: message.offset, reason: reason,
                record: UnsafeRawBufferPointer(start: message.payload, count: message.len)))
        pending.rejectPartitions.append(message.partition)
    }

    private func batch() -> InputBatch {
        var batch = InputBatch(readings: pending.readings, rejects: pending.rejects)
        for (partition, nextOffset) in pending.nextOffsets.sorted(by: { $0.key < $1.key }) {
            guard let state = assigned[partition] else { continue }
            let previous = state.stored.map { SourcePosition.partition(topic: topic, partition: partition, nextOffset: $0) }
            batch.advances.append(
                PositionAdvance(
                    previous: previous, next: .partition(topic: topic, partition: partition, nextOffset: nextOffset)))
        }
        pending = Pending(capacity: 0)
        return batch
    }

    /// Also tells the group how far this member got, asynchronously, so lag tools
    /// (`kafka-consumer-groups --describe`) see progress. The ledger's offsets stay the only ones used.
    private func commitToGroup(_ batch: InputBatch) {
        guard !batch.advances.isEmpty else { return }
        let list = rd_kafka_topic_partition_list_new(Int32(batch.advances.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for advance in batch.advances {
            if case .partition(let name, let partition, let next) = advance.next {
                rd_kafka_topic_partition_list_add(list, name, partition).pointee.offset = next
            }
        }
        _ = rd_kafka_commit(client.handle, list, 1)
    }

    private static func names(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> String {
        (0..<Int(list.pointee.cnt)).map { String(list.pointee.elems[$0].partition) }.joined(separator: ", ")
    }

    private static func offset(_ position: SourcePosition?) -> Int64? {
        if case .partition(_, _, let next) = position { return next }
        return nil
    }
}
