import SensorCore

/// How metric rows map to the columns of `sensor_metrics`, `metrics_series` and `metrics_summary`: the
/// record definitions of the set-based upserts, the select lists, and both directions of the mapping.
enum PostgresMetricRows {
    /// Milliseconds since the epoch of a timestamptz column, exact (extract returns numeric).
    static func ms(_ column: String) -> String { "(extract(epoch FROM \(column)) * 1000)::bigint" }

    /// The column names of a record definition (`name type, …`), for INSERT and UPDATE lists.
    static func names(of columns: String) -> [String] {
        columns.split(separator: ",").map { String($0.split(separator: " ", omittingEmptySubsequences: true)[0]) }
    }

    // MARK: columns shared by sensor and summary rows

    /// `readings_total`, `readings_normal`, `readings_atypical`, `readings_fault`, `readings_out_of_range`.
    static func appendCounts(_ counts: ReadingCounts, to record: inout PostgresJSONRecords) {
        record.field("readings_total", counts.total)
        record.field("readings_normal", counts.normal)
        record.field("readings_atypical", counts.atypical)
        record.field("readings_fault", counts.fault)
        record.field("readings_out_of_range", counts.outOfRange)
    }

    /// `value_count`, `value_mean` (NULL without values), `value_m2`, `value_stddev`, `value_min`, `value_max`.
    static func appendValues(_ values: ValueStats, to record: inout PostgresJSONRecords) {
        record.field("value_count", values.count)
        record.field("value_mean", values.count > 0 ? values.mean : nil)
        record.field("value_m2", values.m2)
        record.field("value_stddev", values.standardDeviation)
        record.field("value_min", values.min)
        record.field("value_max", values.max)
    }

    /// The counts selected as `readings_normal, readings_atypical, readings_fault, readings_out_of_range`
    /// from column `start` on (the total is derived).
    static func readingCounts(_ columns: [String?], from start: Int) -> ReadingCounts {
        let int = { (index: Int) in PostgresText.int64(columns[start + index]) ?? 0 }
        return ReadingCounts(normal: int(0), atypical: int(1), fault: int(2), outOfRange: int(3))
    }

    /// The statistics selected as `value_count, value_mean, value_m2, value_min, value_max` from column `start`
    /// on; min and max only with values.
    static func valueStats(_ columns: [String?], from start: Int) -> ValueStats {
        let count = PostgresText.int64(columns[start]) ?? 0
        let double = { (index: Int) in PostgresText.double(columns[start + index]) ?? 0 }
        return ValueStats(
            count: count, mean: double(1), m2: double(2), min: count > 0 ? double(3) : nil,
            max: count > 0 ? double(4) : nil)
    }

    // MARK: sensor_metrics

    static let sensorColumns = """
        sensor_id text, sensor_type text, health text, readings_total bigint, readings_normal bigint,
        readings_atypical bigint, readings_fault bigint, readings_out_of_range bigint, value_count bigint,
        value_mean double precision, value_m2 double precision, value_stddev double precision,
        value_min double precision, value_max double precision, smoothed double precision,
        smoothing_tau_s double precision, ewma_weighted_sum double precision, ewma_weight_sum double precision,
        ewma_reference timestamptz, last_value double precision, last_reading_id uuid, first_seen timestamptz,
        last_seen timestamptz, recent_ms bigint[], recent_ids uuid[], recent_classes text[],
        activity_seconds bigint[], activity_counts bigint[], version bigint, updated_at timestamptz
        """

    static let sensorColumnNames = names(of: sensorColumns)

    static let sensorSelect = """
        sensor_id, sensor_type, health, readings_normal, readings_atypical, readings_fault, readings_out_of_range,
        value_count, value_mean, value_m2, value_min, value_max, smoothing_tau_s, ewma_weighted_sum, ewma_weight_sum,
        \(ms("ewma_reference")), last_value, last_reading_id, \(ms("first_seen")), \(ms("last_seen")), recent_ms,
        recent_ids, recent_classes, activity_seconds, activity_counts, version, \(ms("updated_at"))
        """

