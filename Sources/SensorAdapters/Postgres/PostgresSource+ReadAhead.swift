import Foundation
import SensorCore

extension PostgresSource {
    /// One query for the next batch, run on its own thread so that PostgreSQL reads while the producer
    /// commits the previous batch to Kafka (the two otherwise take turns).
    final class ReadAhead: @unchecked Sendable {
        // @unchecked Sendable: the worker thread alone uses the connection until it signals `done`, and
        // PostgresSource waits for `rows()` before any other use of that connection; `result` is written
        // once before the signal and read only after it.
        let from: Position
        let limit: Int
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<[[String?]], SensorError>?

        init(from: Position, limit: Int, connection: PostgresConnection) {
            self.from = from
            self.limit = limit
            let lent = LentConnection(connection)
            Thread.detachNewThread { [self] in
                do throws(SensorError) {
                    result = .success(try PostgresSource.rows(after: from, limit: limit, on: lent.connection))
                } catch {
                    result = .failure(error)
                }
                done.signal()
            }
        }

        /// Waits for the query; afterwards the connection is the caller's again.
        func rows() throws(SensorError) -> [[String?]] {
            done.wait()
            done.signal()  // later calls return at once
            return try result!.get()
        }
    }

    /// Hands the connection to the read-ahead thread; see ReadAhead for why that is exclusive.
    private struct LentConnection: @unchecked Sendable {
        let connection: PostgresConnection
        init(_ connection: PostgresConnection) { self.connection = connection }
    }
}
