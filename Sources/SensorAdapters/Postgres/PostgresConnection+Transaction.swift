import SensorCore

extension PostgresConnection {
    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws. A failed
    /// rollback (the connection is gone) is not reported over the error that caused it.
    func transaction<Result>(_ body: () throws(SensorError) -> Result) throws(SensorError) -> Result {
        try query("BEGIN")
        do throws(SensorError) {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }
}
