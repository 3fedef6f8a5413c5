import CRdKafka
import SensorCore

extension RDKafkaClient {
    /// Registers the transactional id with the cluster. This fences any older producer with the same id (a
    /// process killed mid-transaction) and aborts its open transaction, so that afterwards the committed
    /// state of the topics is final.
    func initTransactions(timeoutMs: Int32 = 30_000) throws(SensorError) {
        try transactional("initialize transactions") { rd_kafka_init_transactions(handle, timeoutMs) }
    }

    func beginTransaction() throws(SensorError) {
        try transactional("begin a transaction") { rd_kafka_begin_transaction(handle) }
    }

    /// Flushes and commits. A retriable failure is retried here; one that requires an abort is reported as
    /// `TransactionAborted` after aborting, so the caller can replay the same batch.
    func commitTransaction(timeoutMs: Int32 = 60_000) throws(SensorError) {
        var attempts = 0
        while true {
            guard let error = rd_kafka_commit_transaction(handle, timeoutMs) else { return }
            defer { rd_kafka_error_destroy(error) }
            attempts += 1
            if rd_kafka_error_is_retriable(error) == 1 && attempts < Self.transactionAttempts { continue }
            if rd_kafka_error_txn_requires_abort(error) == 1 {
                try abortTransaction()
                throw SensorError(
                    .unavailable, service: "kafka", endpoint: endpoint,
                    "transaction aborted: \(String(cString: rd_kafka_error_string(error)))", isRetriable: true)
            }
            throw transactionError(error, doing: "commit a transaction")
        }
    }

    func abortTransaction(timeoutMs: Int32 = 60_000) throws(SensorError) {
        try transactional("abort a transaction") { rd_kafka_abort_transaction(handle, timeoutMs) }
    }

    /// Runs a transactional call, retrying a few times while librdkafka says it may succeed later (each
    /// call already waits up to its own timeout, so a few attempts cover a broker restart).
    private func transactional(_ operation: String, _ call: () -> OpaquePointer?) throws(SensorError) {
        var attempts = 0
        while let error = call() {
            defer { rd_kafka_error_destroy(error) }
            attempts += 1
            guard rd_kafka_error_is_retriable(error) == 1, attempts < Self.transactionAttempts else {
                throw transactionError(error, doing: operation)
            }
        }
    }

    static var transactionAttempts: Int { 5 }

    private func transactionError(_ error: OpaquePointer, doing operation: String) -> SensorError {
        var reason = String(cString: rd_kafka_error_string(error))
        // The transactional error alone can hide the cause (e.g. all brokers down): add the last one seen.
        if let cause = events.lastError, cause != reason { reason += " (last broker error: \(cause))" }
        // Fatal: fenced by a newer producer with the same id, or the cluster lost our producer state.
        if rd_kafka_error_is_fatal(error) == 1 {
            return SensorError(.failure, service: "kafka", endpoint: endpoint, "cannot \(operation) (fatal): \(reason)")
        }
        return SensorError(.unavailable, service: "kafka", endpoint: endpoint, "cannot \(operation): \(reason)", isRetriable: true)
    }
}
