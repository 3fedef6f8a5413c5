import SensorCore

/// `metrics_series` and `metrics_summary` documents: the dashboard's aggregates.
extension MongoMetricDocuments {
    // MARK: metrics_series, `_id` = "<sensor_type>|<bucket_ms>|<bucket_start ms>"

    static func encode(_ row: SeriesRow, updatedAt: Timestamp, into document: BSONDocument) {
        document.append("_id", string: row.key)
        document.append("sensor_type", string: row.sensorType)
        document.append("bucket_ms", int64: row.bucketMilliseconds)
        document.append("bucket_start", dateMilliseconds: row.bucketStart.milliseconds)
        document.append("readings", int64: row.readings)
        document.append("value_sum", double: row.valueSum)
        // As PostgreSQL computes it: value_sum / greatest(readings, 1).
        document.append("mean", double: row.valueSum / Double(max(row.readings, 1)))
        document.append("version", int64: row.version)
        document.append("updated_at", dateMilliseconds: updatedAt.milliseconds)
    }

    static func seriesRow(_ pointer: OpaquePointer) -> SeriesRow? {
        let document = StoredDocument(pointer)
        guard let type = document.string("sensor_type"), let width = document.integer("bucket_ms"),
            let start = document.timestamp("bucket_start"), let readings = document.integer("readings"),
            let sum = document.double("value_sum"), let version = document.integer("version")
        else { return nil }
        return SeriesRow(
            sensorType: type, bucketMilliseconds: width, bucketStart: start, readings: readings, valueSum: sum,
            version: version)
    }

    // MARK: metrics_summary, `_id` = group_key (`all` or `type:<name>`)

    static func encode(_ row: SummaryRow, into document: BSONDocument) {
        document.append("_id", string: row.key)
        document.append("group_key", string: row.key)
        document.append("sensor_type", nullableString: row.sensorType)
        document.append("sensors_total", int64: Int64(row.sensorsTotal))
        document.append("sensors_online", int64: Int64(row.sensorsOnline))
        document.append("healthy", int64: Int64(row.health.healthy))
        document.append("degraded", int64: Int64(row.health.degraded))
        document.append("failed", int64: Int64(row.health.failed))
        appendCounts(row.readings, into: document)
        appendValues(row.values, into: document)
        document.append("readings_per_second", double: row.readingsPerSecond)
        document.append("computed_at", dateMilliseconds: row.computedAt.milliseconds)
    }

    static func summaryRow(_ pointer: OpaquePointer) -> SummaryRow? {
        let document = StoredDocument(pointer)
        guard let total = document.integer("sensors_total"), let online = document.integer("sensors_online"),
            let healthy = document.integer("healthy"), let degraded = document.integer("degraded"),
            let failed = document.integer("failed"), let readings = document.readingCounts(),
            let values = document.valueStats(), let rate = document.double("readings_per_second"),
            let computedAt = document.timestamp("computed_at")
        else { return nil }
        return SummaryRow(
            sensorType: document.string("sensor_type"), sensorsTotal: Int(total), sensorsOnline: Int(online),
            health: .init(healthy: Int(healthy), degraded: Int(degraded), failed: Int(failed)), readings: readings,
            values: values, readingsPerSecond: rate, computedAt: computedAt)
    }
}
