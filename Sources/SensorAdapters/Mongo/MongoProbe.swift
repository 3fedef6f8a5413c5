import SensorCore

/// MongoDB's health check and setup: the collection `sensor_readings` and its indexes, the job bookkeeping
/// collections, and the metric store's collections (`MongoMetricStore`) with the series index.
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

        steps += try ensureIndexes(indexes, on: collection, client: client)
        // Job bookkeeping (`job migrate`): run records, resumable positions, and records set aside.
        for bookkeeping in ["job_runs", MongoMigration.checkpoints, MongoMigration.rejects] {
            steps.append(try ensureCollection(bookkeeping, existing: names, client: client))
        }
        // Metrics jobs: the metric store's collections; the dashboard reads a type's series by time.
        for metrics in [
            MongoMetricDocuments.sensors, MongoMetricDocuments.series, MongoMetricDocuments.summary,
            MongoMetricDocuments.rejects, MongoMetricDocuments.manifest,
        ] {
            steps.append(try ensureCollection(metrics, existing: names, client: client))
            if metrics == MongoMetricDocuments.series {
                steps += try ensureIndexes(Self.seriesIndexes, on: metrics, client: client)
            }
        }
        return steps
    }

    /// The index on `metrics_series`: one type's buckets in time order.
    static let seriesIndexes = [(name: "sensor_type_bucket_start", fields: ["sensor_type", "bucket_start"])]

    /// Creates the missing `indexes` of `collection` with one `createIndexes` command.
    private func ensureIndexes(
        _ indexes: [(name: String, fields: [String])], on collection: String, client: MongoClient
    ) throws(SensorError) -> [SetupStep] {
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
        return indexes.map { index in
            SetupStep("index \(index.name) on \(collection)", existing.contains(index.name) ? .present : .created)
        }
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
