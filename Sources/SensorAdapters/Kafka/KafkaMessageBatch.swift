import CRdKafka
import Dispatch
import SensorCore

#if canImport(Glibc)
import Glibc
#endif

/// A batch of messages taken from the consumer queue in one call (`rd_kafka_consume_batch_queue`: one lock and
/// one clock read per batch instead of per message), whose values are decoded on every core at once — the
/// decoding is pure, and the messages stay valid until `release`.
final class KafkaMessageBatch {
    private let capacity: Int
    private var messages: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    private var outcomes: UnsafeMutablePointer<Result<Reading, ReadingDecodeError>?>
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        messages = .allocate(capacity: capacity)
        outcomes = .allocate(capacity: capacity)
        outcomes.initialize(repeating: nil, count: capacity)
    }

    deinit {
        release()
        outcomes.deinitialize(count: capacity)
        outcomes.deallocate()
        messages.deallocate()
    }

    /// Takes up to `limit` messages and events from `queue`, waiting at most `timeoutMs` for them; a negative
    /// result is librdkafka's error.
    func fill(from queue: OpaquePointer, limit: Int, timeoutMs: Int32) -> Int {
        release()
        let taken = rd_kafka_consume_batch_queue(queue, timeoutMs, messages, min(limit, capacity))
        count = max(0, taken)
        return taken
    }

    subscript(index: Int) -> rd_kafka_message_t { messages[index]!.pointee }

    /// Decodes the value of every message without an error code, in parallel when the batch is large.
    func decodeValues() {
        let slices = count >= 512 ? max(1, min(Processors.online, 8)) : 1
        let job = DecodeJob(messages: messages, outcomes: outcomes, count: count, slices: slices)
        if slices == 1 {
            job.run(slice: 0)
        } else {
            DispatchQueue.concurrentPerform(iterations: slices) { job.run(slice: $0) }
        }
    }

    /// The decoded value of message `index` (nil for an event or an empty value).
    func outcome(_ index: Int) -> Result<Reading, ReadingDecodeError>? { outcomes[index] }

    /// Gives the messages back to librdkafka.
    func release() {
        for index in 0..<count {
            rd_kafka_message_destroy(messages[index])
            outcomes[index] = nil
        }
        count = 0
    }
}

/// One parallel decoding pass. @unchecked Sendable: slice `k` reads only messages and writes only outcomes in
/// its own index range, and `decodeValues` does not return before every slice is done.
private struct DecodeJob: @unchecked Sendable {
    let messages: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    let outcomes: UnsafeMutablePointer<Result<Reading, ReadingDecodeError>?>
    let count: Int
    let slices: Int

    func run(slice: Int) {
        let size = (count + slices - 1) / slices
        for index in (slice * size)..<min(count, (slice + 1) * size) {
            let message = messages[index]!.pointee
            guard message.err == RD_KAFKA_RESP_ERR_NO_ERROR, message.len > 0 else { continue }
            outcomes[index] = JSONLinesCodec.decode(utf8: UnsafeRawBufferPointer(start: message.payload, count: message.len))
        }
    }
}

private enum Processors {
    /// Online processors: the decoding's degree of parallelism.
    static let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
