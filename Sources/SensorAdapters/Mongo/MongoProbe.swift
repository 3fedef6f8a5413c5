import SensorCore

/// MongoDB's health check and setup: the collection `sensor_readings` and its indexes.
///
/// Each call opens its own short-lived client, so the probe is a plain value that holds only configuration.
public struct MongoProbe: ServiceProbe, Sendable {
    /// The indexes `setup` maintains, by name: readings of one sensor in time order (metrics, migrations),
    /// all readings by time (range scans, retention), and the configured topic's claim field, which
    /// `MongoSource` filters on in every query (unclaimed, claimed by batch K, claimed after batch C).
    let indexes: [(name: String, fields: [String])]

    public let service = ServiceKind.mongo
    public let endpoint: String
    private let url: String

    /// Nothing is contacted until `check` or `setup`.
    public init(config: SensorConfig) {
        url = config.mongoURL
        endpoint = Redact.endpoint(url)
        let claimField = MongoSource.claimField(topic: config.topic)
        indexes = [("sensor_id_ts", ["sensor_id", "ts"]), ("ts", ["ts"]), (claimField, [claimField])]
    }

    /// Pings the database and lists its collections, as a sink would need them; says whether
    /// `sensor_readings` exists.
    public func check() throws(SensorError) -> String {
        let client = try MongoClient(url: url)
        try client.ping()
        let collection = MongoSink.collectionName
        guard try client.collectionNames().contains(collection) else {
            return "reachable; collection \(collection) missing: run sensorctl setup"
        }
        return "collection \(collection) present"
    }

    /// Creates the collection and the indexes that are missing. What exists is decided by listing first, so a
    /// second run reports everything as already present and sends no create command at all.
    public func setup() throws(SensorError) -> [SetupStep] {
        let client = try MongoClient(url: url)
        let collection = MongoSink.collectionName
        var steps: [SetupStep] = []

        let names = Set(try client.collectionNames())
        steps.append(try ensureCollection(collection, existing: names, client: client))

        let existing = Set(try client.indexNames(of: collection))
        let missing = indexes.filter { !existing.contains($0.name) }
        if !missing.isEmpty {
            let command = BSONDocument()
            command.append("createIndexes", string: collection)
            command.append("indexes", documents: missing.count) { index, spec in
                spec.append("key", ascending: missing[index].fields)
                spec.append("name", string: missing[index].name)
            }
            try client.run(command, doing: "createIndexes on \(collection)")
        }
        for index in indexes {
            let outcome: SetupStep.Outcome = existing.contains(index.name) ? .present : .created
            steps.append(SetupStep("index \(index.name) on \(collection)", outcome))
        }
        // Job bookkeeping (`job migrate`): run records, resumable positions, and records set aside.
        for bookkeeping in ["job_runs", MongoMigration.checkpoints, MongoMigration.rejects] {
            steps.append(try ensureCollection(bookkeeping, existing: names, client: client))
        }
        return steps
    }

    private func ensureCollection(
        _ name: String, existing: Set<String>, client: MongoClient
    ) throws(SensorError) -> SetupStep {
        if existing.contains(name) { return SetupStep("collection \(name)", .present) }
        // false only if another process created it between our listing and our create.
        let created = try client.createCollection(name)
        return SetupStep("collection \(name)", created ? .created : .present)
    }
}