    static func append(_ row: SensorMetricsRow, to records: inout PostgresJSONRecords) {
        let partial = row.partial
        records.record { record in
            record.field("sensor_id", partial.sensorID)
            record.field("sensor_type", partial.sensorType)
            record.field("health", row.health.rawValue)
            appendCounts(partial.counts, to: &record)
            appendValues(partial.values, to: &record)
            record.field("smoothed", partial.smoothed.value)
            record.field("smoothing_tau_s", partial.smoothed.tauSeconds)
            record.field("ewma_weighted_sum", partial.smoothed.weightedSum)
            record.field("ewma_weight_sum", partial.smoothed.weightSum)
            record.field("ewma_reference", partial.smoothed.reference)
            record.field("last_value", partial.last?.value)
            record.field("last_reading_id", partial.last?.id.description)
            record.field("first_seen", partial.firstSeen)
            record.field("last_seen", partial.lastSeen)
            let recent = partial.recent.entries
            record.field("recent_ms", integers: recent.map(\.timestamp.milliseconds))
            record.field("recent_ids", strings: recent.map(\.id.description))
            record.field("recent_classes", strings: recent.map(\.readingClass.name))
            let activity = partial.activity.counts.sorted { $0.key < $1.key }
            record.field("activity_seconds", integers: activity.map(\.key))
            record.field("activity_counts", integers: activity.map(\.value))
            record.field("version", row.version)
            record.field("updated_at", row.updatedAt)
        }
    }

    /// A row selected with `sensorSelect`; nil when a stored value cannot be read back (a row edited by hand).
    static func sensorRow(_ columns: [String?]) -> SensorMetricsRow? {
        guard columns.count == 27, let sensorID = columns[0], let sensorType = columns[1],
            let health = columns[2].flatMap(SensorHealth.init(rawValue:)),
            let tau = PostgresText.double(columns[12]), tau > 0, tau.isFinite,
            let version = PostgresText.int64(columns[25]), let updatedAt = PostgresText.timestamp(columns[26])
        else { return nil }
        let (counts, values) = (readingCounts(columns, from: 3), valueStats(columns, from: 7))
        let smoothed = DecayedAverage(
            tauSeconds: tau, weightedSum: PostgresText.double(columns[13]) ?? 0,
            weightSum: PostgresText.double(columns[14]) ?? 0, reference: PostgresText.timestamp(columns[15]))
        var last: SensorPartial.LastReading?
        if let lastSeen = PostgresText.timestamp(columns[19]), let id = columns[17].flatMap({ ReadingID($0) }) {
            last = .init(timestamp: lastSeen, id: id, value: PostgresText.double(columns[16]))
        }
        let times = PostgresText.arrayElements(columns[20]).compactMap { Int64($0) }
        let ids = PostgresText.arrayElements(columns[21]).compactMap { ReadingID($0) }
        let classes = PostgresText.arrayElements(columns[22]).compactMap { ReadingClass(name: String($0)) }
        guard times.count == ids.count, ids.count == classes.count else { return nil }
        let entries = (0..<times.count).map {
            RecentWindow.Entry(timestamp: Timestamp(milliseconds: times[$0]), id: ids[$0], readingClass: classes[$0])
        }
        let seconds = PostgresText.arrayElements(columns[23]).compactMap { Int64($0) }
        let perSecond = PostgresText.arrayElements(columns[24]).compactMap { Int64($0) }
        guard seconds.count == perSecond.count else { return nil }
        let partial = SensorPartial(
            sensorID: sensorID, sensorType: sensorType, counts: counts, values: values, smoothed: smoothed,
            firstSeen: PostgresText.timestamp(columns[18]), last: last, recent: RecentWindow(entries: entries),
            activity: ActivityCounts(counts: Dictionary(uniqueKeysWithValues: zip(seconds, perSecond))))
        return SensorMetricsRow(partial, health: health, version: version, updatedAt: updatedAt)
    }

