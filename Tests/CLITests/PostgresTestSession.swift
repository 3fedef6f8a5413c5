import CLibPQ
import Foundation
import Testing

/// A failure of the tests' own tooling (SQL, kcat, the control channel), reported with its detail.
struct TestToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One libpq connection for the tests' own SQL. It is independent of sensorctl's PostgreSQL adapter, so
/// what it reads is what the database holds, and it can keep a transaction open across `sensorctl` runs.
///
/// Ownership: the `PGconn` is created in `init` and finished in `deinit`; results are cleared in `query`.
final class PostgresTestSession {
    private let connection: OpaquePointer

    /// `conninfo`: a libpq keyword string or a `postgresql://` URL.
    init(_ conninfo: String) throws {
        guard let connection = PQconnectdb(conninfo) else { throw TestToolError("libpq: out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection))
            PQfinish(connection)
            throw TestToolError("cannot connect to PostgreSQL: \(message)")
        }
        self.connection = connection
    }

    deinit { PQfinish(connection) }

    /// Runs one statement with text parameters ($1, $2, …); returns the rows as text (nil for NULL).
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let values = copies.map { UnsafePointer<CChar>($0) }
        let result = values.withUnsafeBufferPointer { buffer in
            PQexecParams(connection, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            throw TestToolError("SQL failed: \(String(cString: PQerrorMessage(connection)))\n\(sql)")
        }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// The single value of a one-row, one-column query.
    func value(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        let rows = try query(sql, parameters)
        guard rows.count == 1, rows[0].count == 1 else { throw TestToolError("expected one value from: \(sql)") }
        return rows[0][0]
    }
}
