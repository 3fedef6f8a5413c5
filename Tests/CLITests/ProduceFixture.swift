import Foundation
import Testing

/// What one `produce` test owns on the shared stack: its own PostgreSQL database (created as superuser
/// over the local socket, owned by the stack's role, schema made by `sensorctl setup`) and its own topic,
/// hence its own checkpoints and transactional id. The database is dropped when the fixture goes away.
final class ProduceFixture {
    let database: String
    /// SENSORCTL_POSTGRES_URL with the path replaced by this test's database.
    let postgresURL: String
    let topic: String
    private let superuser: String

    init(_ label: String) throws {
        let environment = ProcessInfo.processInfo.environment
        let hint = "is not set: run the tests with `make test` (or source .devstack/env)"
        let base = try #require(environment["SENSORCTL_POSTGRES_URL"], "SENSORCTL_POSTGRES_URL \(hint)")
        let socketDir = try #require(environment["SENSORCTL_DEVSTACK_PG_SOCKET_DIR"], "PG socket dir \(hint)")
        try #require(environment["SENSORCTL_KAFKA_BROKERS"] != nil, "SENSORCTL_KAFKA_BROKERS \(hint)")
        var components = try #require(URLComponents(string: base), "malformed SENSORCTL_POSTGRES_URL")
        let owner = try #require(components.user, "SENSORCTL_POSTGRES_URL names no role")
        let suffix = UInt32.random(in: 0...UInt32.max)
        database = "produce_\(label)_\(suffix)"
        topic = "produce-\(label)-\(suffix)"
        superuser = "host=\(socketDir) port=\(components.port ?? 5432) user=postgres dbname=postgres"
        components.path = "/\(database)"
        postgresURL = try #require(components.string)
        try PostgresTestSession(superuser).query("CREATE DATABASE \(database) OWNER \(owner)")
        let setup = try Binary.run(["setup", "--service", "postgres", "--postgres-url", postgresURL, "--quiet"])
        try #require(setup.status == 0, "sensorctl setup failed: \(setup.stderr)")
    }

    deinit {
        // Best effort; FORCE ends the backends a SIGKILLed producer may have left behind.
        _ = try? PostgresTestSession(superuser).query("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
    }

    /// A session on this test's database as the stack's role (the same role sensorctl uses).
    func session() throws -> PostgresTestSession { try PostgresTestSession(postgresURL) }

    /// `sensorctl generate --sink postgres -n count` into this database; must succeed.
    func generate(_ count: Int, _ extra: [String] = []) throws {
        let run = try Binary.run(
            ["generate", "--sink", "postgres", "-n", String(count), "--postgres-url", postgresURL, "--quiet"] + extra)
        try #require(run.status == 0, "generate failed (\(run.status)): \(run.stderr)")
    }

    /// The common arguments of a `produce` run against this test's database and topic.
    func produceArguments(_ extra: [String] = [], from source: String = "postgres") -> [String] {
        ["produce", "--from", source, "--postgres-url", postgresURL, "--topic", topic, "--json"] + extra
    }

    /// A one-shot `produce --json` that must exit 0; returns its summary. `settle`: first wait for
    /// unrelated transactions on the shared server (see `waitUntilSettled`).
    @discardableResult
    func produce(
        _ extra: [String] = [], from source: String = "postgres", settle: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProduceSummary {
        if settle { try waitUntilSettled() }
        let run = try Binary.run(produceArguments(extra, from: source))
        try #require(run.status == 0, "produce exited \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        return try ProduceSummary(run.stdout)
    }

    /// Waits until no transaction older than this database's newest row is still running anywhere on the
    /// server. The source only reads rows below the cluster-wide xmin horizon (by design: that is what makes
    /// late commits safe), so an unrelated writer on the shared server — another test, another database —
    /// would otherwise make a one-shot run legitimately send less than was committed.
    func waitUntilSettled(timeout: Double = 30) throws {
        let db = try session()
        let settled = try poll(timeout: timeout) {
            try db.value(
                "SELECT coalesce(max(txid) < pg_snapshot_xmin(pg_current_snapshot()), true)::text "
                    + "FROM sensor_readings") == "true"
        }
        try #require(settled, "a transaction elsewhere on the server stayed open for \(timeout) s")
    }

    /// Every row of the table, by id, as the topic should carry it.
    func sourceRows() throws -> [String: SourceRow] {
        let rows = try session().query(
            """
            SELECT id::text, sensor_id, sensor_type, value::text,
                   to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), app
            FROM sensor_readings
            """)
        var byID: [String: SourceRow] = [:]
        for row in rows {
            let source = SourceRow(
                id: row[0] ?? "", sensorID: row[1] ?? "", sensorType: row[2] ?? "", value: row[3].flatMap(Double.init),
                ts: row[4] ?? "", app: row[5] ?? "")
            byID[source.id] = source
        }
        return byID
    }
}

/// A row of `sensor_readings` in the shape of a produced message.
struct SourceRow: Equatable {
    let id: String
    let sensorID: String
    let sensorType: String
    let value: Double?
    let ts: String
    let app: String
}

/// The `--json` summary of `produce`.
struct ProduceSummary {
    let sent: Int
    let rejected: Int
    let batches: Int
    let fields: [String: Any]

    init(_ stdout: String) throws {
        fields = try Binary.json(stdout)
        sent = try #require(fields["sent"] as? Int, "no \"sent\" in \(stdout)")
        rejected = try #require(fields["rejected"] as? Int, "no \"rejected\" in \(stdout)")
        batches = try #require(fields["batches"] as? Int, "no \"batches\" in \(stdout)")
    }
}

/// Evaluates `condition` every `interval` seconds until it holds (true) or `timeout` passes (false).
func poll(timeout: Double, interval: Double = 0.1, _ condition: () throws -> Bool) throws -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
}