    // MARK: metrics_series

    static let seriesColumns = """
        sensor_type text, bucket_ms bigint, bucket_start timestamptz, readings bigint, value_sum double precision,
        version bigint
        """

    static let seriesSelect = "sensor_type, bucket_ms, \(ms("bucket_start")), readings, value_sum, version"

    static func append(_ row: SeriesRow, to records: inout PostgresJSONRecords) {
        records.record { record in
            record.field("sensor_type", row.sensorType)
            record.field("bucket_ms", row.bucketMilliseconds)
            record.field("bucket_start", row.bucketStart)
            record.field("readings", row.readings)
            record.field("value_sum", row.valueSum)
            record.field("version", row.version)
        }
    }

    static func seriesRow(_ columns: [String?]) -> SeriesRow? {
        guard columns.count == 6, let type = columns[0], let width = PostgresText.int64(columns[1]),
            let start = PostgresText.timestamp(columns[2]), let readings = PostgresText.int64(columns[3]),
            let sum = PostgresText.double(columns[4]), let version = PostgresText.int64(columns[5])
        else { return nil }
        return SeriesRow(
            sensorType: type, bucketMilliseconds: width, bucketStart: start, readings: readings, valueSum: sum,
            version: version)
    }

    // MARK: metrics_summary

    static let summaryColumns = """
        group_key text, sensor_type text, sensors_total integer, sensors_online integer, healthy integer,
        degraded integer, failed integer, readings_total bigint, readings_normal bigint, readings_atypical bigint,
        readings_fault bigint, readings_out_of_range bigint, value_count bigint, value_mean double precision,
        value_m2 double precision, value_stddev double precision, value_min double precision,
        value_max double precision, readings_per_second double precision, computed_at timestamptz
        """

    static let summaryColumnNames = names(of: summaryColumns)

    static let summarySelect = """
        sensor_type, sensors_total, sensors_online, healthy, degraded, failed, readings_normal, readings_atypical,
        readings_fault, readings_out_of_range, value_count, value_mean, value_m2, value_min, value_max,
        readings_per_second, \(ms("computed_at"))
        """

    static func append(_ row: SummaryRow, to records: inout PostgresJSONRecords) {
        records.record { record in
            record.field("group_key", row.key)
            record.field("sensor_type", row.sensorType)
            record.field("sensors_total", Int64(row.sensorsTotal))
            record.field("sensors_online", Int64(row.sensorsOnline))
            record.field("healthy", Int64(row.health.healthy))
            record.field("degraded", Int64(row.health.degraded))
            record.field("failed", Int64(row.health.failed))
            appendCounts(row.readings, to: &record)
            appendValues(row.values, to: &record)
            record.field("readings_per_second", row.readingsPerSecond)
            record.field("computed_at", row.computedAt)
        }
    }

    static func summaryRow(_ columns: [String?]) -> SummaryRow? {
        guard columns.count == 17, let computedAt = PostgresText.timestamp(columns[16]) else { return nil }
        let int = { (index: Int) in PostgresText.int64(columns[index]) ?? 0 }
        return SummaryRow(
            sensorType: columns[0], sensorsTotal: Int(int(1)), sensorsOnline: Int(int(2)),
            health: .init(healthy: Int(int(3)), degraded: Int(int(4)), failed: Int(int(5))),
            readings: readingCounts(columns, from: 6), values: valueStats(columns, from: 10),
            readingsPerSecond: PostgresText.double(columns[15]) ?? 0, computedAt: computedAt)
    }

    // MARK: job_rejects

    static let rejectColumns = "job text, origin text, position bigint, reason text, record text"

    static func append(_ reject: JobReject, to records: inout PostgresJSONRecords) {
        records.record { record in
            record.field("job", reject.job)
            record.field("origin", reject.origin)
            record.field("position", reject.position)
            record.field("reason", reject.reason)
            record.field("record", reject.record)
        }
    }
}
