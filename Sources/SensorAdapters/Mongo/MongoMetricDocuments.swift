import SensorCore

/// How metric rows map to MongoDB documents. Field names are exactly the PostgreSQL column names (see
/// `PostgresSchema`), so a dashboard reads either store with the same names; NULL columns are BSON null,
/// timestamptz columns BSON dates, double precision BSON doubles and integer columns int64.
///
/// A sensor document holds the whole cumulative state, and decodes back to an equal `SensorMetricsRow`.
enum MongoMetricDocuments {
    static let sensors = "sensor_metrics"
    static let series = "metrics_series"
    static let summary = "metrics_summary"
    static let rejects = "job_rejects"
    static let manifest = "hdfs_manifest"

    // MARK: sensor_metrics, `_id` = sensor_id

    static func encode(_ row: SensorMetricsRow, into document: BSONDocument) {
        let partial = row.partial
        document.append("_id", string: partial.sensorID)
        document.append("sensor_id", string: partial.sensorID)
        document.append("sensor_type", string: partial.sensorType)
        document.append("health", string: row.health.rawValue)
        appendCounts(partial.counts, into: document)
        appendValues(partial.values, into: document)
        document.append("smoothed", double: partial.smoothed.value)
        document.append("smoothing_tau_s", double: partial.smoothed.tauSeconds)
        document.append("ewma_weighted_sum", double: partial.smoothed.weightedSum)
        document.append("ewma_weight_sum", double: partial.smoothed.weightSum)
        document.append("ewma_reference", date: partial.smoothed.reference)
        document.append("last_value", double: partial.last?.value)
        document.append("last_reading_id", nullableString: partial.last?.id.description)
        document.append("first_seen", date: partial.firstSeen)
        document.append("last_seen", date: partial.lastSeen)
        let recent = partial.recent.entries
        document.append("recent_ms", int64s: recent.map(\.timestamp.milliseconds))
        document.append("recent_ids", strings: recent.map(\.id.description))
        document.append("recent_classes", strings: recent.map(\.readingClass.name))
        let activity = partial.activity.counts.sorted { $0.key < $1.key }
        document.append("activity_seconds", int64s: activity.map(\.key))
        document.append("activity_counts", int64s: activity.map(\.value))
        document.append("version", int64: row.version)
        document.append("updated_at", dateMilliseconds: row.updatedAt.milliseconds)
    }

    /// The row of a sensor document; nil when a field cannot be read back (a document edited by hand).
    static func sensorRow(_ pointer: OpaquePointer) -> SensorMetricsRow? {
        let document = StoredDocument(pointer)
        guard let sensorID = document.string("sensor_id"), let sensorType = document.string("sensor_type"),
            let health = document.string("health").flatMap(SensorHealth.init(rawValue:)),
            let counts = document.readingCounts(), let values = document.valueStats(),
            let tau = document.double("smoothing_tau_s"), tau > 0, tau.isFinite,
            let weightedSum = document.double("ewma_weighted_sum"), let weightSum = document.double("ewma_weight_sum"),
            let version = document.integer("version"), let updatedAt = document.timestamp("updated_at"),
            let recent = recentWindow(document), let activity = activityCounts(document)
        else { return nil }
        let smoothed = DecayedAverage(
            tauSeconds: tau, weightedSum: weightedSum, weightSum: weightSum,
            reference: document.timestamp("ewma_reference"))
        var last: SensorPartial.LastReading?
        if let lastSeen = document.timestamp("last_seen"),
            let id = document.string("last_reading_id").flatMap({ ReadingID($0) })
        {
            last = .init(timestamp: lastSeen, id: id, value: document.double("last_value"))
        }
        let partial = SensorPartial(
            sensorID: sensorID, sensorType: sensorType, counts: counts, values: values, smoothed: smoothed,
            firstSeen: document.timestamp("first_seen"), last: last, recent: recent, activity: activity)
        return SensorMetricsRow(partial, health: health, version: version, updatedAt: updatedAt)
    }

