import Foundation
import Testing

/// What one `job migrate` test owns: a PostgreSQL database of its own (via ProduceFixture) and a MongoDB
/// database of its own (the URL's path), both set up by `sensorctl setup`; both dropped at the end.
final class MigrateFixture {
    let postgres: ProduceFixture
    let mongoURL: String
    let mongo: MongoTestSession

    init(_ label: String) throws {
        postgres = try ProduceFixture("mig_\(label)")
        let environment = ProcessInfo.processInfo.environment
        let base = try #require(environment["SENSORCTL_MONGO_URL"], "SENSORCTL_MONGO_URL is not set: run `make test`")
        var components = try #require(URLComponents(string: base), "malformed SENSORCTL_MONGO_URL")
        components.path = "/" + postgres.database
        mongoURL = try #require(components.string)
        let setup = try Binary.run(["setup", "--service", "mongo", "--mongo-url", mongoURL, "--quiet"])
        try #require(setup.status == 0, "sensorctl setup --service mongo failed: \(setup.stderr)")
        mongo = try MongoTestSession(url: mongoURL)
    }

    deinit { mongo.dropDatabase() }

    var endpoints: [String] { ["--postgres-url", postgres.postgresURL, "--mongo-url", mongoURL] }

    /// `generate` into one database; must succeed.
    func generate(_ count: Int, into sink: String) throws {
        let run = try Binary.run(["generate", "--sink", sink, "-n", String(count), "--quiet"] + endpoints)
        try #require(run.status == 0, "generate failed (\(run.status)): \(run.stderr)")
    }

    /// `job migrate <direction> --json`; returns the exit code and the summary.
    func migrate(
        _ direction: String, _ extra: [String] = [], expecting status: Int32 = 0,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> MigrateSummary {
        let run = try Binary.run(["job", "migrate", direction, "--json"] + extra + endpoints)
        try #require(
            run.status == status, "migrate exited \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        return try MigrateSummary(run.stdout)
    }

    /// The ids in PostgreSQL's `sensor_readings`, with repeats (the primary key forbids them, but say so).
    func postgresIDs() throws -> [String] {
        try postgres.session().query("SELECT id::text FROM sensor_readings").compactMap { $0[0] }
    }
}

/// The `--json` summary of `job migrate`.
struct MigrateSummary {
    let fields: [String: Any]

    init(_ stdout: String) throws { fields = try Binary.json(stdout) }

    var read: Int? { fields["read"] as? Int }
    var copied: Int? { fields["copied"] as? Int }
    var alreadyPresent: Int? { fields["already_present"] as? Int }
    var rejected: Int? { fields["rejected"] as? Int }
    /// source, target, missing, extra.
    var verify: [String: Int]? { fields["verify"] as? [String: Int] }
}
