import SensorCore

/// The MongoDB metric store: a complete copy of the metrics for readers of MongoDB, written idempotently.
///
/// MongoDB is not the ledger (PostgreSQL orders the writers and keeps the positions); it receives the rows as
/// the ledger stored them. So every write here is "keep the newest": a sensor or series document is replaced
/// only by a higher `version`, a manifest document only by at least as many bytes done, and a reject is
/// inserted once under an `_id` made of its origin. Replaying any output, or an older one after a newer one,
/// therefore changes nothing. Each kind of row is one unordered bulk write: one round trip per batch.
public final class MongoMetricStore: MetricStore {
    public let service = ServiceKind.mongo.rawValue
    private let client: MongoClient

    /// Connects and pings, so an unreachable server fails here, within about 5 seconds, with `.unavailable`.
    public init(config: SensorConfig) throws(SensorError) {
        client = try MongoClient(url: config.mongoURL)
        try client.ping()
    }

    // MARK: writes

    public func save(_ output: MetricsOutput) throws(SensorError) {
        let now = Timestamp.now()
        let (sensors, series, files) = (output.sensors, output.series, output.files)
        try client.replaceWhere(in: MongoMetricDocuments.sensors, count: sensors.count) { index, filter, document in
            Self.filter(filter, id: sensors[index].sensorID, "version", lessThan: sensors[index].version)
            MongoMetricDocuments.encode(sensors[index], into: document)
        }
        try client.replaceWhere(in: MongoMetricDocuments.series, count: series.count) { index, filter, document in
            let row = series[index]
            Self.filter(filter, id: row.key, "version", lessThan: row.version)
            MongoMetricDocuments.encode(row, updatedAt: now, into: document)
        }
        if !output.rejects.isEmpty {
            try client.insertUnordered(
                into: MongoMetricDocuments.rejects, count: output.rejects.count, toleratingDuplicates: true
            ) { index, document in
                MongoMetricDocuments.encode(output.rejects[index], rejectedAt: now, into: document)
            }
        }
        try client.replaceWhere(in: MongoMetricDocuments.manifest, count: files.count) { index, filter, document in
            let file = files[index]
            // As PostgreSQL's manifest upsert: a file's progress never goes back.
            Self.filter(filter, id: file.key, "bytes_done", atMost: file.bytesDone)
            MongoMetricDocuments.encode(file, updatedAt: now, into: document)
        }
    }

    /// Replaces every summary document, then deletes those of groups that are gone. Readers never see an
    /// empty summary in between (the deletes come last), only, briefly, an extra group's old row.
    public func saveSummary(_ rows: [SummaryRow]) throws(SensorError) {
        try client.replaceWhere(in: MongoMetricDocuments.summary, count: rows.count) { index, filter, document in
            // A summary computed earlier (another member's) never replaces a later one.
            filter.append("_id", string: rows[index].key)
            filter.append(field: "computed_at") { $0.append("$lte", dateMilliseconds: rows[index].computedAt.milliseconds) }
            MongoMetricDocuments.encode(rows[index], into: document)
        }
        let stale = BSONDocument()
        stale.append(field: "_id") { condition in
            let keys = BSONDocument()
            for (index, row) in rows.enumerated() { keys.append(field: String(index), string: row.key) }
            condition.append(field: "$nin", array: keys)
        }
        try client.deleteMany(from: MongoMetricDocuments.summary, filter: stale)
    }

    public func record(_ run: JobRun) throws(SensorError) {
        try client.record(run)
    }

    // MARK: reads

    public func sensors() throws(SensorError) -> [SensorMetricsRow] {
        try read(MongoMetricDocuments.sensors, sortedBy: ["_id"], decode: MongoMetricDocuments.sensorRow)
    }

    /// Overall first, then by type name (sorted here: MongoDB's null-first order is not every tool's).
    public func summary() throws(SensorError) -> [SummaryRow] {
        try read(MongoMetricDocuments.summary, sortedBy: [], decode: MongoMetricDocuments.summaryRow).sorted {
            switch ($0.sensorType, $1.sensorType) {
            case (nil, let other): other != nil
            case (_, nil): false
            case (let left?, let right?): left < right
            }
        }
    }

    public func series(since: Timestamp?) throws(SensorError) -> [SeriesRow] {
        let filter = BSONDocument()
        if let since {
            filter.append(field: "bucket_start") { $0.append("$gte", dateMilliseconds: since.milliseconds) }
        }
        return try read(
            MongoMetricDocuments.series, filter: filter, sortedBy: ["sensor_type", "bucket_ms", "bucket_start"],
            decode: MongoMetricDocuments.seriesRow)
    }

    public func storedVersions() throws(SensorError) -> StoredVersions {
        var versions = StoredVersions(sensors: [:], series: [:], files: [:], rejects: [:])
        for (collection, field) in [
            (MongoMetricDocuments.sensors, "version"), (MongoMetricDocuments.series, "version"),
            (MongoMetricDocuments.manifest, "bytes_done"), (MongoMetricDocuments.rejects, "job"),
        ] {
            let options = MongoClient.FindOptions(batchSize: 10_000, fields: [field])
            try client.find(in: collection, filter: BSONDocument(), options: options) { document in
                guard case .string(let id) = BSONDocument.field("_id", in: document) else { return }
                switch collection {
                case MongoMetricDocuments.sensors: versions.sensors[id] = BSONDocument.int64(in: document, at: field)
                case MongoMetricDocuments.series: versions.series[id] = BSONDocument.int64(in: document, at: field)
                case MongoMetricDocuments.manifest: versions.files[id] = BSONDocument.int64(in: document, at: field)
                default:
                    if case .string(let job) = BSONDocument.field(field, in: document) { versions.rejects[job, default: 0] += 1 }
                }
            }
        }
        return versions
    }

    // MARK: helpers

    /// Every document of `collection` matching `filter` that decodes; one that does not (edited by hand) is
    /// left out, as the PostgreSQL store leaves out a row it cannot read.
    private func read<Row>(
        _ collection: String, filter: BSONDocument = BSONDocument(), sortedBy fields: [String],
        decode: (OpaquePointer) -> Row?
    ) throws(SensorError) -> [Row] {
        var rows: [Row] = []
        try client.find(in: collection, filter: filter, options: .init(sortAscending: fields, batchSize: 1000)) {
            document in
            if let row = decode(document) { rows.append(row) }
        }
        return rows
    }

    /// `{_id: id, field: {$lt: value}}`: matches only a stored document older than the new one.
    private static func filter(_ filter: BSONDocument, id: String, _ field: String, lessThan value: Int64) {
        filter.append("_id", string: id)
        filter.append(field: field) { $0.append(field: "$lt", int64: value) }
    }

    /// `{_id: id, field: {$lte: value}}`: matches a stored document not ahead of the new one.
    private static func filter(_ filter: BSONDocument, id: String, _ field: String, atMost value: Int64) {
        filter.append("_id", string: id)
        filter.append(field: field) { $0.append(field: "$lte", int64: value) }
    }
}