    private static func recentWindow(_ document: StoredDocument) -> RecentWindow? {
        guard let times = document.array("recent_ms", \.integer), let ids = document.array("recent_ids", \.string),
            let classes = document.array("recent_classes", \.string)
        else { return nil }
        let readingIDs = ids.compactMap { ReadingID($0) }
        let readingClasses = classes.compactMap(ReadingClass.init(name:))
        guard readingIDs.count == times.count, readingClasses.count == times.count else { return nil }
        return RecentWindow(
            entries: times.indices.map {
                .init(
                    timestamp: Timestamp(milliseconds: times[$0]), id: readingIDs[$0], readingClass: readingClasses[$0])
            })
    }

    private static func activityCounts(_ document: StoredDocument) -> ActivityCounts? {
        guard let seconds = document.array("activity_seconds", \.integer),
            let counts = document.array("activity_counts", \.integer), seconds.count == counts.count,
            Set(seconds).count == seconds.count
        else { return nil }
        return ActivityCounts(counts: Dictionary(uniqueKeysWithValues: zip(seconds, counts)))
    }

    // MARK: fields shared by sensor and summary documents

    /// `readings_total`, `readings_normal`, `readings_atypical`, `readings_fault`, `readings_out_of_range`.
    static func appendCounts(_ counts: ReadingCounts, into document: BSONDocument) {
        document.append("readings_total", int64: counts.total)
        document.append("readings_normal", int64: counts.normal)
        document.append("readings_atypical", int64: counts.atypical)
        document.append("readings_fault", int64: counts.fault)
        document.append("readings_out_of_range", int64: counts.outOfRange)
    }

    /// `value_count`, `value_mean` (null without values), `value_m2`, `value_stddev`, `value_min`, `value_max`.
    static func appendValues(_ values: ValueStats, into document: BSONDocument) {
        document.append("value_count", int64: values.count)
        document.append("value_mean", double: values.count > 0 ? values.mean : nil)
        document.append("value_m2", double: values.m2)
        document.append("value_stddev", double: values.standardDeviation)
        document.append("value_min", double: values.min)
        document.append("value_max", double: values.max)
    }
}

/// Typed reads of one stored document's top-level fields. The document belongs to a cursor and is valid only
/// while it is being visited, so a `StoredDocument` never outlives that call.
struct StoredDocument {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    func string(_ key: String) -> String? { BSONDocument.field(key, in: pointer).string }
    func integer(_ key: String) -> Int64? { BSONDocument.field(key, in: pointer).integer }
    func double(_ key: String) -> Double? { BSONDocument.field(key, in: pointer).double }
    func timestamp(_ key: String) -> Timestamp? { BSONDocument.field(key, in: pointer).timestamp }

    /// The array `key` with every element converted; nil when it is missing or an element has another type.
    func array<Element>(_ key: String, _ convert: (BSONDocument.FieldValue) -> Element?) -> [Element]? {
        guard let values = BSONDocument.array(key, in: pointer) else { return nil }
        let converted = values.compactMap(convert)
        return converted.count == values.count ? converted : nil
    }

    /// `readings_normal`, `readings_atypical`, `readings_fault`, `readings_out_of_range` (the total is derived).
    func readingCounts() -> ReadingCounts? {
        guard let normal = integer("readings_normal"), let atypical = integer("readings_atypical"),
            let fault = integer("readings_fault"), let outOfRange = integer("readings_out_of_range")
        else { return nil }
        return ReadingCounts(normal: normal, atypical: atypical, fault: fault, outOfRange: outOfRange)
    }

    /// The fields `MongoMetricDocuments.appendValues` writes; min and max must be present exactly with values.
    func valueStats() -> ValueStats? {
        guard let count = integer("value_count"), count >= 0, let m2 = double("value_m2") else { return nil }
        guard count > 0 else { return ValueStats(count: 0, mean: 0, m2: m2) }
        guard let mean = double("value_mean"), let min = double("value_min"), let max = double("value_max") else {
            return nil
        }
        return ValueStats(count: count, mean: mean, m2: m2, min: min, max: max)
    }
}
